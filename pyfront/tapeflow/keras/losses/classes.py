"""The Loss classes: each wraps a per-sample function of functions.py and reduces its values
(by default to their mean over the batch).

    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    loss = loss_fn(labels, probabilities)                  # a scalar tensor
"""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras import backend
from tapeflow.keras.losses import functions as F
from tapeflow.keras.losses.loss import LossFunctionWrapper, reduce_weighted_values

_SUM_OVER_BATCH = "sum_over_batch_size"


class MeanSquaredError(LossFunctionWrapper):
    """mean((y_true - y_pred)**2)."""

    def __init__(self, reduction=_SUM_OVER_BATCH, name="mean_squared_error", dtype=None):
        super().__init__(F.mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """mean(|y_true - y_pred|)."""

    def __init__(self, reduction=_SUM_OVER_BATCH, name="mean_absolute_error", dtype=None):
        super().__init__(F.mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """100 * mean(|(y_true - y_pred) / y_true|)."""

    def __init__(
        self, reduction=_SUM_OVER_BATCH, name="mean_absolute_percentage_error", dtype=None
    ):
        super().__init__(
            F.mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype
        )


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """mean((log(y_pred + 1) - log(y_true + 1))**2)."""

    def __init__(
        self, reduction=_SUM_OVER_BATCH, name="mean_squared_logarithmic_error", dtype=None
    ):
        super().__init__(
            F.mean_squared_logarithmic_error, reduction=reduction, name=name, dtype=dtype
        )


class Huber(LossFunctionWrapper):
    """0.5 * e**2 for |e| <= delta, delta * |e| - 0.5 * delta**2 beyond."""

    def __init__(self, delta=1.0, reduction=_SUM_OVER_BATCH, name="huber_loss", dtype=None):
        super().__init__(F.huber, reduction=reduction, name=name, dtype=dtype, delta=delta)
        self.delta = delta


class LogCosh(LossFunctionWrapper):
    """log(cosh(y_pred - y_true))."""

    def __init__(self, reduction=_SUM_OVER_BATCH, name="log_cosh", dtype=None):
        super().__init__(F.log_cosh, reduction=reduction, name=name, dtype=dtype)


class KLDivergence(LossFunctionWrapper):
    """sum(y_true * log(y_true / y_pred)) over the last axis."""

    def __init__(self, reduction=_SUM_OVER_BATCH, name="kl_divergence", dtype=None):
        super().__init__(F.kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """mean(y_pred - y_true * log(y_pred))."""

    def __init__(self, reduction=_SUM_OVER_BATCH, name="poisson", dtype=None):
        super().__init__(F.poisson, reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    """-cos(y_true, y_pred) along `axis`: -1 for parallel vectors, 0 for orthogonal ones."""

    def __init__(self, axis=-1, reduction=_SUM_OVER_BATCH, name="cosine_similarity", dtype=None):
        super().__init__(
            F.cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis
        )
        self.axis = axis


class Hinge(LossFunctionWrapper):
    """mean(max(1 - y_true * y_pred, 0)), y_true in {-1, 1} (0/1 labels converted)."""

    def __init__(self, reduction=_SUM_OVER_BATCH, name="hinge", dtype=None):
        super().__init__(F.hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """mean(max(1 - y_true * y_pred, 0)**2)."""

    def __init__(self, reduction=_SUM_OVER_BATCH, name="squared_hinge", dtype=None):
        super().__init__(F.squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)."""

    def __init__(self, reduction=_SUM_OVER_BATCH, name="categorical_hinge", dtype=None):
        super().__init__(F.categorical_hinge, reduction=reduction, name=name, dtype=dtype)


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy of 0/1 targets against sigmoid probabilities, or logits with
    `from_logits=True`; `label_smoothing` s uses targets t (1 - s) + s / 2."""

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction=_SUM_OVER_BATCH,
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            F.binary_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of one-hot targets against softmax probabilities, or logits with
    `from_logits=True`; `label_smoothing` s uses targets t (1 - s) + s / num_classes."""

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction=_SUM_OVER_BATCH,
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            F.categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy of integer labels, shape (N,) or (N, 1), against (N, C) probabilities, or
    logits with `from_logits=True`. Labels equal to `ignore_class` count neither in the loss
    nor in the batch size."""

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction=_SUM_OVER_BATCH,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            F.sparse_categorical_crossentropy,
            reduction=reduction,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
        )
        self.from_logits, self.ignore_class = from_logits, ignore_class

    def __call__(self, y_true, y_pred, sample_weight=None):
        if self.ignore_class is None:
            if type(y_true) is tf.Tensor and y_true.dtype in (tf.int32, tf.int64):
                # Integer labels go straight to the fused op: the base class would cast them
                # to floats, and the loss back to integers, at every batch.
                losses = self.call(y_true, backend.convert(y_pred, self.dtype))
                return reduce_weighted_values(
                    losses, sample_weight=sample_weight, reduction=self.reduction,
                    dtype=self.dtype)
            return super().__call__(y_true, y_pred, sample_weight)
        y_pred = backend.convert(y_pred, self.dtype)
        y_true = backend.convert(y_true, self.dtype)
        losses = self.call(y_true, y_pred)
        mask = tf.not_equal(tf.reshape(y_true, losses.shape), float(self.ignore_class))
        return reduce_weighted_values(
            losses,
            sample_weight=sample_weight,
            mask=mask,
            reduction=self.reduction,
            dtype=self.dtype,
        )


ALL_CLASSES = (
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    Huber,
    LogCosh,
    KLDivergence,
    Poisson,
    CosineSimilarity,
    Hinge,
    SquaredHinge,
    CategoricalHinge,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
)
