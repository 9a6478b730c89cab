"""ReLU: the rectified linear unit as a layer, with its ceiling, slope and threshold."""

from __future__ import annotations

from tapeflow.keras import activations
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.layer import Layer


class ReLU(Layer):
    """`min(x, max_value)` for x >= threshold, `negative_slope * (x - threshold)` below.

    Args:
        max_value: a ceiling (>= 0), or None for none.
        negative_slope: the slope below the threshold (>= 0).
        threshold: where the unit switches on (>= 0).

    Example:
        >>> layers.ReLU(max_value=6.0)(tf.constant([-1.0, 3.0, 9.0]))   # [0., 3., 6.]
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None:
            max_value = _args.non_negative_float(max_value, "max_value", "ReLU")
        self.max_value = max_value
        self.negative_slope = _args.non_negative_float(negative_slope, "negative_slope", "ReLU")
        self.threshold = _args.non_negative_float(threshold, "threshold", "ReLU")

    def call(self, inputs):
        return activations.relu(
            _args.as_compute_dtype(self, inputs),
            negative_slope=self.negative_slope,
            max_value=self.max_value,
            threshold=self.threshold,
        )

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "max_value": self.max_value,
                "negative_slope": self.negative_slope,
                "threshold": self.threshold,
            }
        )
        return config
