"""Reshape: gives each sample a new shape, the batch axis unchanged."""

from __future__ import annotations

import math

import tapeflow as tf
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.layer import Layer


class Reshape(Layer):
    """(batch, *shape) -> (batch, *target_shape); one entry of target_shape may be -1,
    inferred from the sample size.

    Args:
        target_shape: the new shape of one sample (without the batch axis).

    Example:
        >>> layers.Reshape((-1, 2))(tf.ones((5, 3, 4))).shape
        (5, 6, 2)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        if isinstance(target_shape, int):
            target_shape = (target_shape,)
        try:
            shape = tuple(
                -1 if d == -1 else _args.positive_int(d, "target_shape", "Reshape")
                for d in target_shape
            )
        except (TypeError, ValueError):
            raise ValueError(
                "Reshape: target_shape must be a tuple of positive integers, with "
                f"at most one -1, received target_shape={target_shape!r}"
            ) from None
        if shape.count(-1) > 1:
            raise ValueError(
                "Reshape: there can be at most one unknown (-1) entry in "
                f"target_shape, received target_shape={target_shape!r}"
            )
        self.target_shape = shape

    def _resolved(self, sample_shape):
        """target_shape with -1 replaced, given one input sample's shape (None if unknown)."""
        if -1 not in self.target_shape and None not in sample_shape:
            size, known = math.prod(sample_shape), math.prod(self.target_shape)
            if size != known:
                raise ValueError(
                    f"Reshape: the total size of a sample must be unchanged, "
                    f"received a sample of shape {tuple(sample_shape)} ({size} "
                    f"values) and target_shape={self.target_shape} ({known})"
                )
            return self.target_shape
        if -1 not in self.target_shape or None in sample_shape:
            return tuple(None if d == -1 else d for d in self.target_shape)
        size, known = math.prod(sample_shape), -math.prod(self.target_shape)
        if size % known:
            raise ValueError(
                f"Reshape: cannot reshape a sample of shape {tuple(sample_shape)} "
                f"({size} values) to target_shape={self.target_shape}"
            )
        return tuple(size // known if d == -1 else d for d in self.target_shape)

    def call(self, inputs):
        shape = self._resolved(tuple(inputs.shape[1:]))
        return tf.reshape(inputs, (inputs.shape[0],) + shape)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._resolved(tuple(input_shape[1:]))

    def compute_output_spec(self, inputs, *args, **kwargs):
        return _args.same_dtype_spec(self, self.compute_output_shape(inputs.shape), inputs)

    def get_config(self) -> dict:
        config = super().get_config()
        config["target_shape"] = list(self.target_shape)
        return config
