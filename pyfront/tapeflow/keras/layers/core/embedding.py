"""Embedding: turns integer indices into dense vectors by looking up rows of a table."""

from __future__ import annotations

import warnings

import tapeflow as tf
from tapeflow.keras import constraints, initializers, regularizers
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.layer import Layer


class Embedding(Layer):
    """`output[..., :] = embeddings[inputs[...]]`.

    Args:
        input_dim: the vocabulary size (indices lie in [0, input_dim)).
        output_dim: the size of each vector.
        embeddings_initializer: 'uniform' (U(-0.05, 0.05)) by default.
        embeddings_regularizer, activity_regularizer, embeddings_constraint: as in Dense.
        mask_zero: whether index 0 is padding; `compute_mask` then returns `inputs != 0`.
        weights: optional initial table, `[array of shape (input_dim, output_dim)]`.

    Shapes: integer inputs (batch, ...) -> outputs (batch, ..., output_dim). Inputs of any
    other dtype are cast to int32. The gradient with respect to `embeddings` adds up the
    output gradients of every position that looked up the same row.

    Example:
        >>> layer = layers.Embedding(input_dim=1000, output_dim=64)
        >>> layer(np.array([[4, 20, 0]])).shape
        (1, 3, 64)
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        weights=None,
        activity_regularizer=None,
        input_length=None,
        **kwargs,
    ):
        if input_length is not None:
            warnings.warn(
                "Embedding: the argument `input_length` is deprecated; remove it "
                "(the sequence length comes from the inputs).",
                stacklevel=2,
            )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.input_dim = _args.positive_int(input_dim, "input_dim", "Embedding")
        self.output_dim = _args.positive_int(output_dim, "output_dim", "Embedding")
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        if weights is not None:
            self.build(None)
            self.set_weights(weights if isinstance(weights, (list, tuple)) else [weights])

    def build(self, input_shape=None):
        # The table's shape does not depend on the inputs: build(None) is allowed.
        self.embeddings = self.add_weight(
            name="embeddings",
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )
        self.built = True

    def call(self, inputs):
        if inputs.dtype != tf.int32:
            inputs = tf.cast(inputs, tf.int32)
        # embeddings (input_dim, output_dim) gathered at inputs (batch, ...)
        return tf.gather(self.embeddings, inputs)

    def compute_mask(self, inputs, mask=None):
        """`inputs != 0` when mask_zero, else None."""
        if not self.mask_zero:
            return None
        return tf.not_equal(tf.convert_to_tensor(inputs), 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(
            {
                "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero,
            }
        )
        return config
