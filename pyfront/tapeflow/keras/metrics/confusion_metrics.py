"""Metrics from confusion-matrix counts at decision thresholds: TruePositives and friends,
Precision, Recall, and AUC (ROC or PR, 200 thresholds by default).

A prediction p counts as positive at threshold t when p > t; labels are cast to bool.

    m = keras.metrics.AUC(num_thresholds=3)
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    m.result()                                             # 0.75
"""

from __future__ import annotations

import numpy as np

import tapeflow as tf
from tapeflow.keras import backend
from tapeflow.keras.losses.loss import squeeze_or_expand_to_same_rank
from tapeflow.keras.metrics.metric import Metric

NEG_INF = -1e10


def _parse_thresholds(thresholds, default):
    values = (
        [default]
        if thresholds is None
        else (
            list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
        )
    )
    if thresholds is not None:
        bad = [t for t in values if t is None or not 0 <= t <= 1]
        if bad:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {bad}")
    return [float(t) for t in values]


def _filter_top_k(y_pred, k: int):
    """y_pred with everything but the k largest values of each row set to NEG_INF."""
    top_k = getattr(tf.math, "top_k", None)
    if top_k is None:
        raise NotImplementedError("top_k needs tf.math.top_k, which tapeflow lacks")
    _, indices = top_k(y_pred, k)
    keep = tf.reduce_sum(tf.one_hot(indices, y_pred.shape[-1], dtype=y_pred.dtype), axis=-2)
    return y_pred * keep + NEG_INF * (1.0 - keep)


def update_confusion_matrix_variables(
    variables,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
):
    """Adds the weighted counts of this batch to `variables`, a dict with keys among "tp",
    "fp", "tn", "fn". Each variable has one entry per threshold (and per label when
    `multi_label`: shape (T, L)); otherwise predictions are flattened."""
    dtype = next(iter(variables.values())).dtype
    y_true = backend.convert(y_true, dtype)
    y_pred = backend.convert(y_pred, dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = tf.expand_dims(backend.convert(sample_weight, dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(
            y_true, sample_weight, expand_rank_1=False
        )
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes), found shape: {tuple(y_pred.shape)}"
            )
        y_true = y_true[..., class_id : class_id + 1]
        y_pred = y_pred[..., class_id : class_id + 1]

    weights = None
    if sample_weight is not None:
        weights = tf.broadcast_to(sample_weight, y_pred.shape)
    if label_weights is not None and not multi_label:
        label_weights = tf.broadcast_to(backend.convert(label_weights, dtype), y_pred.shape)
        weights = label_weights if weights is None else weights * label_weights

    num_thresholds = len(thresholds)
    thresholds = backend.convert(np.asarray(thresholds), dtype)
    if multi_label:  # (T, 1, 1) against (1, N, L): counts per threshold and label
        thresholds = tf.reshape(thresholds, [num_thresholds, 1, 1])
        y_pred, y_true = tf.expand_dims(y_pred, 0), tf.expand_dims(y_true, 0)
        if weights is not None:
            weights = tf.expand_dims(weights, 0)
    else:  # (T, 1) against (1, M), M = all predictions flattened
        thresholds = tf.reshape(thresholds, [num_thresholds, 1])
        y_pred, y_true = tf.reshape(y_pred, [1, -1]), tf.reshape(y_true, [1, -1])
        if weights is not None:
            weights = tf.reshape(weights, [1, -1])
    predicted_positive = y_pred > thresholds
    actual_positive = tf.cast(y_true, tf.bool)
    conditions = {
        "tp": (actual_positive, predicted_positive),
        "fp": (tf.logical_not(actual_positive), predicted_positive),
        "tn": (tf.logical_not(actual_positive), tf.logical_not(predicted_positive)),
        "fn": (actual_positive, tf.logical_not(predicted_positive)),
    }
    for key, variable in variables.items():
        label, prediction = conditions[key]
        counts = tf.cast(tf.logical_and(label, prediction), dtype)
        if weights is not None:
            counts = counts * weights
        variable.assign_add(tf.reduce_sum(counts, axis=1))


class _ConfusionMatrixConditionCount(Metric):
    _condition = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = _parse_thresholds(thresholds, 0.5)
        self.accumulator = self.add_variable(
            shape=(len(self.thresholds),), initializer="zeros", name="accumulator"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_confusion_matrix_variables(
            {self._condition: self.accumulator},
            y_true,
            y_pred,
            self.thresholds,
            sample_weight=sample_weight,
        )

    def result(self):
        value = tf.convert_to_tensor(self.accumulator)
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of positive labels predicted positive."""

    _condition = "tp"


class FalsePositives(_ConfusionMatrixConditionCount):
    _condition = "fp"


class TrueNegatives(_ConfusionMatrixConditionCount):
    _condition = "tn"


class FalseNegatives(_ConfusionMatrixConditionCount):
    _condition = "fn"


class _PrecisionRecall(Metric):
    """tp / (tp + other) at each threshold, other = fp (precision) or fn (recall)."""

    _direction = "up"
    _other = None

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds, self.top_k, self.class_id = thresholds, top_k, class_id
        self.thresholds = _parse_thresholds(thresholds, 0.5 if top_k is None else NEG_INF)
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        other_name = {"fp": "false_positives", "fn": "false_negatives"}[self._other]
        self._other_counts = self.add_variable(shape, "zeros", name=other_name)
        setattr(self, other_name, self._other_counts)

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_confusion_matrix_variables(
            {"tp": self.true_positives, self._other: self._other_counts},
            y_true,
            y_pred,
            self.thresholds,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self):
        tp = tf.convert_to_tensor(self.true_positives)
        value = backend.divide_no_nan(tp, tp + tf.convert_to_tensor(self._other_counts))
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecall):
    """tp / (tp + fp): the fraction of positive predictions that are right (threshold 0.5)."""

    _other = "fp"


class Recall(_PrecisionRecall):
    """tp / (tp + fn): the fraction of positive labels that are found (threshold 0.5)."""

    _other = "fn"
