"""``keras.optimizers.schedules``: learning rates that change with the optimizer's step.

    schedule = keras.optimizers.schedules.ExponentialDecay(1e-2, decay_steps=10000,
                                                           decay_rate=0.9)
    optimizer = keras.optimizers.SGD(learning_rate=schedule)   # evaluated at `iterations`

A schedule is called with the step (an int or a scalar tensor) and returns a float32 scalar.
"""

from __future__ import annotations

import math

import tapeflow as tf
from tapeflow.keras import _serialize, backend


def _float_step(step):
    return backend.cast(step, backend.floatx())


class LearningRateSchedule:
    """Base class: implement `__call__(step)` and `get_config()`."""

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`."
        )

    def get_config(self) -> dict:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must "
            "override `get_config()` in order to be serializable."
        )

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)


def _check_decay_steps(value, name="decay_steps"):
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class ExponentialDecay(LearningRateSchedule):
    """initial_learning_rate * decay_rate ** (step / decay_steps); with `staircase` the
    exponent is floored (the rate drops every decay_steps steps)."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="ExponentialDecay",
    ):
        _check_decay_steps(decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        p = _float_step(step) / float(self.decay_steps)
        if self.staircase:
            p = tf.floor(p)
        return self.initial_learning_rate * tf.pow(float(self.decay_rate), p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """initial_learning_rate / (1 + decay_rate * step / decay_steps); with `staircase` the
    ratio step / decay_steps is floored."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="InverseTimeDecay",
    ):
        _check_decay_steps(decay_steps)
        self.initial_learning_rate, self.decay_steps = initial_learning_rate, decay_steps
        self.decay_rate, self.staircase, self.name = decay_rate, staircase, name

    def __call__(self, step):
        p = _float_step(step) / float(self.decay_steps)
        if self.staircase:
            p = tf.floor(p)
        return self.initial_learning_rate / (1.0 + float(self.decay_rate) * p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[0] while step <= boundaries[0], values[1] while step <= boundaries[1], ...,
    values[-1] after the last boundary."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of "
                f"values. Received: boundaries={boundaries} of length "
                f"{len(boundaries)}, and values={values} of length {len(values)}."
            )
        self.boundaries, self.values, self.name = list(boundaries), list(values), name

    def __call__(self, step):
        step = backend.cast(step, tf.float64)  # exact for any integer step below 2**53
        dtype = backend.convert(self.values[0]).dtype
        edges = [-math.inf, *self.boundaries, math.inf]
        result = tf.zeros((), dtype=dtype)
        for low, high, value in zip(edges[:-1], edges[1:], self.values, strict=True):
            inside = (
                (step > low)
                if high == math.inf
                else (step <= high)
                if low == -math.inf
                else tf.logical_and(step > low, step <= high)
            )
            result = result + tf.cast(inside, dtype) * value
        return result

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay from initial_learning_rate (or warmup_target after a linear warm-up of
    warmup_steps) to alpha times that over decay_steps, constant afterwards:
    lr * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha)."""

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        _check_decay_steps(decay_steps)
        self.initial_learning_rate, self.decay_steps, self.alpha = (
            initial_learning_rate,
            decay_steps,
            alpha,
        )
        self.name, self.warmup_target, self.warmup_steps = name, warmup_target, warmup_steps

    def _decay(self, step, start_lr):
        fraction = step / float(self.decay_steps)
        cosine = 0.5 * (1.0 + tf.cos(math.pi * fraction))
        return start_lr * ((1.0 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        step = _float_step(step)
        if self.warmup_target is None:
            return self._decay(
                tf.minimum(step, float(self.decay_steps)), self.initial_learning_rate
            )
        warmup_steps = float(self.warmup_steps)
        step = tf.minimum(step, float(self.decay_steps) + warmup_steps)
        warmup = (self.warmup_target - self.initial_learning_rate) * (
            step / max(warmup_steps, 1.0)
        ) + self.initial_learning_rate
        decay = self._decay(step - warmup_steps, self.warmup_target)
        return tf.where(step < warmup_steps, warmup, decay)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


_BUILTINS = {
    cls.__name__: cls
    for cls in (
        LearningRateSchedule,
        ExponentialDecay,
        InverseTimeDecay,
        PiecewiseConstantDecay,
        CosineDecay,
    )
}


def serialize(schedule):
    return _serialize.serialize(schedule, "keras.optimizers.schedules", _BUILTINS)


def deserialize(config, custom_objects=None):
    return _serialize.deserialize(config, _BUILTINS, custom_objects, kind="learning rate schedule")


__all__ = [
    "LearningRateSchedule",
    "ExponentialDecay",
    "InverseTimeDecay",
    "PiecewiseConstantDecay",
    "CosineDecay",
    "serialize",
    "deserialize",
]
