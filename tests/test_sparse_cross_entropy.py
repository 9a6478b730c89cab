"""The fused sparse softmax cross-entropy (csrc/ops/nn.cpp) against its composite definition
-log_softmax(logits)[label]: values, first and second derivatives, label checks; and the
Keras loss built on it against the composite it replaced (clipped probabilities included)."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from tapeflow import keras
from tapeflow.errors import InvalidArgumentError


def _composite(labels, logits):
    log_probs = tf.nn.log_softmax(logits, axis=-1)
    return -tf.reduce_sum(
        tf.one_hot(labels, logits.shape[-1], dtype=logits.dtype) * log_probs, axis=-1
    )


def _case(dtype, shape=(6, 5), seed=0):
    rng = np.random.default_rng(seed)
    logits = tf.constant(rng.normal(scale=3.0, size=shape).astype(dtype))
    labels = tf.constant(rng.integers(0, shape[-1], size=shape[:-1]).astype(np.int64))
    return labels, logits


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(6, 5), (2, 3, 4), (1, 1), (7,)])
def test_matches_the_composite_to_second_order(shape, dtype):
    labels, logits = _case(dtype, shape)
    upstream = tf.constant(
        np.linspace(0.5, 1.5, int(np.prod(shape[:-1]))).reshape(shape[:-1]).astype(dtype)
    )
    results = []
    for fn in (tf.nn.sparse_softmax_cross_entropy_with_logits, _composite):
        with tf.GradientTape() as outer:
            outer.watch(logits)
            with tf.GradientTape() as inner:
                inner.watch(logits)
                loss = fn(labels, logits)
                weighted = tf.reduce_sum(loss * upstream)
            grad = inner.gradient(weighted, logits)
            curvature = tf.reduce_sum(tf.square(grad))
        results.append((loss, grad, outer.gradient(curvature, logits)))
    tol = 1e-5 if dtype == "float32" else 1e-12
    for what, got, expected in zip(("loss", "gradient", "second order"), *results, strict=True):
        assert_close(got.numpy(), expected.numpy(), rtol=tol, atol=tol, what=what)


def test_large_logits_do_not_overflow():
    logits = tf.constant([[1000.0, 0.0], [-1000.0, 1000.0]])
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([0, 0]), logits)
    assert_close(loss.numpy(), [0.0, 2000.0], rtol=1e-6)


def test_bad_labels_raise_with_tensorflows_message():
    logits = tf.constant(np.zeros((3, 4), np.float32))
    with pytest.raises(
        InvalidArgumentError,
        match=r"label value of 4 which is outside the valid "
        r"range of \[0, 4\)\. Label values: \[1 4 0\]",
    ):
        tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([1, 4, 0]), logits)
    with pytest.raises(InvalidArgumentError, match="label value of -1"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([-1, 0, 0]), logits)
    with pytest.raises(InvalidArgumentError, match=r"labels of shape \(2,\) do not match"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([0, 0]), logits)
    with pytest.raises(InvalidArgumentError, match="labels must be int32 or int64"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([0.0, 0.0, 0.0]), logits)
    with pytest.raises(InvalidArgumentError, match="logits must be float32 or float64"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(tf.constant([0]), tf.constant([[1, 2]]))


def _keras_composite(y_true, y_pred, from_logits):
    """The composite the Keras loss used before the fused op: clip, log, log_softmax, pick."""
    if not from_logits:
        y_pred = tf.math.log(tf.clip_by_value(y_pred, 1e-7, 1.0 - 1e-7))
    return _composite(tf.cast(y_true, tf.int64), y_pred)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("label_dtype", ["int32", "uint8", "float32"])
def test_keras_loss_matches_the_composite_with_its_gradient(from_logits, label_dtype):
    rng = np.random.default_rng(3)
    logits = tf.constant(rng.normal(scale=4.0, size=(16, 10)).astype(np.float32))
    labels = rng.integers(0, 10, size=(16,)).astype(label_dtype)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)
    outputs = []
    for compute in (
        lambda p: loss_fn(labels, p),
        lambda p: tf.reduce_mean(_keras_composite(labels, p, from_logits)),
    ):
        with tf.GradientTape() as tape:
            tape.watch(logits)
            # Probabilities with some saturated entries, so the clip at 1e-7 matters.
            y_pred = logits if from_logits else tf.nn.softmax(logits * 4.0)
            loss = compute(y_pred)
        outputs.append((loss, tape.gradient(loss, logits)))
    (loss, grad), (ref_loss, ref_grad) = outputs
    assert_close(loss.numpy(), ref_loss.numpy(), rtol=1e-6, atol=1e-6, what="loss")
    assert_close(grad.numpy(), ref_grad.numpy(), rtol=1e-5, atol=1e-7, what="gradient")
