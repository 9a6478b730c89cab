"""``tf.linalg``."""

from tapeflow.ops.linalg import *  # noqa: F403
