"""Op-table rows for the elementwise family."""

import numpy as np

import tapeflow as tf
from op_table import BINARY_SHAPES, UNARY_SHAPES, OpCase, random_array


def _away_from_zero(rng, shapes, dtype):
    """Divisors bounded away from 0 (no pole in the reference or the gradient check)."""
    out = []
    for shape in shapes:
        mag = rng.uniform(0.5, 2.0, size=shape)
        sign = np.where(rng.random(shape) < 0.5, -1.0, 1.0)
        out.append(np.asarray(mag * sign).astype(dtype))
    return out


def _numerator_and_divisor(rng, shapes, dtype):
    return [random_array(rng, shapes[0], dtype)] + _away_from_zero(rng, shapes[1:], dtype)


def _positive(rng, shapes, dtype):
    return [np.asarray(rng.uniform(0.2, 3.0, size=s)).astype(dtype) for s in shapes]


def _distinct_pairs(rng, shapes, dtype):
    """Inputs whose elements never tie (ties are a kink of maximum/minimum)."""
    # a on a grid of even tenths, b on odd twentieths: never equal.
    a = (rng.integers(-20, 20, size=shapes[0]) / 10.0).astype(dtype)
    b = ((2 * rng.integers(-20, 20, size=shapes[1]) + 1) / 20.0).astype(dtype)
    return [a, b]


def _softplus(x):
    return np.logaddexp(0.0, x)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


FLOATS = ("float32", "float64")
ALL_NUMERIC = ("float32", "float64", "int32", "int64")

