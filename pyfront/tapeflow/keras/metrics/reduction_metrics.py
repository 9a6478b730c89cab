"""Sum, Mean and MeanMetricWrapper: running (weighted) sums and means of values.

    loss_tracker = keras.metrics.Mean(name="loss")
    loss_tracker.update_state(0.5); loss_tracker.update_state(1.5)
    loss_tracker.result()                                # 1.0

Values of rank > 1 are first reduced to one value per sample (the mean over the other axes),
so a sample weight of shape (N,) weights samples.
"""

from __future__ import annotations

import numbers

import tapeflow as tf
from tapeflow.keras import backend
from tapeflow.keras.losses.loss import squeeze_or_expand_to_same_rank
from tapeflow.keras.metrics.metric import Metric

_PYTHON_NUMBERS = (int, float)


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    """(values, sample_weight) with values reduced to rank <= 1 (one per sample) and already
    multiplied by the weights, and the weights reduced to one per sample."""
    values = backend.convert(values, dtype)
    if sample_weight is not None:
        sample_weight = backend.convert(sample_weight, dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim, values_ndim = sample_weight.ndim, values.ndim
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=list(range(weight_ndim, values_ndim)))
        sample_weight = tf.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=list(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=list(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of all values seen: [1, 3, 5, 7] gives 16."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, tf.reduce_sum, self.dtype)
        self.total.assign_add(tf.reduce_sum(values))

    def result(self):
        return tf.convert_to_tensor(self.total)


class Mean(Metric):
    """The (weighted) mean of all values seen: [1, 3, 5, 7] gives 4, and with sample weights
    [1, 1, 0, 0] gives 2."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, values, sample_weight=None):
        # Fast path for what fit() does every batch: a scalar (the batch loss) with a Python
        # number (the batch size) as its weight.
        if sample_weight is None or type(sample_weight) in _PYTHON_NUMBERS or isinstance(
                sample_weight, numbers.Real):
            if (type(values) is tf.Tensor and not values._shape) or isinstance(
                    values, numbers.Real) or getattr(values, "ndim", None) == 0:
                weight = 1.0 if sample_weight is None else float(sample_weight)
                values = backend.convert(values, self.dtype)
                self.total.assign_add(values * weight if weight != 1.0 else values)
                self.count.assign_add(weight)
                return
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, tf.reduce_mean, self.dtype
        )
        self.total.assign_add(tf.reduce_sum(values))
        if sample_weight is not None:
            self.count.assign_add(tf.reduce_sum(sample_weight))
        else:
            self.count.assign_add(float(values.shape[0]) if values.ndim >= 1 else 1.0)

    def result(self):
        return backend.divide_no_nan(self.total, self.count)


class MeanMetricWrapper(Mean):
    """The running mean of `fn(y_true, y_pred, **kwargs)`, a function returning per-sample
    values (a loss function or an accuracy function)."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", None), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        from tapeflow.keras import losses

        if fn in losses._BUILTINS.values():
            self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict:
        config = {"name": self.name, "dtype": self.dtype}
        if type(self) is MeanMetricWrapper:
            from tapeflow.keras import metrics

            config["fn"] = metrics.serialize(self._fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if "fn" in config:
            from tapeflow.keras import metrics

            config["fn"] = metrics.deserialize(config["fn"])
        return cls(**config)
