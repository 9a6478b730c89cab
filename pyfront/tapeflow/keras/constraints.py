"""``keras.constraints``: projections applied to a weight after each optimizer update.

    layers.Dense(64, kernel_constraint=keras.constraints.MaxNorm(3.0))
    keras.constraints.get("non_neg")          # NonNeg()

A constraint is called as ``constraint(w) -> projected w``. Norms are taken along `axis`
(0 by default: for a Dense kernel (in, units), each unit's incoming weight vector).
"""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras import _serialize, backend


class Constraint:
    """Base class: subclasses implement ``__call__(w)`` and get_config()."""

    def __call__(self, w):
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _norms(w, axis):
    # sqrt(sum(w^2)) along axis, kept for broadcasting against w
    return tf.sqrt(tf.reduce_sum(tf.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    """Rescales each weight vector whose norm exceeds `max_value` down to that norm."""

    def __init__(self, max_value=2.0, axis=0):
        self.max_value = float(max_value)
        self.axis = axis

    def __call__(self, w):
        w = backend.convert(w)
        norms = _norms(w, self.axis)
        desired = tf.clip_by_value(norms, 0.0, self.max_value)
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves each weight vector's norm towards [min_value, max_value]; `rate` = 1 clips it
    there exactly, smaller rates move it part of the way."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value = float(min_value), float(max_value)
        self.rate, self.axis = float(rate), axis

    def __call__(self, w):
        w = backend.convert(w)
        norms = _norms(w, self.axis)
        clipped = tf.clip_by_value(norms, self.min_value, self.max_value)
        desired = self.rate * clipped + (1.0 - self.rate) * norms
        return w * (desired / (backend.epsilon() + norms))

    def get_config(self) -> dict:
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


class NonNeg(Constraint):
    """Sets negative weights to zero."""

    def __call__(self, w):
        w = backend.convert(w)
        return w * tf.cast(w >= 0.0, w.dtype)


class UnitNorm(Constraint):
    """Rescales each weight vector to norm 1."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = backend.convert(w)
        return w / (backend.epsilon() + _norms(w, self.axis))

    def get_config(self) -> dict:
        return {"axis": self.axis}


max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm

_BUILTINS = {cls.__name__: cls for cls in (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm)}
_BUILTINS.update(
    {"max_norm": MaxNorm, "min_max_norm": MinMaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm}
)


def serialize(constraint):
    return _serialize.serialize(constraint, "keras.constraints", _BUILTINS)


def deserialize(config, custom_objects=None):
    return _serialize.deserialize(config, _BUILTINS, custom_objects, kind="constraint")


def get(identifier):
    """A constraint from a name ("non_neg", "MaxNorm"), a config dict or a callable; None gives
    None."""
    return _serialize.get(identifier, _BUILTINS, deserialize, "constraint")


__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "unit_norm",
    "serialize",
    "deserialize",
    "get",
]
