"""Normalization: shifts and scales features to mean 0 and variance 1 with statistics given
up front or learnt from data by `adapt`.

    norm = layers.Normalization()          # one mean/variance per feature (axis=-1)
    norm.adapt(train_data)                 # NumPy array, tensor, or an iterable of batches
    norm(x)                                # (x - mean) / max(sqrt(variance), epsilon)

`adapt` accumulates exact statistics in float64 (batches are combined with the parallel
formula for means and variances), then stores them in the non-trainable weights `mean`,
`variance` (and `count`, the number of values each statistic summarises).
"""

from __future__ import annotations

import numpy as np

import tapeflow as tf
from tapeflow.keras import backend
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.layer import Layer


class Normalization(Layer):
    """Args:
        axis: the axis or axes that keep a separate mean and variance per index (default -1,
            the features); None for one scalar mean and variance.
        mean, variance: the statistics to use (both or neither); scalars or arrays that
            broadcast to the kept axes. Without them, call `adapt` first.
        invert: apply the inverse map, `mean + x * sqrt(variance)` (de-normalise).

    Example:
        >>> norm = layers.Normalization(mean=3.0, variance=2.0)
        >>> norm(np.array([[1.0], [3.0]]))    # [[-1.4142135], [0.]]
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            self.axis = ()
        elif isinstance(axis, (list, tuple)):
            self.axis = tuple(_args.int_axis(a, "Normalization") for a in axis)
        else:
            self.axis = (_args.int_axis(axis, "Normalization"),)
        if (mean is None) != (variance is None):
            raise ValueError(
                "Normalization: pass both `mean` and `variance` or neither, "
                f"received mean={mean!r} and variance={variance!r}"
            )
        if mean is not None:
            mean, variance = np.asarray(mean, np.float64), np.asarray(variance, np.float64)
            if mean.shape != variance.shape:
                raise ValueError(
                    f"Normalization: mean and variance must have the same shape, "
                    f"received {mean.shape} and {variance.shape}"
                )
            if mean.ndim > len(self.axis):
                raise ValueError(
                    f"Normalization: mean has rank {mean.ndim}, more than the "
                    f"number of kept axes {self.axis}"
                )
            if (variance < 0).any():
                raise ValueError(f"Normalization: variance must be >= 0, received {variance}")
        self.input_mean, self.input_variance = mean, variance
        self.invert = bool(invert)

    def build(self, input_shape):
        rank = len(input_shape)
        who = f"Normalization {self.name!r}"
        self._keep_axes = sorted({_args.normalize_axis(a, rank, who) for a in self.axis})
        kept = tuple(input_shape[a] for a in self._keep_axes)
        if None in kept:
            raise ValueError(
                f"{who}: the kept axes {self.axis} must have known sizes, "
                f"received input_shape={input_shape}"
            )
        self._build_shape = tuple(input_shape)
        self._reduce_axes = tuple(a for a in range(rank) if a not in self._keep_axes)
        # the statistics broadcast against the inputs as (1, .., kept sizes, .., 1)
        self._broadcast_shape = [input_shape[a] if a in self._keep_axes else 1 for a in range(rank)]
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(
                name="mean", shape=kept, initializer="zeros", trainable=False
            )
            self.adapt_variance = self.add_weight(
                name="variance", shape=kept, initializer="ones", trainable=False
            )
            self.count = self.add_weight(
                name="count", shape=(), dtype="int64", initializer="zeros", trainable=False
            )
        else:
            # given statistics align with the kept axes from the right, then broadcast
            aligned = [1] * rank
            for i in range(1, self.input_mean.ndim + 1):
                aligned[self._keep_axes[-i]] = self.input_mean.shape[-i]
            self._fixed = [
                tf.constant(
                    np.broadcast_to(np.reshape(v, aligned), self._broadcast_shape),
                    dtype=self.compute_dtype,
                )
                for v in (self.input_mean, self.input_variance)
            ]
        self.built = True

    def _statistics(self):
        if self.input_mean is not None:
            return self._fixed
        return [
            tf.reshape(v.value(), self._broadcast_shape)
            for v in (self.adapt_mean, self.adapt_variance)
        ]

    def call(self, inputs):
        inputs = _args.as_compute_dtype(self, inputs)
        mean, variance = self._statistics()
        stddev = tf.maximum(tf.sqrt(variance), backend.epsilon())
        if self.invert:
            return mean + inputs * stddev
        return (inputs - mean) / stddev

    def adapt(self, data, batch_size=None, steps=None):
        """Computes the mean and variance of `data` over every axis but the kept ones.

        Args:
            data: a NumPy array or tensor (all samples), or an iterable of batches (arrays,
                tensors, or (x, y) tuples whose x is used).
            batch_size: accepted for Keras compatibility; arrays are reduced in one pass.
            steps: with an iterable, the number of batches to read (all when None).
        """
        if self.input_mean is not None:
            raise ValueError(
                f"Normalization {self.name!r}: adapt() cannot change statistics "
                "given as `mean` and `variance`"
            )
        count, mean, m2 = 0, None, None  # running count, mean, sum of squared deviations
        for batch in _batches(data, steps):
            if not self.built:
                self._maybe_build(batch.shape)
            self._check_shape(batch.shape)
            n = int(np.prod([batch.shape[a] for a in self._reduce_axes]))
            if n == 0:
                continue
            batch_mean = batch.mean(axis=self._reduce_axes)
            batch_m2 = ((batch - batch.mean(axis=self._reduce_axes, keepdims=True)) ** 2).sum(
                axis=self._reduce_axes
            )
            if count == 0:
                count, mean, m2 = n, batch_mean, batch_m2
            else:  # Chan et al.'s pairwise update of the mean and the squared deviations
                delta, total = batch_mean - mean, count + n
                mean = mean + delta * (n / total)
                m2 = m2 + batch_m2 + delta**2 * (count * n / total)
                count = total
        if count == 0:
            raise ValueError(f"Normalization {self.name!r}: adapt() received no data")
        self.adapt_mean.assign(mean.astype(self.adapt_mean.dtype.as_numpy_dtype))
        self.adapt_variance.assign((m2 / count).astype(self.adapt_variance.dtype.as_numpy_dtype))
        self.count.assign(np.int64(count))

    def _check_shape(self, shape):
        who = f"Normalization {self.name!r}"
        if len(shape) != len(self._build_shape) or any(
            shape[a] != self._build_shape[a] for a in self._keep_axes
        ):
            raise ValueError(
                f"{who}: the layer was built for inputs of shape "
                f"{self._build_shape}, but adapt() received data of shape "
                f"{tuple(shape)}"
            )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "axis": None if not self.axis else list(self.axis),
                "invert": self.invert,
                "mean": _to_config(self.input_mean),
                "variance": _to_config(self.input_variance),
            }
        )
        return config


def _to_config(value):
    return None if value is None else value.tolist()


def _batches(data, steps):
    """float64 NumPy batches from an array, a tensor, or an iterable of batches."""
    if isinstance(data, (np.ndarray, tf.Tensor, tf.Variable)):
        yield np.asarray(data, dtype=np.float64)
        return
    if isinstance(data, (str, bytes)) or not hasattr(data, "__iter__"):
        raise TypeError(
            "Normalization.adapt: expected a NumPy array, a tensor or an iterable "
            f"of batches, received {type(data).__name__}"
        )
    for index, batch in enumerate(data):
        if steps is not None and index >= steps:
            return
        if isinstance(batch, tuple):  # (x, y) or (x, y, sample_weight): the features only
            batch = batch[0]
        yield np.asarray(batch, dtype=np.float64)
