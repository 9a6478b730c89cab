"""Flatten: collapses every axis but the batch axis into one."""

from __future__ import annotations

import math

import tapeflow as tf
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.layer import Layer

_DATA_FORMATS = ("channels_last", "channels_first")


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...); (batch,) -> (batch, 1).

    Args:
        data_format: 'channels_last' (default) or 'channels_first'; channels-first inputs
            are moved to channels-last order first, so both give the same feature order.

    Example:
        >>> layers.Flatten()(tf.ones((2, 3, 4))).shape
        (2, 12)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        data_format = data_format or "channels_last"
        if data_format not in _DATA_FORMATS:
            raise ValueError(
                f"Flatten: data_format must be one of {_DATA_FORMATS}, received "
                f"data_format={data_format!r}"
            )
        self.data_format = data_format

    def call(self, inputs):
        rank = len(inputs.shape)
        if rank == 0:
            raise ValueError("Flatten: inputs need a batch axis, received a scalar")
        if self.data_format == "channels_first" and rank >= 3:
            # (batch, channels, *spatial) -> (batch, *spatial, channels)
            inputs = tf.transpose(inputs, perm=[0, *range(2, rank), 1])
        return tf.reshape(inputs, (inputs.shape[0], math.prod(inputs.shape[1:])))

    def compute_output_shape(self, input_shape):
        if not input_shape:
            raise ValueError("Flatten: inputs need a batch axis, received a scalar")
        features = input_shape[1:]
        size = None if None in features else math.prod(features)
        return (input_shape[0], size)

    def compute_output_spec(self, inputs, *args, **kwargs):
        return _args.same_dtype_spec(self, self.compute_output_shape(inputs.shape), inputs)

    def get_config(self) -> dict:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
