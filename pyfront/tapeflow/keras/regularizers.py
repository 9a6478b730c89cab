"""``keras.regularizers``: weight penalties added to the loss through ``layer.losses``.

    layers.Dense(16, kernel_regularizer=keras.regularizers.l2(0.002))   # adds 0.002 * sum(w**2)

There is no 1/2 factor in L2 (as in Keras). `regularizer(weights)` returns a scalar tensor.
"""

from __future__ import annotations

import math

import tapeflow as tf
from tapeflow.keras import _serialize, backend


def _check_factor(value, name: str) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or math.isinf(value)
        or math.isnan(value)
        or value < 0
    ):
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float."
            f"Received: {name}={value}"
        )
    return float(value)


class Regularizer:
    """Base class: ``__call__(weights)`` returns a scalar penalty."""

    def __call__(self, x):
        return 0.0

    def get_config(self) -> dict:
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config()")

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x**2)."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _check_factor(l1, "l1")
        self.l2 = _check_factor(l2, "l2")

    def __call__(self, x):
        x = backend.convert(x)
        penalty = tf.zeros((), dtype=x.dtype)
        if self.l1:
            penalty = penalty + self.l1 * tf.reduce_sum(tf.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * tf.reduce_sum(tf.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """l1 * sum(|x|)."""

    def __init__(self, l1=0.01):
        self.l1 = _check_factor(l1, "l1")

    def __call__(self, x):
        return self.l1 * tf.reduce_sum(tf.abs(backend.convert(x)))

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """l2 * sum(x**2)."""

    def __init__(self, l2=0.01):
        self.l2 = _check_factor(l2, "l2")

    def __call__(self, x):
        return self.l2 * tf.reduce_sum(tf.square(backend.convert(x)))

    def get_config(self):
        return {"l2": self.l2}


l1, l2, l1_l2 = L1, L2, L1L2

_BUILTINS = {
    "Regularizer": Regularizer,
    "L1": L1,
    "L2": L2,
    "L1L2": L1L2,
    "l1": L1,
    "l2": L2,
    "l1_l2": L1L2,
}


def serialize(regularizer):
    return _serialize.serialize(regularizer, "keras.regularizers", _BUILTINS)


def deserialize(config, custom_objects=None):
    return _serialize.deserialize(config, _BUILTINS, custom_objects, kind="regularizer")


def get(identifier):
    """A regularizer from a name ("l2" gives L2(0.01)), a config dict or a callable."""
    return _serialize.get(identifier, _BUILTINS, deserialize, "regularizer")


__all__ = [
    "Regularizer",
    "L1",
    "L2",
    "L1L2",
    "l1",
    "l2",
    "l1_l2",
    "serialize",
    "deserialize",
    "get",
]
