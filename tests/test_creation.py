"""Creation ops: TensorFlow's dtype inference and defaults, golden values, and hostile sizes
(negative, huge, zero steps) that must raise, never crash."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf

InvalidArgumentError = tf.errors.InvalidArgumentError
ResourceExhaustedError = tf.errors.ResourceExhaustedError


def test_constant_dtypes_and_shapes():
    assert tf.constant(1).dtype == tf.int32 and tf.constant(1.0).dtype == tf.float32
    assert tf.constant([1, 2], dtype=tf.float64).dtype == tf.float64
    assert tf.constant(np.array([1.5]), dtype=tf.float32).dtype == tf.float32
    filled = tf.constant(7, shape=(2, 3))
    assert filled.dtype == tf.int32 and filled.numpy().tolist() == [[7] * 3] * 2
    assert tf.constant([[True]], shape=[2]).numpy().tolist() == [True, True]
    reshaped = tf.constant([1, 2, 3, 4, 5, 6], shape=[3, 2])
    assert reshaped.numpy().tolist() == [[1, 2], [3, 4], [5, 6]]
    assert tf.constant(2.5, shape=4).shape == (4,)
    t = tf.constant([1.0, 2.0])
    assert tf.constant(t) is t


def test_constant_errors():
    with pytest.raises(TypeError, match="unsupported shape"):
        tf.constant([1, 2, 3], shape=[2, 2])
    with pytest.raises(TypeError):
        tf.constant(1.5, dtype=tf.int32)
    with pytest.raises(TypeError, match="with dtype"):
        tf.constant(tf.constant([1, 2]), dtype=tf.float32)
    with pytest.raises(InvalidArgumentError, match="non-negative"):
        tf.constant(1.0, shape=[-1, 2])


def test_zeros_ones_fill():
    z = tf.zeros([2, 3])
    assert z.dtype == tf.float32 and z.numpy().tolist() == [[0.0] * 3] * 2
    assert tf.ones(3, dtype=tf.int64).numpy().tolist() == [1, 1, 1]
    assert tf.ones((2,), dtype="bool").numpy().tolist() == [True, True]
    assert tf.zeros(tf.TensorShape([0, 4])).shape == (0, 4)
    assert tf.zeros(tf.constant([2, 1])).shape == (2, 1)
    assert tf.zeros([]).shape == ()
    assert tf.zeros_like(tf.constant([[1, 2]]), dtype=tf.float64).dtype == tf.float64
    assert tf.ones_like([1.0, 2.0]).numpy().tolist() == [1.0, 1.0]
    f = tf.fill([2, 2], 9.0)
    assert f.dtype == tf.float32 and f.numpy().tolist() == [[9.0, 9.0], [9.0, 9.0]]
    assert tf.fill([1], tf.constant(True)).dtype == tf.bool
    assert f._is_contiguous and f._strides == (2, 1)  # materialised, not a broadcast view


@pytest.mark.parametrize("fn,error,message", [
    (lambda: tf.zeros([-1]), InvalidArgumentError, r"dims\[0\] = -1 must be non-negative"),
    (lambda: tf.ones([2, -5]), InvalidArgumentError, "non-negative"),
    (lambda: tf.zeros([2**40, 2**40]), ResourceExhaustedError, "too many elements"),
    (lambda: tf.zeros([2**62]), ResourceExhaustedError, None),
    (lambda: tf.zeros([2**100]), InvalidArgumentError, "does not fit in int64"),
    (lambda: tf.zeros([None]), InvalidArgumentError, "fully known"),
    (lambda: tf.zeros([1.5]), TypeError, "must be an integer"),
    (lambda: tf.zeros([2], dtype="string"), TypeError, None),
    (lambda: tf.fill([2], [1.0, 2.0]), InvalidArgumentError, "value must be a scalar"),
    (lambda: tf.fill([-3], 1.0), InvalidArgumentError, "non-negative"),
    (lambda: tf.fill([2**31, 2**31, 4], 1), ResourceExhaustedError, None),
    (lambda: tf.eye(-1), InvalidArgumentError, "non-negative"),
    (lambda: tf.eye(2, batch_shape=[-1]), InvalidArgumentError, "non-negative"),
    (lambda: tf.eye(2**40, 2**40), ResourceExhaustedError, None),
])
def test_hostile_sizes_raise(fn, error, message):
    with pytest.raises(error, match=message):
        fn()


def test_eye():
    np.testing.assert_array_equal(tf.eye(3).numpy(), np.eye(3, dtype=np.float32))
    np.testing.assert_array_equal(tf.eye(2, 4, dtype=tf.int32).numpy(), np.eye(2, 4))
    batched = tf.eye(3, 2, batch_shape=[2, 1], dtype=tf.bool)
    assert batched.shape == (2, 1, 3, 2) and batched.dtype == tf.bool
    np.testing.assert_array_equal(batched.numpy()[1, 0], np.eye(3, 2, dtype=bool))
    assert tf.eye(0).shape == (0, 0)


def test_range_dtype_inference_and_values():
    assert tf.range(5).dtype == tf.int32
    assert tf.range(5).numpy().tolist() == [0, 1, 2, 3, 4]
    assert tf.range(1, 2.0).dtype == tf.float32
    assert tf.range(np.float64(3)).dtype == tf.float64
    assert tf.range(tf.constant(3, tf.int64)).dtype == tf.int64
    assert tf.range(2**40, 2**40 + 3).dtype == tf.int64
    assert tf.range(3, dtype=tf.float64).numpy().tolist() == [0.0, 1.0, 2.0]
    assert tf.range(10, 0, -3).numpy().tolist() == [10, 7, 4, 1]
    assert tf.range(0, 1, 0.1).shape == (10,)  # counted in float32, as TensorFlow
    np.testing.assert_allclose(tf.range(0.5, 2.0, 0.5).numpy(), [0.5, 1.0, 1.5])
    assert tf.range(3, 3).shape == (0,)
    big = tf.range(-(2**31), -(2**31) + 3)
    assert big.dtype == tf.int32 and big.numpy().tolist() == [-(2**31), -(2**31) + 1, -(2**31) + 2]


@pytest.mark.parametrize("args,kwargs,error,message", [
    ((0, 5, 0), {}, InvalidArgumentError, "requires delta != 0"),
    ((5, 1), {}, InvalidArgumentError, "requires start <= limit when delta > 0: 5/1"),
    ((1, 5, -1), {}, InvalidArgumentError, "requires start >= limit when delta < 0: 1/5"),
    ((0.0, 1e30, 1e-30), {}, ResourceExhaustedError, "too many elements"),
    ((0.0, float("inf")), {}, ResourceExhaustedError, "too many elements"),
    ((0.0, float("nan")), {}, InvalidArgumentError, None),
    ((0, 2**62), {"dtype": tf.int64}, ResourceExhaustedError, None),
    ((0.5,), {"dtype": tf.int32}, TypeError, None),
    ((3,), {"dtype": tf.bool}, TypeError, None),
    (([1, 2],), {}, InvalidArgumentError, "must be scalars"),
])
def test_range_errors(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        tf.range(*args, **kwargs)


def test_linspace():
    x = tf.linspace(0.0, 1.0, 5)
    assert x.dtype == tf.float32
    np.testing.assert_array_equal(x.numpy(), np.linspace(0, 1, 5, dtype=np.float32))
    ints = tf.linspace(0, 10, 3)
    assert ints.dtype == tf.float64 and ints.numpy().tolist() == [0.0, 5.0, 10.0]
    assert tf.linspace(1.0, 2.0, 0).shape == (0,)
    assert tf.linspace(1.0, 2.0, 1).numpy().tolist() == [1.0]
    assert float(tf.linspace(0.1, 0.7, 7)[-1]) == np.float32(0.7)  # the end point is exact
    grid = tf.linspace([0.0, 10.0], [1.0, 20.0], 3, axis=1)
    np.testing.assert_allclose(grid.numpy(), [[0.0, 0.5, 1.0], [10.0, 15.0, 20.0]])
    with pytest.raises(InvalidArgumentError, match="num must be non-negative"):
        tf.linspace(0.0, 1.0, -1)
    with pytest.raises(IndexError, match="axis 2 is out of range"):
        tf.linspace(0.0, 1.0, 3, axis=2)
    with pytest.raises(InvalidArgumentError, match="Incompatible shapes"):
        tf.linspace([0.0, 1.0], [1.0, 2.0, 3.0], 3)


def test_one_hot():
    out = tf.one_hot([0, 2, -1, 3], 3)
    assert out.dtype == tf.float32
    np.testing.assert_array_equal(out.numpy(), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
    assert tf.one_hot([1], 2, on_value=5, off_value=-1).numpy().tolist() == [[-1, 5]]
    assert tf.one_hot([1], 2, on_value=5).dtype == tf.int32
    assert tf.one_hot([1], 2, dtype=tf.float64).dtype == tf.float64
    assert tf.one_hot([1], 2, dtype=tf.bool).numpy().tolist() == [[False, True]]
    assert tf.one_hot(np.uint8(1), tf.constant(3)).numpy().tolist() == [0.0, 1.0, 0.0]
    by_column = tf.one_hot([[0, 1]], 3, axis=1)
    assert by_column.shape == (1, 3, 2)
    np.testing.assert_array_equal(by_column.numpy()[0], [[1, 0], [0, 1], [0, 0]])
    assert tf.one_hot(tf.zeros([0], tf.int32), 4).shape == (0, 4)
    assert tf.one_hot([1, 2], 0).shape == (2, 0)


@pytest.mark.parametrize("fn,error,message", [
    (lambda: tf.one_hot([1], -1), InvalidArgumentError, "depth must be non-negative"),
    (lambda: tf.one_hot([1], 2, axis=2), IndexError, "expected axis to be -1 or in"),
    (lambda: tf.one_hot([1.0], 2), InvalidArgumentError, "int32 or int64"),
    (lambda: tf.one_hot([1], 2, on_value=1.0, off_value=0), TypeError, "does not match"),
    (lambda: tf.one_hot([1], 2, on_value=1.5, dtype=tf.int32), TypeError, "dtype parameter"),
    (lambda: tf.one_hot([1], 2, on_value=[1.0, 2.0]), InvalidArgumentError, "scalars"),
    (lambda: tf.one_hot([1], 2.5), TypeError, "must be an integer"),
])
def test_one_hot_errors(fn, error, message):
    with pytest.raises(error, match=message):
        fn()
