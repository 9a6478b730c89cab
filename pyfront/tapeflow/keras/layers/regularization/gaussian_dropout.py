"""GaussianDropout: multiplies the inputs by 1-centred normal noise while training."""

from __future__ import annotations

import math

import tapeflow as tf
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.layer import Layer


class GaussianDropout(Layer):
    """`output = inputs * N(1, rate / (1 - rate))` when `training=True` (the noise has the
    variance of inverted dropout's multiplier), `inputs` otherwise.

    Args:
        rate: the equivalent dropout rate, in [0, 1].
        seed: an integer making the noise repeatable.
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _args.fraction(rate, "rate", "GaussianDropout")
        self.seed = _args.seed(seed, "GaussianDropout")

    def call(self, inputs, training=None):
        if not training or not 0.0 < self.rate < 1.0:
            return inputs
        inputs = _args.as_compute_dtype(self, inputs)
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = tf.random.normal(
            tuple(inputs.shape), mean=1.0, stddev=stddev, dtype=inputs.dtype, seed=self.seed
        )
        return inputs * noise

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
