"""Dense: the densely connected layer, `activation(inputs @ kernel + bias)`."""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras import activations, constraints, initializers, regularizers
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.input_spec import InputSpec
from tapeflow.keras.layers.layer import Layer
from tapeflow.ops.nn import _dense

# Activations the fused dense op applies in the GEMM's write-back, by function object.
_FUSED_ACTIVATIONS = {
    activations.linear: "linear",
    activations.relu: "relu",
    activations.sigmoid: "sigmoid",
    activations.tanh: "tanh",
}


class Dense(Layer):
    """`output = activation(inputs @ kernel + bias)`.

    Args:
        units: the size of the output's last axis (a positive integer).
        activation: an activation function or its name; None is linear.
        use_bias: whether to add a bias vector.
        kernel_initializer, bias_initializer: 'glorot_uniform' and 'zeros' by default.
        kernel_regularizer, bias_regularizer, activity_regularizer: penalties added to
            `losses`.
        kernel_constraint, bias_constraint: projections applied after optimizer updates.

    Shapes: inputs (batch, ..., in) -> outputs (batch, ..., units). Inputs of rank > 2 are
    multiplied on their last axis (the kernel broadcasts over the leading axes).

    Weights: `kernel` (in, units), then `bias` (units,).

    Example:
        >>> layer = layers.Dense(3, activation="relu")
        >>> layer(tf.ones((2, 4))).shape
        (2, 3)
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = _args.positive_int(units, "units", "Dense")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        input_dim = input_shape[-1] if input_shape else None
        if input_dim is None:
            raise ValueError(
                f"Dense {self.name!r}: the last axis of the inputs must be known "
                f"to build the kernel, received input_shape={input_shape}"
            )
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs):
        inputs = _args.as_compute_dtype(self, inputs)
        fused = _FUSED_ACTIVATIONS.get(self.activation)
        if fused is not None and inputs.ndim == 2:
            # one GEMM with the bias add and activation in its write-back
            bias = None if self.bias is None else self.bias.value()
            return _dense(inputs, self.kernel.value(), bias, fused)
        # (batch, ..., in) @ (in, units) -> (batch, ..., units): matmul broadcasts the kernel
        outputs = tf.matmul(inputs, self.kernel)
        if self.bias is not None:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
            }
        )
        return config
