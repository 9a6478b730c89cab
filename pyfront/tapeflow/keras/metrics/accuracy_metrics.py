"""Accuracy metrics: per-sample match functions (1.0 for a hit, 0.0 for a miss) and the
running-mean metrics built on them.

    m = keras.metrics.SparseCategoricalAccuracy()
    m.update_state([0, 1, 2], [[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    m.result()                                               # 1.0

Labels may be Python lists, NumPy arrays of any integer dtype (uint8 included) or tensors;
(N,) labels against (N, 1) predictions are aligned, never broadcast to (N, N).
"""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras import backend
from tapeflow.keras.losses.loss import squeeze_or_expand_to_same_rank
from tapeflow.keras.metrics.reduction_metrics import MeanMetricWrapper


def _as_float(x):
    x = backend.convert(x)
    return x if x.dtype.is_floating else tf.cast(x, backend.floatx())


def _matches(a, b):
    return tf.cast(tf.equal(a, b), backend.floatx())


def accuracy(y_true, y_pred):
    """1.0 where y_pred equals y_true exactly (the mean over the last axis)."""
    y_pred = backend.convert(y_pred)
    y_true = backend.convert(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return tf.reduce_mean(_matches(y_true, y_pred), axis=-1)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where (y_pred > threshold) equals the 0/1 label (the mean over the last axis)."""
    y_pred = _as_float(y_pred)
    y_true = backend.convert(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    predicted = tf.cast(y_pred > threshold, y_true.dtype)
    return tf.reduce_mean(_matches(y_true, predicted), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) equals argmax(y_true) (one-hot labels)."""
    y_true = backend.convert(y_true)
    y_pred = backend.convert(y_pred)
    return _matches(tf.argmax(y_true, axis=-1), tf.argmax(y_pred, axis=-1))


def _integer_labels(y_true, y_pred):
    """Integer labels (shape of y_pred without its class axis) from (N,), (N, 1) or float
    labels."""
    y_true = backend.convert(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = tf.squeeze(y_true, axis=-1)
    return backend.cast(y_true, tf.int64)


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_pred) equals the integer label; labels of shape (N,) or (N, 1)."""
    y_pred = backend.convert(y_pred)
    labels = _integer_labels(y_true, y_pred)
    return _matches(labels, tf.argmax(y_pred, axis=-1))


def _in_top_k(labels, y_pred, k: int):
    """Whether the label's score is among the k largest of its row (ties at the boundary
    count as in, as tf.math.in_top_k); labels (M,), y_pred (M, C)."""
    num_classes = y_pred.shape[-1]
    is_label = tf.cast(tf.one_hot(labels, num_classes), tf.bool)
    label_score = tf.reduce_sum(
        tf.where(is_label, y_pred, tf.zeros_like(y_pred)), axis=-1, keepdims=True
    )
    larger = tf.reduce_sum(tf.cast(y_pred > label_score, tf.int32), axis=-1)
    finite = tf.math.is_finite(tf.squeeze(label_score, axis=-1))
    return tf.logical_and(larger < k, finite)


def _top_k_matches(labels, y_pred, k):
    y_pred = _as_float(y_pred)
    num_classes = y_pred.shape[-1]
    shape = labels.shape
    matches = _in_top_k(tf.reshape(labels, [-1]), tf.reshape(y_pred, [-1, num_classes]), k)
    return tf.reshape(tf.cast(matches, backend.floatx()), shape)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the k highest predictions."""
    return _top_k_matches(tf.argmax(backend.convert(y_true), axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the integer label is among the k highest predictions."""
    y_pred = backend.convert(y_pred)
    return _top_k_matches(_integer_labels(y_true, y_pred), y_pred, k)


class Accuracy(MeanMetricWrapper):
    """How often y_pred equals y_true exactly."""

    _direction = "up"

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often (y_pred > threshold) matches 0/1 labels."""

    _direction = "up"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        if threshold is not None and not 0 < threshold < 1:
            raise ValueError(
                "Invalid value for argument `threshold`. Expected a value in "
                f"interval (0, 1). Received: threshold={threshold}"
            )
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) matches one-hot labels."""

    _direction = "up"

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) matches integer labels."""

    _direction = "up"

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is among the `k` highest predictions."""

    _direction = "up"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the `k` highest predictions."""

    _direction = "up"

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
