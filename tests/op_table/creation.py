"""Op-table rows for the creation ops (inputs, where any, are the fill or endpoint values).
linspace is also differentiable in its endpoints (the *_grad rows)."""

import numpy as np

import tapeflow as tf
from op_table import UNARY_SHAPES, OpCase

ALL = ("float32", "float64", "int32", "int64", "bool")
NO_INPUT = ((),)  # one shape set with no inputs


def _endpoints(rng, shapes, dtype):
    return [rng.uniform(-3, 3, size=s).astype(dtype) for s in shapes]


CASES = [
    OpCase("fill", lambda v: tf.fill([3, 1, 4], v), lambda v: np.full((3, 1, 4), v),
           (((),),), dtypes=ALL),
    OpCase("fill_empty", lambda v: tf.fill([2, 0], v), lambda v: np.full((2, 0), v),
           (((),),), dtypes=ALL),
    OpCase("zeros_like", tf.zeros_like, np.zeros_like, UNARY_SHAPES, dtypes=ALL, grad=False),
    OpCase("ones_like", tf.ones_like, np.ones_like, UNARY_SHAPES, dtypes=ALL, grad=False),
    OpCase("zeros", lambda: tf.zeros((2, 3)), lambda: np.zeros((2, 3)), NO_INPUT, grad=False),
    OpCase("ones_int", lambda: tf.ones([7], tf.int64), lambda: np.ones(7, np.int64), NO_INPUT,
           grad=False),
    OpCase("eye", lambda: tf.eye(3), lambda: np.eye(3), NO_INPUT, grad=False),
    OpCase("eye_rect_batched", lambda: tf.eye(2, 5, batch_shape=[3], dtype=tf.int32),
           lambda: np.broadcast_to(np.eye(2, 5, dtype=np.int32), (3, 2, 5)), NO_INPUT,
           grad=False),
    OpCase("eye_bool_wide", lambda: tf.eye(4, 1, dtype=tf.bool), lambda: np.eye(4, 1, dtype=bool),
           NO_INPUT, grad=False),
    OpCase("range_int", lambda: tf.range(2, 33, 3), lambda: np.arange(2, 33, 3, dtype=np.int32),
           NO_INPUT, grad=False),
    OpCase("range_negative", lambda: tf.range(10, -5, -4),
           lambda: np.arange(10, -5, -4, dtype=np.int32), NO_INPUT, grad=False),
    OpCase("range_float", lambda: tf.range(0.5, 3.0, 0.25),
           lambda: np.arange(0.5, 3.0, 0.25), NO_INPUT, grad=False),
    OpCase("range_large", lambda: tf.range(1025, dtype=tf.float64),
           lambda: np.arange(1025, dtype=np.float64), NO_INPUT, grad=False),
    OpCase("range_empty", lambda: tf.range(3, 3), lambda: np.arange(3, 3, dtype=np.int32),
           NO_INPUT, grad=False),
    OpCase("linspace", lambda: tf.linspace(-1.0, 2.0, 7), lambda: np.linspace(-1.0, 2.0, 7),
           NO_INPUT, grad=False),
    OpCase("linspace_one", lambda: tf.linspace(3.0, 5.0, 1), lambda: np.linspace(3.0, 5.0, 1),
           NO_INPUT, grad=False),
    OpCase("linspace_tensors", lambda a, b: tf.linspace(a, b, 5, axis=-1),
           lambda a, b: np.linspace(a, b, 5, axis=-1),
           (((), ()), ((3,), (3,)), ((2, 3), (3,)), ((0,), (1,))), make_inputs=_endpoints,
           grad=False),
    OpCase("linspace_axis0", lambda a, b: tf.linspace(a, b, 4), lambda a, b: np.linspace(a, b, 4),
           (((3,), (3,)), ((2, 3), (2, 1))), make_inputs=_endpoints, grad=False),
    OpCase("linspace_grad", lambda s, e: tf.linspace(s, e, 7), lambda s, e: np.linspace(s, e, 7),
           (((), ()), ((3,), (3,)), ((2, 1), (3,)), ((0,), ()))),
    OpCase("linspace_grad_axis-1", lambda s, e: tf.linspace(s, e, 4, axis=-1),
           lambda s, e: np.linspace(s, e, 4, axis=-1), (((), ()), ((3,), ()), ((2, 3), (2, 3)))),
    OpCase("linspace_grad_num1", lambda s, e: tf.linspace(s, e, 1),
           lambda s, e: np.linspace(s, e, 1), (((), ()), ((3,), (3,)))),
]
