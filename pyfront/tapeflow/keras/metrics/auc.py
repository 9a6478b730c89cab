"""AUC: the area under the ROC or precision-recall curve, approximated with a Riemann sum
over `num_thresholds` (200) thresholds evenly spaced in [0, 1], with -epsilon and 1 + epsilon
as the end points.

    m = keras.metrics.AUC(num_thresholds=3)    # thresholds [-1e-7, 0.5, 1 + 1e-7]
    m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    # tp = [2, 1, 0], fp = [2, 0, 0], fn = [0, 1, 2], tn = [0, 2, 2]
    # recall = [1, 0.5, 0], fp_rate = [1, 0, 0]
    # auc = (1 - 0) * (1 + 0.5) / 2 + (0 - 0) * (0.5 + 0) / 2 = 0.75
"""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras import activations, backend
from tapeflow.keras.metrics.confusion_metrics import update_confusion_matrix_variables
from tapeflow.keras.metrics.metric import Metric

_CURVES = {"roc": "ROC", "pr": "PR"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(Metric):
    """Area under the ROC curve (`curve="ROC"`) or the precision-recall curve (`"PR"`).

    Args:
        num_thresholds: number of thresholds (> 1) to evaluate the curve at.
        summation_method: "interpolation" (trapezoids for ROC; Davis & Goadrich's
            interpolation for PR), "minoring" or "majoring" (lower / upper Riemann sums).
        thresholds: explicit thresholds in [0, 1], overriding num_thresholds.
        multi_label: compute one AUC per label (column) and average them, instead of
            flattening the labels.
        label_weights: weights of the labels in that average (or of the flattened entries).
        from_logits: apply a sigmoid to the predictions first.
    """

    _direction = "up"

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        curve_key = str(curve).lower()
        if curve_key not in _CURVES:
            raise ValueError(
                f'Invalid AUC curve value: "{curve}". Expected values are ["PR", "ROC"]'
            )
        if str(summation_method).lower() not in _SUMMATIONS:
            raise ValueError(
                f'Invalid AUC summation method value: "{summation_method}". '
                'Expected values are ["interpolation", "majoring", "minoring"]'
            )
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            if any(not 0 <= t <= 1 for t in inner):
                raise ValueError(f"Threshold values must be in [0, 1]. Received: {inner}")
            self.num_thresholds = len(inner) + 2
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    "Argument `num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds}"
                )
            self.num_thresholds = int(num_thresholds)
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        eps = backend.epsilon()
        self._thresholds = [0.0 - eps] + inner + [1.0 + eps]
        self.curve = _CURVES[curve_key]
        self.summation_method = str(summation_method).lower()
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (
            None if label_weights is None else backend.convert(label_weights, self.dtype)
        )
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build(num_labels)
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self) -> list:
        return list(self._thresholds)

    def _build(self, num_labels):
        shape = (
            (self.num_thresholds,) if num_labels is None else (self.num_thresholds, int(num_labels))
        )
        self.true_positives = self.add_variable(shape, "zeros", name="true_positives")
        self.false_positives = self.add_variable(shape, "zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape, "zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape, "zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = backend.convert(y_pred)
        if not self._built:
            if y_pred.ndim != 2:
                raise ValueError(
                    "`y_pred` must have rank 2 when `multi_label=True`. Found "
                    f"rank {y_pred.ndim}. Full shape received for `y_pred`: "
                    f"{tuple(y_pred.shape)}"
                )
            self._build(y_pred.shape[1])
        if self._from_logits:
            y_pred = activations.sigmoid(y_pred)
        update_confusion_matrix_variables(
            {
                "tp": self.true_positives,
                "tn": self.true_negatives,
                "fp": self.false_positives,
                "fn": self.false_negatives,
            },
            y_true,
            y_pred,
            self._thresholds,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _counts(self):
        return [
            tf.convert_to_tensor(v)
            for v in (
                self.true_positives,
                self.false_positives,
                self.true_negatives,
                self.false_negatives,
            )
        ]

    def _average_over_labels(self, by_label):
        if not self.multi_label:
            return by_label
        if self.label_weights is None:
            return tf.reduce_mean(by_label)
        return backend.divide_no_nan(
            tf.reduce_sum(by_label * self.label_weights), tf.reduce_sum(self.label_weights)
        )

    def _interpolate_pr_auc(self, tp, fp, fn):
        """Davis & Goadrich (2006): precision varies with tp and p = tp + fp, both linear in
        each interval between thresholds, which integrates to
        slope * (dtp + intercept * log(p_A / p_B)) / (tp + fn)."""
        n = self.num_thresholds
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        slope = backend.divide_no_nan(dtp, tf.maximum(dp, 0.0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = tf.logical_and(p[: n - 1] > 0, p[1:] > 0)
        ratio = tf.where(
            both_positive,
            backend.divide_no_nan(p[: n - 1], tf.maximum(p[1:], 0.0)),
            tf.ones_like(p[1:]),
        )
        increment = backend.divide_no_nan(
            slope * (dtp + intercept * tf.math.log(ratio)), tf.maximum(tp[1:] + fn[1:], 0.0)
        )
        return self._average_over_labels(tf.reduce_sum(increment, axis=0))

    def result(self):
        tp, fp, tn, fn = self._counts()
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc(tp, fp, fn)
        recall = backend.divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = backend.divide_no_nan(fp, fp + tn), recall
        else:
            x, y = recall, backend.divide_no_nan(tp, tp + fp)
        n = self.num_thresholds
        if self.summation_method == "interpolation":
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = tf.minimum(y[: n - 1], y[1:])
        else:
            heights = tf.maximum(y[: n - 1], y[1:])
        return self._average_over_labels(tf.reduce_sum((x[: n - 1] - x[1:]) * heights, axis=0))

    def get_config(self):
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None
            if self.label_weights is None
            else [float(w) for w in self.label_weights.numpy()],
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self._thresholds[1:-1]
        return config