CASES = [
    OpCase("add", tf.add, np.add, BINARY_SHAPES, dtypes=ALL_NUMERIC),
    OpCase("subtract", tf.subtract, np.subtract, BINARY_SHAPES, dtypes=ALL_NUMERIC),
    OpCase("multiply", tf.multiply, np.multiply, BINARY_SHAPES, dtypes=ALL_NUMERIC),
    OpCase("divide", tf.divide, np.divide, BINARY_SHAPES, make_inputs=_numerator_and_divisor),
    OpCase("floordiv", tf.math.floordiv, np.floor_divide, BINARY_SHAPES, grad=False,
           make_inputs=_numerator_and_divisor),
    OpCase("floormod", tf.math.floormod, np.mod, BINARY_SHAPES, grad=False,
           make_inputs=_numerator_and_divisor),
    OpCase("pow", tf.pow, np.power, BINARY_SHAPES, make_inputs=_positive),
    OpCase("maximum", tf.maximum, np.maximum, BINARY_SHAPES, make_inputs=_distinct_pairs),
    OpCase("minimum", tf.minimum, np.minimum, BINARY_SHAPES, make_inputs=_distinct_pairs),
    OpCase("squared_difference", tf.math.squared_difference, lambda a, b: (a - b) ** 2,
           BINARY_SHAPES),
    OpCase("equal", tf.equal, np.equal, BINARY_SHAPES, dtypes=ALL_NUMERIC, grad=False,
           low=-2, high=2),
    OpCase("not_equal", tf.not_equal, np.not_equal, BINARY_SHAPES, dtypes=ALL_NUMERIC,
           grad=False),
    OpCase("less", tf.less, np.less, BINARY_SHAPES, dtypes=ALL_NUMERIC, grad=False),
    OpCase("less_equal", tf.less_equal, np.less_equal, BINARY_SHAPES, dtypes=ALL_NUMERIC,
           grad=False),
    OpCase("greater", tf.greater, np.greater, BINARY_SHAPES, dtypes=ALL_NUMERIC, grad=False),
    OpCase("greater_equal", tf.greater_equal, np.greater_equal, BINARY_SHAPES,
           dtypes=ALL_NUMERIC, grad=False),
    OpCase("logical_and", tf.logical_and, np.logical_and, BINARY_SHAPES, dtypes=("bool",),
           grad=False),
    OpCase("logical_or", tf.logical_or, np.logical_or, BINARY_SHAPES, dtypes=("bool",),
           grad=False),
    OpCase("where", tf.where, np.where,
           (((3, 5), (3, 5), (3, 5)), ((3, 1), (5,), ()), ((), (7,), (7,)), ((0, 2), (2,), ())),
           input_dtypes=("bool", None, None)),
    OpCase("clip_by_value", tf.clip_by_value, np.clip,
           (((3, 5), (), ()), ((7,), (7,), ()), ((4, 3), (3,), (4, 1)), ((0,), (), ())),
           make_inputs=lambda rng, shapes, dt: [
               random_array(rng, shapes[0], dt),
               np.full(shapes[1], -0.5, dtype=dt), np.full(shapes[2], 0.7, dtype=dt)]),
    OpCase("negative", tf.negative, np.negative, UNARY_SHAPES, dtypes=ALL_NUMERIC),
    OpCase("abs", tf.abs, np.abs, UNARY_SHAPES, dtypes=ALL_NUMERIC,
           make_inputs=lambda rng, shapes, dt: _away_from_zero(rng, shapes, dt)),
    OpCase("sign", tf.sign, np.sign, UNARY_SHAPES, dtypes=ALL_NUMERIC, grad=False),
    OpCase("square", tf.square, np.square, UNARY_SHAPES, dtypes=ALL_NUMERIC),
    OpCase("sqrt", tf.sqrt, np.sqrt, UNARY_SHAPES, make_inputs=_positive),
    OpCase("rsqrt", tf.math.rsqrt, lambda x: 1 / np.sqrt(x), UNARY_SHAPES, make_inputs=_positive),
    OpCase("reciprocal", tf.math.reciprocal, np.reciprocal, UNARY_SHAPES,
           make_inputs=_away_from_zero),
    OpCase("exp", tf.exp, np.exp, UNARY_SHAPES),
    OpCase("expm1", tf.math.expm1, np.expm1, UNARY_SHAPES),
    OpCase("log", tf.math.log, np.log, UNARY_SHAPES, make_inputs=_positive),
    OpCase("log1p", tf.math.log1p, np.log1p, UNARY_SHAPES, make_inputs=_positive),
    OpCase("sin", tf.sin, np.sin, UNARY_SHAPES),
    OpCase("cos", tf.cos, np.cos, UNARY_SHAPES),
    OpCase("tan", tf.tan, np.tan, UNARY_SHAPES, low=-1.2, high=1.2),  # away from the poles
    OpCase("tanh", tf.tanh, np.tanh, UNARY_SHAPES),
    OpCase("sigmoid", tf.sigmoid, _sigmoid, UNARY_SHAPES, low=-20, high=20),
    OpCase("relu", tf.nn.relu, lambda x: np.maximum(x, 0), UNARY_SHAPES, dtypes=ALL_NUMERIC,
           make_inputs=lambda rng, shapes, dt: _away_from_zero(rng, shapes, dt)),
    OpCase("softplus", tf.nn.softplus, _softplus, UNARY_SHAPES, low=-30, high=30),
    OpCase("floor", tf.floor, np.floor, UNARY_SHAPES, grad=False),
    OpCase("ceil", tf.math.ceil, np.ceil, UNARY_SHAPES, grad=False),
    OpCase("round", tf.round, np.round, UNARY_SHAPES, grad=False),
    OpCase("logical_not", tf.logical_not, np.logical_not, UNARY_SHAPES, dtypes=("bool",),
           grad=False),
    OpCase("cast_to_int32", lambda x: tf.cast(x, tf.int32), lambda x: np.trunc(x).astype(np.int32),
           UNARY_SHAPES, grad=False, low=-100, high=100),
    OpCase("cast_to_float64", lambda x: tf.cast(x, tf.float64), lambda x: x.astype(np.float64),
           UNARY_SHAPES, dtypes=ALL_NUMERIC),
]
