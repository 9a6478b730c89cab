"""Identity: returns its inputs unchanged (a placeholder in a model's structure)."""

from __future__ import annotations

import tapeflow as tf
from tapeflow import nest
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.layer import Layer


class Identity(Layer):
    """`output = inputs` (any nest of tensors)."""

    def call(self, inputs):
        return nest.map_structure(tf.identity, inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, inputs, *args, **kwargs):
        return nest.map_structure(lambda x: _args.same_dtype_spec(self, x.shape, x), inputs)
