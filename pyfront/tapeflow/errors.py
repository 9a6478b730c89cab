"""Exceptions raised by tapeflow, named as in ``tf.errors``.

Each derives from the builtin a Python user would catch: ``InvalidArgumentError`` is a
``ValueError``, ``ResourceExhaustedError`` a ``MemoryError``, ``UnimplementedError`` a
``NotImplementedError``. Bad axes and indices raise the builtin ``IndexError`` and wrong types
``TypeError``, as in TensorFlow's eager mode.
"""


class OpError(Exception):
    """Base class of the errors an op raises; ``message`` holds the text."""

    @property
    def message(self) -> str:
        return str(self)


class InvalidArgumentError(OpError, ValueError):
    """An op received an argument it cannot accept (shape, dtype, value)."""


class ResourceExhaustedError(OpError, MemoryError):
    """Memory for a tensor could not be had."""


class UnimplementedError(OpError, NotImplementedError):
    """The operation has no kernel for these arguments in this build."""


class InternalError(OpError):
    """An invariant inside tapeflow failed; please report it."""


__all__ = [
    "OpError",
    "InvalidArgumentError",
    "ResourceExhaustedError",
    "UnimplementedError",
    "InternalError",
]
