"""Dropout: zeroes a random fraction of the inputs while training (inverted dropout)."""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.layer import Layer


class Dropout(Layer):
    """Sets each input to 0 with probability `rate` and scales the kept ones by
    1 / (1 - rate), so the expected sum is unchanged; identity unless `training=True`.

    Args:
        rate: the fraction to drop, in [0, 1].
        noise_shape: the shape of the keep/drop mask, broadcast against the inputs; None
            entries take the inputs' size (e.g. (batch, 1, features) drops the same features
            at every time step).
        seed: an integer making the masks repeatable.

    Example:
        >>> layers.Dropout(0.5)(tf.ones((2, 4)), training=True)   # entries in {0., 2.}
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _args.fraction(rate, "rate", "Dropout")
        self.noise_shape = None if noise_shape is None else _check_noise_shape(noise_shape)
        self.seed = _args.seed(seed, "Dropout")

    def call(self, inputs, training=None):
        if not training or self.rate == 0.0:
            return inputs
        if self.rate == 1.0:
            return inputs * 0.0  # nothing kept (1 / (1 - rate) would be inf)
        inputs = _args.as_compute_dtype(self, inputs)
        shape = _mask_shape(self.noise_shape, inputs.shape)
        keep = tf.random.uniform(shape, dtype=inputs.dtype, seed=self.seed) >= self.rate
        return inputs * (tf.cast(keep, inputs.dtype) * (1.0 / (1.0 - self.rate)))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "rate": self.rate,
                "noise_shape": None if self.noise_shape is None else list(self.noise_shape),
                "seed": self.seed,
            }
        )
        return config


def _check_noise_shape(noise_shape) -> tuple:
    try:
        return tuple(
            None if d is None else _args.positive_int(d, "noise_shape", "Dropout")
            for d in noise_shape
        )
    except (TypeError, ValueError):
        raise ValueError(
            "Dropout: noise_shape must be a tuple of positive integers or None, "
            f"received noise_shape={noise_shape!r}"
        ) from None


def _mask_shape(noise_shape, input_shape) -> tuple:
    """`noise_shape` with its None entries filled from `input_shape`."""
    input_shape = tuple(input_shape)
    if noise_shape is None:
        return input_shape
    if len(noise_shape) != len(input_shape):
        raise ValueError(
            f"Dropout: noise_shape {noise_shape} must have the inputs' rank; the "
            f"inputs have shape {input_shape}"
        )
    return tuple(d if n is None else n for n, d in zip(noise_shape, input_shape, strict=True))
