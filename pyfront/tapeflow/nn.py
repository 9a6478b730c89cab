"""``tf.nn``: activations and the softmax family."""

from tapeflow.ops.elementwise import relu, sigmoid, softplus, tanh  # noqa: F401
from tapeflow.ops.nn import *  # noqa: F403
