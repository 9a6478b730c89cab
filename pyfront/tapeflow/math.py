"""``tf.math``: the elementwise, reduction and comparison ops under their TensorFlow names."""

from tapeflow.ops.elementwise import *  # noqa: F403
from tapeflow.ops.reduce import *  # noqa: F403
