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


def _plain_loss_class(class_name: str, fn, doc: str) -> type:
    """A Keras loss class whose only options are reduction, name and dtype: a
    LossFunctionWrapper around the per-sample `fn`, named after `fn` by default (as Keras 3's
    `MeanSquaredError(reduction="sum_over_batch_size", name="mean_squared_error", dtype=None)`).
    """

    def __init__(self, reduction=_SUM_OVER_BATCH, name=fn.__name__, dtype=None):
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, dtype=dtype)

    namespace = {"__init__": __init__, "__doc__": doc, "__module__": __name__}
    return type(class_name, (LossFunctionWrapper,), namespace)


MeanSquaredError = _plain_loss_class(
    "MeanSquaredError", F.mean_squared_error, "mean((y_true - y_pred)**2)."
)
MeanAbsoluteError = _plain_loss_class(
    "MeanAbsoluteError", F.mean_absolute_error, "mean(|y_true - y_pred|)."
)
MeanAbsolutePercentageError = _plain_loss_class(
    "MeanAbsolutePercentageError",
    F.mean_absolute_percentage_error,
    "100 * mean(|(y_true - y_pred) / y_true|).",
)
MeanSquaredLogarithmicError = _plain_loss_class(
    "MeanSquaredLogarithmicError",
    F.mean_squared_logarithmic_error,
    "mean((log(y_pred + 1) - log(y_true + 1))**2).",
)
LogCosh = _plain_loss_class("LogCosh", F.log_cosh, "log(cosh(y_pred - y_true)).")
KLDivergence = _plain_loss_class(
    "KLDivergence", F.kl_divergence, "sum(y_true * log(y_true / y_pred)) over the last axis."
)
Poisson = _plain_loss_class("Poisson", F.poisson, "mean(y_pred - y_true * log(y_pred)).")
Hinge = _plain_loss_class(
    "Hinge", F.hinge, "mean(max(1 - y_true * y_pred, 0)), y_true in {-1, 1} (0/1 labels converted)."
)
SquaredHinge = _plain_loss_class(
    "SquaredHinge", F.squared_hinge, "mean(max(1 - y_true * y_pred, 0)**2)."
)
CategoricalHinge = _plain_loss_class(
    "CategoricalHinge",
    F.categorical_hinge,
    "max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0).",
)


class _LossWithOptions(LossFunctionWrapper):
    """A LossFunctionWrapper whose options (delta, axis, from_logits, ...) go to `fn` and are
    also attributes, as in Keras 3 (`BinaryCrossentropy().from_logits`)."""

    def __init__(self, fn, reduction, name, dtype, **options):
        super().__init__(fn, reduction=reduction, name=name, dtype=dtype, **options)
        for option, value in options.items():
            setattr(self, option, value)


class Huber(_LossWithOptions):
    """0.5 * e**2 for |e| <= delta, delta * |e| - 0.5 * delta**2 beyond."""

    def __init__(self, delta=1.0, reduction=_SUM_OVER_BATCH, name="huber_loss", dtype=None):
        super().__init__(F.huber, reduction, name, dtype, delta=delta)


class CosineSimilarity(_LossWithOptions):
    """-cos(y_true, y_pred) along `axis`: -1 for parallel vectors, 0 for orthogonal ones."""

    def __init__(self, axis=-1, reduction=_SUM_OVER_BATCH, name="cosine_similarity", dtype=None):
        super().__init__(F.cosine_similarity, reduction, name, dtype, axis=axis)


class BinaryCrossentropy(_LossWithOptions):
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
        options = dict(from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        super().__init__(F.binary_crossentropy, reduction, name, dtype, **options)


class CategoricalCrossentropy(_LossWithOptions):
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
        options = dict(from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        super().__init__(F.categorical_crossentropy, reduction, name, dtype, **options)


class SparseCategoricalCrossentropy(_LossWithOptions):
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
        options = dict(from_logits=from_logits, ignore_class=ignore_class)
        super().__init__(F.sparse_categorical_crossentropy, reduction, name, dtype, **options)

    def __call__(self, y_true, y_pred, sample_weight=None):
        if self.ignore_class is None:
            if type(y_true) is tf.Tensor and y_true.dtype in (tf.int32, tf.int64):
                # Integer labels go straight to the fused op: the base class would cast them
                # to floats, and the loss back to integers, at every batch.
                losses = self.call(y_true, backend.convert(y_pred, self.dtype))
                return reduce_weighted_values(
                    losses, sample_weight=sample_weight, reduction=self.reduction, dtype=self.dtype
                )
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
