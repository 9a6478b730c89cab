"""Every public op driven with hostile arguments: wrong ranks, negative and huge sizes,
out-of-range axes and indices, mixed dtypes, ragged lists, strings, None, NaN.

An op may accept an argument combination (some are legal) but must never crash the process or
raise anything other than the exceptions a caller is promised (ValueError and its
InvalidArgumentError, TypeError, IndexError, MemoryError, NotImplementedError)."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

import tapeflow as tf
from tapeflow.errors import InvalidArgumentError
from tapeflow.ops.nn import _dense

ALLOWED = (ValueError, TypeError, IndexError, MemoryError, NotImplementedError, OverflowError)

OPS = [
    # creation
    "constant", "convert_to_tensor", "ones", "zeros", "ones_like", "zeros_like", "fill", "eye",
    "range", "linspace", "one_hot", "identity", "cast",
    # elementwise
    "add", "subtract", "multiply", "divide", "truediv", "floordiv", "pow", "maximum",
    "minimum", "negative", "abs", "sign", "square", "sqrt", "exp", "log", "tanh", "sigmoid",
    "equal", "less", "greater_equal", "logical_and", "logical_not", "where", "clip_by_value",
    # reductions
    "reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_any",
    "reduce_all", "reduce_logsumexp", "argmax", "argmin",
    # linear algebra and shapes
    "matmul", "tensordot", "reshape", "transpose", "expand_dims", "squeeze", "concat", "stack",
    "split", "tile", "broadcast_to", "gather", "shape", "size", "rank",
]
NAMESPACED = ["nn.softmax", "nn.log_softmax", "nn.relu", "math.log1p", "math.rsqrt",
              "random.normal", "random.uniform", "random.truncated_normal", "random.shuffle",
              "linalg.matmul", "ops.nn._dense"]


def _hostile_values():
    f = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    return [
        f, tf.constant([1, 2, 3]), tf.constant([True, False]), tf.constant(np.zeros((0, 3))),
        tf.constant(np.float64(np.nan)), tf.constant(3), tf.zeros((1,) * 12),
        -1, 0, 7, 100, -100, 2**45, 2**62, -(2**62), 1.5, float("nan"), float("inf"),
        None, "abc", b"xyz", object(), [], [[1, 2], [3]], [1.0, "a"], (2, -3), (2**40, 2**40),
        [0, 0, 0], {"a": 1}, np.array([1, 2], dtype=np.uint64), np.zeros((2, 2), np.complex64),
        tf.float32, "float16", (), (100,), [-1, -1],
    ]


def _resolve(name):
    obj = tf
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _call(fn, args):
    try:
        fn(*args)
    except ALLOWED:
        pass


@pytest.mark.parametrize("name", OPS + NAMESPACED)
def test_op_survives_hostile_arguments(name):
    fn = _resolve(name)
    values = _hostile_values()
    # Every single argument and every ordered pair; a deterministic sample of triples.
    for v in values:
        _call(fn, (v,))
    for a, b in itertools.product(values, repeat=2):
        _call(fn, (a, b))
    rng = random.Random(hash(name) & 0xFFFF)
    for _ in range(300):
        _call(fn, tuple(rng.choice(values) for _ in range(3)))


def test_getitem_survives_hostile_keys():
    t = tf.reshape(tf.range(24), (2, 3, 4))
    keys = [100, -100, (0, 0, 0, 0), slice(None, None, 0), (..., ...), "a", 1.5, None,
            [5, 0], np.array([[1]]), tf.constant([1.0]), (slice(2**62, -(2**62)),),
            tf.constant([True, False]), [], (None, None, 0), 2**62]
    for key in keys:
        try:
            t[key]
        except ALLOWED:
            pass


def test_tensor_protocols_survive_hostile_use():
    t = tf.constant([[1.0, 2.0]])
    for call in (lambda: float(t), lambda: int(t), lambda: bool(t), lambda: len(tf.constant(1)),
                 lambda: t.__array__(dtype="complex64"), lambda: format(t, ".2f"),
                 lambda: t + "a", lambda: t @ t, lambda: t ** "x", lambda: divmod(t, t)):
        try:
            call()
        except ALLOWED:
            pass


def _f32(*shape):
    return tf.ones(shape, dtype=tf.float32)


# The fused dense op (keras.layers.Dense's kernel): each bad argument raises the promised error.
DENSE_BAD_ARGUMENTS = [
    ((_f32(3), _f32(3, 2)), InvalidArgumentError),  # x of rank 1
    ((_f32(2, 3), _f32(3)), InvalidArgumentError),  # kernel of rank 1
    ((_f32(2, 3), _f32(3, 2, 1)), InvalidArgumentError),  # kernel of rank 3
    ((_f32(2, 3), _f32(4, 2)), InvalidArgumentError),  # 3 features, the kernel expects 4
    ((_f32(2, 3), _f32(3, 2), _f32(3)), InvalidArgumentError),  # bias (3,) for 2 units
    ((_f32(2, 3), _f32(3, 2), _f32(1, 2)), InvalidArgumentError),  # bias of rank 2
    ((tf.ones((2, 3), tf.int32), tf.ones((3, 2), tf.int32)), InvalidArgumentError),
    ((_f32(2, 3), tf.ones((3, 2), tf.float64)), InvalidArgumentError),  # mixed float dtypes
    ((_f32(2, 3), _f32(3, 2), tf.ones((2,), tf.float64)), InvalidArgumentError),
    ((_f32(2, 3), _f32(3, 2), None, "softmax"), InvalidArgumentError),
    ((_f32(2, 3), _f32(3, 2), None, "RELU"), InvalidArgumentError),
    ((_f32(2, 3), _f32(3, 2), None, None), TypeError),
    ((_f32(2, 3), _f32(3, 2), None, 3), TypeError),
    ((None, _f32(3, 2)), TypeError),
    ((_f32(2, 3), None), TypeError),
    ((_f32(2, 3), _f32(3, 2), "bias"), (TypeError, ValueError)),
]


@pytest.mark.parametrize("args,error", DENSE_BAD_ARGUMENTS, ids=range(len(DENSE_BAD_ARGUMENTS)))
def test_dense_rejects_bad_arguments(args, error):
    with pytest.raises(error):
        _dense(*args)
