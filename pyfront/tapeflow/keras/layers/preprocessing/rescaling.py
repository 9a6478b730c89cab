"""Rescaling: `inputs * scale + offset` (e.g. pixels in [0, 255] to [0, 1])."""

from __future__ import annotations

import numpy as np

import tapeflow as tf
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.layer import Layer


class Rescaling(Layer):
    """`output = inputs * scale + offset`, computed in the layer's float dtype (integer
    inputs such as uint8 images are cast first).

    Args:
        scale: a number, or per-channel values that broadcast against the inputs' last axes.
        offset: the same (default 0).

    Example:
        >>> layers.Rescaling(1.0 / 255)(np.array([[0, 255]], dtype="uint8"))   # [[0., 1.]]
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _number_or_list(scale, "scale")
        self.offset = _number_or_list(offset, "offset")

    def call(self, inputs):
        inputs = _args.as_compute_dtype(self, inputs)
        scale = tf.constant(np.asarray(self.scale), dtype=inputs.dtype)
        offset = tf.constant(np.asarray(self.offset), dtype=inputs.dtype)
        return inputs * scale + offset

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"scale": self.scale, "offset": self.offset})
        return config


def _number_or_list(value, arg: str):
    """A float, or a (nested) list of floats, as it will appear in the config."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        array = None
    if array is None or isinstance(value, (bool, str)):
        raise ValueError(
            f"Rescaling: {arg} must be a number or a list of numbers, received {arg}={value!r}"
        )
    return float(array) if array.ndim == 0 else array.tolist()
