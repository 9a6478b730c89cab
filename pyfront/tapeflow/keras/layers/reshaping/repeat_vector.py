"""RepeatVector: repeats each input vector n times along a new axis."""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.input_spec import InputSpec
from tapeflow.keras.layers.layer import Layer


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features).

    Args:
        n: how many times to repeat (a positive integer).
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = _args.positive_int(n, "n", "RepeatVector")
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs):
        return tf.tile(tf.expand_dims(inputs, 1), [1, self.n, 1])

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def compute_output_spec(self, inputs, *args, **kwargs):
        return _args.same_dtype_spec(self, self.compute_output_shape(inputs.shape), inputs)

    def get_config(self) -> dict:
        config = super().get_config()
        config["n"] = self.n
        return config
