"""GaussianNoise: adds zero-mean normal noise while training (a regulariser)."""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.layer import Layer


class GaussianNoise(Layer):
    """`output = inputs + N(0, stddev^2)` when `training=True`, `inputs` otherwise.

    Args:
        stddev: the noise's standard deviation, in [0, 1].
        seed: an integer making the noise repeatable.
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = _args.fraction(stddev, "stddev", "GaussianNoise")
        self.seed = _args.seed(seed, "GaussianNoise")

    def call(self, inputs, training=None):
        if not training or self.stddev == 0.0:
            return inputs
        inputs = _args.as_compute_dtype(self, inputs)
        noise = tf.random.normal(
            tuple(inputs.shape), stddev=self.stddev, dtype=inputs.dtype, seed=self.seed
        )
        return inputs + noise

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config
