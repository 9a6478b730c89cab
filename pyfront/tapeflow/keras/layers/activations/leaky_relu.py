"""LeakyReLU: x for x >= 0, `negative_slope * x` below."""

from __future__ import annotations

from tapeflow.keras import activations
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.layer import Layer


class LeakyReLU(Layer):
    """`x if x >= 0 else negative_slope * x`.

    Args:
        negative_slope: the slope for negative inputs (>= 0; Keras's default 0.3). Keras 2's
            name `alpha` is accepted too.
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        self.negative_slope = _args.non_negative_float(
            negative_slope, "negative_slope", "LeakyReLU"
        )

    def call(self, inputs):
        return activations.leaky_relu(
            _args.as_compute_dtype(self, inputs), negative_slope=self.negative_slope
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config
