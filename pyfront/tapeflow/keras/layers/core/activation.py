"""Activation: applies an activation function as a layer."""

from __future__ import annotations

from tapeflow.keras import activations
from tapeflow.keras.layers.layer import Layer


class Activation(Layer):
    """`output = activation(inputs)`, elementwise (softmax: over the last axis).

    Args:
        activation: an activation function or its name ('relu', 'softmax', ...).

    Example:
        >>> layers.Activation("relu")(tf.constant([-1.0, 2.0]))   # [0., 2.]
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
