"""``tf.experimental``."""

from tapeflow.experimental import dlpack  # noqa: F401
