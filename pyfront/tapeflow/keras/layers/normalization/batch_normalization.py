"""BatchNormalization: normalises each feature with batch statistics while training and with
moving averages of them at inference.

Training (`training=True` and the layer trainable), for the features on `axis`:
    mean, var = moments of the batch over every other axis (var biased: divided by n)
    output = (x - mean) / sqrt(var + epsilon) * gamma + beta
    moving_mean     <- moving_mean * momentum + mean * (1 - momentum)
    moving_variance <- moving_variance * momentum + var * (1 - momentum)
Inference: the same formula with moving_mean and moving_variance, which are not changed.
A frozen layer (`trainable=False`) always runs in inference mode, as in Keras.
"""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras import constraints, initializers, regularizers
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.input_spec import InputSpec
from tapeflow.keras.layers.layer import Layer


class BatchNormalization(Layer):
    """Args:
        axis: the features axis (default -1: channels last).
        momentum: the moving averages' decay (0.99).
        epsilon: added to the variance before the square root (1e-3).
        center, scale: whether to learn `beta` (offset) and `gamma` (scale).
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer: 'zeros', 'ones', 'zeros', 'ones' by default.
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: as in Dense.

    Weights, in order: gamma, beta (trainable), moving_mean, moving_variance (not
    trainable), each of shape (features,).
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        synchronized=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.axis = _args.int_axis(axis, "BatchNormalization")
        self.momentum = _args.fraction(momentum, "momentum", "BatchNormalization")
        self.epsilon = _args.non_negative_float(epsilon, "epsilon", "BatchNormalization")
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.synchronized = bool(synchronized)  # one device: nothing to synchronise
        self.gamma = self.beta = None

    def build(self, input_shape):
        rank = len(input_shape)
        axis = _args.normalize_axis(self.axis, rank, f"BatchNormalization {self.name!r}")
        features = input_shape[axis]
        if features is None:
            raise ValueError(
                f"BatchNormalization {self.name!r}: axis {self.axis} of the inputs "
                f"must have a known size, received input_shape={input_shape}"
            )
        shape = (features,)
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
        self.moving_mean = self.add_weight(
            name="moving_mean",
            shape=shape,
            initializer=self.moving_mean_initializer,
            trainable=False,
        )
        self.moving_variance = self.add_weight(
            name="moving_variance",
            shape=shape,
            initializer=self.moving_variance_initializer,
            trainable=False,
        )
        # statistics reduce every axis but the features; parameters broadcast as (1, .., C, .., 1)
        self._reduction_axes = [a for a in range(rank) if a != axis]
        self._broadcast_shape = [features if a == axis else 1 for a in range(rank)]
        self.input_spec = InputSpec(ndim=rank, axes={self.axis: features})
        self.built = True

    def _broadcast(self, parameter):
        return tf.reshape(parameter, self._broadcast_shape)

    def call(self, inputs, training=None):
        inputs = _args.as_compute_dtype(self, inputs)
        if training and self.trainable:
            mean = tf.reduce_mean(inputs, axis=self._reduction_axes, keepdims=True)
            variance = tf.reduce_mean(
                tf.square(inputs - mean), axis=self._reduction_axes, keepdims=True
            )
            self._update_moving_statistics(mean, variance)
        else:
            mean = self._broadcast(self.moving_mean)
            variance = self._broadcast(self.moving_variance)
        outputs = (inputs - mean) * tf.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            outputs = outputs * self._broadcast(self.gamma)
        if self.beta is not None:
            outputs = outputs + self._broadcast(self.beta)
        return outputs

    def _update_moving_statistics(self, mean, variance):
        # The update is state, not part of the loss: no gradient flows through it.
        decay = self.momentum
        for moving, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
            batch = tf.reshape(tf.stop_gradient(batch), moving.shape)
            moving.assign(moving.value() * decay + batch * (1.0 - decay))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "axis": self.axis,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "center": self.center,
                "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(
                    self.moving_variance_initializer
                ),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint),
                "synchronized": self.synchronized,
            }
        )
        return config
