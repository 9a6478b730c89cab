"""The Loss base class and the rules every loss shares: rank alignment of targets and
predictions, sample weights and the reduction of per-sample losses to one number.

    class MyLoss(keras.losses.Loss):
        def call(self, y_true, y_pred):               # per-sample losses, shape (N,)
            return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)

    MyLoss()(y_true, y_pred, sample_weight=w)         # mean over the batch (the default)

NOTE: `(N,)` targets against `(N, 1)` predictions are aligned (the targets get a trailing
axis), never broadcast to an `(N, N)` loss: the most common silent bug of hand-written losses.
"""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras import backend

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`. Expected one of "
            f"{list(REDUCTIONS)}. Received: reduction={reduction!r}"
        )
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Aligns ranks that differ by one through a trailing axis of size 1: a rank-1 tensor
    gains a trailing axis (with expand_rank_1), otherwise the other one loses it."""
    rank1, rank2 = len(x1.shape), len(x2.shape)
    if rank1 == rank2:
        return x1, x2
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            x2 = tf.expand_dims(x2, -1)
        else:
            x1 = tf.squeeze(x1, axis=-1)
    elif rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            x1 = tf.expand_dims(x1, -1)
        else:
            x2 = tf.squeeze(x2, axis=-1)
    return x1, x2


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Sums the (already weighted) losses; the mean reductions divide by their count, or by
    the total sample weight for "mean_with_sample_weight"."""
    if reduction is None or reduction == "none" or len(values._shape) == 0:
        return values
    count = values._numel
    if reduction in ("sum_over_batch_size", "mean") and count > 0:
        return tf.reduce_mean(values)
    loss = tf.reduce_sum(values)  # NOTE: an empty batch gives 0 (Keras returns the empty array)
    if reduction == "mean_with_sample_weight" and count > 0:
        if sample_weight is not None:
            return backend.divide_no_nan(loss, tf.reduce_sum(sample_weight))
        return loss / count
    return loss


def reduce_weighted_values(
    values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype=None
):
    """Applies `mask` and `sample_weight` to per-sample `values`, then reduces them.

    A mask keeps the mean over the valid entries only: with "sum_over_batch_size", masked
    entries count neither in the sum nor in the divisor."""
    reduction = standardize_reduction(reduction)
    values = backend.convert(values, dtype)
    if sample_weight is not None:
        sample_weight = backend.convert(sample_weight, values.dtype)
    if mask is not None:
        mask = backend.cast(mask, values.dtype)
        if reduction in ("sum_over_batch_size", "mean"):
            total = float(mask.shape.num_elements())
            mask = mask * backend.divide_no_nan(total, tf.reduce_sum(mask))
        if sample_weight is not None:
            mask, sample_weight = squeeze_or_expand_to_same_rank(mask, sample_weight)
            sample_weight = sample_weight * mask
        else:
            sample_weight = mask
    if sample_weight is not None:
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


class Loss:
    """Base class of losses: `call(y_true, y_pred)` returns per-sample losses; `__call__`
    converts the inputs to the loss's dtype, weights and reduces them.

    Args:
        name: defaults to the snake_case class name.
        reduction: "sum_over_batch_size" (default: the mean over all per-sample losses),
            "sum", "mean", "mean_with_sample_weight" (sum / total weight), or "none"/None.
        dtype: the computation dtype, floatx() ('float32') by default.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or backend.auto_name(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype = backend.standardize_dtype(dtype)

    @property
    def dtype(self) -> str:
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        dtype = self._dtype
        y_pred = backend.convert(y_pred, dtype)
        y_true = backend.convert(y_true, dtype)
        losses = self.call(y_true, y_pred)
        if sample_weight is None and type(losses) is tf.Tensor and losses.dtype.name == dtype:
            return reduce_values(losses, None, self.reduction)  # what fit does every step
        return reduce_weighted_values(
            losses, sample_weight=sample_weight, reduction=self.reduction, dtype=dtype
        )

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"Loss {type(self).__name__} must implement call()")

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


class LossFunctionWrapper(Loss):
    """A Loss from a function `fn(y_true, y_pred, **kwargs)` returning per-sample losses; the
    ranks of y_true and y_pred are aligned first."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(
            name=name or getattr(fn, "__name__", None), reduction=reduction, dtype=dtype
        )
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(self._fn_kwargs)
        if type(self) is LossFunctionWrapper:
            from tapeflow.keras import losses

            config["fn"] = losses.serialize(self.fn)
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if "fn" in config:
            from tapeflow.keras import losses

            config["fn"] = losses.deserialize(config["fn"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"
