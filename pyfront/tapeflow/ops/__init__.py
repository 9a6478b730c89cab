"""The op families; tapeflow/__init__.py re-exports their __all__."""
