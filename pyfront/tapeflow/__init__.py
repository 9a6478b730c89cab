"""tapeflow: a deep-learning library with a C++ core and TensorFlow's API.

    import tapeflow as tf
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    y = tf.nn.relu(x @ x - 5.0)
"""

from tapeflow import _C, _tensor, dtypes, errors

_tensor.install()

from tapeflow._convert import convert_to_tensor
from tapeflow._device import device
from tapeflow.dtypes import DType, as_dtype, bool, double, float32, float64, int32, int64
from tapeflow.tensor_shape import TensorShape
from tapeflow.variables import Variable

Tensor = _C.Tensor

from tapeflow import config, experimental, linalg, math, nn, random
from tapeflow.function import function
from tapeflow.gradient_tape import GradientTape, UnconnectedGradients, stop_gradient
from tapeflow.ops import creation as _creation_ops
from tapeflow.ops import elementwise as _elementwise_ops
from tapeflow.ops import linalg as _linalg_ops
from tapeflow.ops import nn as _nn_ops
from tapeflow.ops import random as _random_ops
from tapeflow.ops import reduce as _reduce_ops
from tapeflow.ops import shape as _shape_ops
from tapeflow.ops.creation import *  # noqa: F403
from tapeflow.ops.elementwise import *  # noqa: F403
from tapeflow.ops.linalg import *  # noqa: F403
from tapeflow.ops.reduce import *  # noqa: F403
from tapeflow.ops.shape import *  # noqa: F403

__version__ = "0.1.0"


def __getattr__(name):
    # tf.keras and tf.data are imported on first use, so `import tapeflow` stays fast.
    if name == "keras":
        import tapeflow.keras as keras

        return keras
    if name == "data":
        import tapeflow.data as data

        return data
    raise AttributeError(f"module 'tapeflow' has no attribute {name!r}")
