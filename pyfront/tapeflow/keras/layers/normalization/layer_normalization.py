"""LayerNormalization: normalises each sample over its feature axes (Ba et al., 2016).

    mean, var = moments of each sample over `axis` (var biased: divided by n)
    output = (x - mean) / sqrt(var + epsilon) * gamma + beta
With rms_scaling: output = x / sqrt(mean(x^2) + epsilon) * gamma (no centring, no beta).
Training and inference compute the same thing.
"""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras import constraints, initializers, regularizers
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.layer import Layer


class LayerNormalization(Layer):
    """Args:
        axis: an int or a list of ints, the axes to normalise over (default -1).
        epsilon: added to the variance before the square root (1e-3).
        center, scale: whether to learn `beta` (offset) and `gamma` (scale).
        rms_scaling: scale by the root mean square only (implies center=False).
        beta_initializer, gamma_initializer: 'zeros' and 'ones' by default.
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: as in Dense.

    Weights, in order: gamma, beta, each spanning the normalised axes.
    """

    def __init__(
        self,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        rms_scaling=False,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = [_args.int_axis(a, "LayerNormalization") for a in axis]
        else:
            self.axis = _args.int_axis(axis, "LayerNormalization")
        self.epsilon = _args.non_negative_float(epsilon, "epsilon", "LayerNormalization")
        self.rms_scaling = bool(rms_scaling)
        self.center, self.scale = bool(center) and not self.rms_scaling, bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = self.beta = None

    def build(self, input_shape):
        rank = len(input_shape)
        who = f"LayerNormalization {self.name!r}"
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        self._axes = sorted({_args.normalize_axis(a, rank, who) for a in axes})
        shape = tuple(input_shape[a] for a in self._axes)
        if None in shape:
            raise ValueError(
                f"{who}: the normalised axes {self.axis} must have known sizes, "
                f"received input_shape={input_shape}"
            )
        if self.scale:
            self.gamma = self.add_weight(
                name="gamma",
                shape=shape,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
            )
        if self.center:
            self.beta = self.add_weight(
                name="beta",
                shape=shape,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
            )
        # gamma/beta span the normalised axes; size-1 axes elsewhere make them broadcast
        self._broadcast_shape = [input_shape[a] if a in self._axes else 1 for a in range(rank)]
        self.built = True

    def call(self, inputs):
        inputs = _args.as_compute_dtype(self, inputs)
        if self.rms_scaling:
            mean_square = tf.reduce_mean(tf.square(inputs), axis=self._axes, keepdims=True)
            outputs = inputs * tf.rsqrt(mean_square + self.epsilon)
        else:
            mean = tf.reduce_mean(inputs, axis=self._axes, keepdims=True)
            centred = inputs - mean
            variance = tf.reduce_mean(tf.square(centred), axis=self._axes, keepdims=True)
            outputs = centred * tf.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            outputs = outputs * tf.reshape(self.gamma, self._broadcast_shape)
        if self.beta is not None:
            outputs = outputs + tf.reshape(self.beta, self._broadcast_shape)
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "rms_scaling": self.rms_scaling,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
            }
        )
        return config
