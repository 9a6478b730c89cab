"""Reduction semantics beyond the op table: errors, NaN, large sizes, determinism."""

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import _C

c = tf.convert_to_tensor


def test_bad_axes_raise_index_error():
    x = c(np.zeros((2, 3), np.float32))
    with pytest.raises(IndexError, match="axis 2 is out of range"):
        tf.reduce_sum(x, axis=2)
    with pytest.raises(IndexError):
        tf.reduce_max(x, axis=-3)
    with pytest.raises(IndexError):
        tf.argmax(c(np.zeros((2,), np.float32)), axis=1)


def test_duplicate_axes_and_wrong_dtypes_raise():
    x = c(np.zeros((2, 3), np.float32))
    with pytest.raises(tf.errors.InvalidArgumentError, match="twice"):
        tf.reduce_sum(x, axis=[1, -1])
    with pytest.raises(tf.errors.InvalidArgumentError, match="numeric"):
        tf.reduce_sum(c([True, False]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="bool"):
        tf.reduce_any(x)
    with pytest.raises(TypeError):
        tf.reduce_sum(x, axis=1.5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="float"):
        tf.nn.softmax(c([1, 2]))


def test_argmax_defaults_and_output_type():
    x = c(np.array([[1.0, 5.0], [7.0, 2.0]], np.float32))
    assert tf.argmax(x).numpy().tolist() == [1, 0]  # axis 0 by default, as in TF
    assert tf.argmax(x).dtype == tf.int64
    assert tf.argmax(x, axis=1, output_type=tf.int32).dtype == tf.int32
    assert tf.argmax(c([3.0, 3.0, 1.0])).numpy() == 0  # first index wins a tie
    with pytest.raises(tf.errors.InvalidArgumentError, match="empty"):
        tf.argmax(c(np.zeros((0, 2), np.float32)))


def test_nan_propagates_through_max_and_argmax():
    x = c(np.array([1.0, np.nan, 3.0], np.float32))
    assert np.isnan(tf.reduce_max(x).numpy())
    assert np.isnan(tf.reduce_min(x).numpy())
    assert tf.argmax(x).numpy() == 1


def test_float32_sum_of_4m_elements_is_accurate():
    x = np.random.default_rng(0).uniform(0, 1, size=4 * 1024 * 1024).astype(np.float32)
    got = float(tf.reduce_sum(c(x)))
    assert abs(got - x.astype(np.float64).sum()) / x.size < 1e-7


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_results_are_bit_identical_across_thread_counts(axis):
    x = c(np.random.default_rng(1).standard_normal((512, 2048)).astype(np.float32))
    original = _C.num_threads()
    try:
        _C.set_num_threads(1)
        one = tf.reduce_sum(x, axis=axis).numpy()
        _C.set_num_threads(2)
        two = tf.reduce_sum(x, axis=axis).numpy()
    finally:
        _C.set_num_threads(original)
    np.testing.assert_array_equal(one, two)


def test_logsumexp_handles_large_values_and_minus_infinity():
    x = c(np.array([[1000.0, 1000.0], [-np.inf, -np.inf]], np.float64))
    out = tf.reduce_logsumexp(x, axis=1).numpy()
    assert abs(out[0] - (1000.0 + np.log(2.0))) < 1e-9
    assert out[1] == -np.inf


def test_softmax_is_stable_for_large_logits():
    out = tf.nn.softmax(c(np.array([1000.0, 0.0], np.float32))).numpy()
    np.testing.assert_allclose(out, [1.0, 0.0])
    np.testing.assert_allclose(tf.nn.log_softmax(c([1000.0, 0.0])).numpy(), [0.0, -1000.0])
