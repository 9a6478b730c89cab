"""``tf.random``: counter-based (Philox) random numbers with TensorFlow's seeding rules."""

from tapeflow.ops.random import *  # noqa: F403
