"""Softmax: the softmax activation as a layer, over one or several axes, with a mask."""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.layer import Layer

# Added to masked-out logits: exp(x - 1e9) underflows to 0 in float32 and float64.
_MASKED_LOGIT = -1e9


class Softmax(Layer):
    """`exp(x) / sum(exp(x))` along `axis`.

    Args:
        axis: an int or a list of ints (softmax over their joint elements); default -1.

    Call arguments:
        mask: optional booleans broadcastable to the inputs; False entries get probability 0.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = [_args.int_axis(a, "Softmax") for a in axis]
        else:
            self.axis = _args.int_axis(axis, "Softmax")

    def call(self, inputs, mask=None):
        inputs = _args.as_compute_dtype(self, inputs)
        if mask is not None:
            keep = tf.cast(tf.convert_to_tensor(mask), inputs.dtype)
            inputs = inputs + (1.0 - keep) * _MASKED_LOGIT
        if isinstance(self.axis, int):
            return tf.nn.softmax(inputs, axis=self.axis)
        return tf.exp(inputs - tf.reduce_logsumexp(inputs, axis=self.axis, keepdims=True))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config["axis"] = self.axis
        return config
