"""Permute: reorders the axes of each sample (the batch axis stays first)."""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.input_spec import InputSpec
from tapeflow.keras.layers.layer import Layer


class Permute(Layer):
    """(batch, d1, ..., dk) -> (batch, d[dims[0]], ..., d[dims[k-1]]).

    Args:
        dims: a permutation of 1..k (axis 1 is the first axis after the batch axis).

    Example:
        >>> layers.Permute((2, 1))(tf.ones((4, 10, 64))).shape
        (4, 64, 10)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        try:
            axes = tuple(_args.int_axis(d, "Permute") for d in dims)
        except TypeError:
            axes = None
        if axes is None or sorted(axes) != list(range(1, len(axes) + 1)):
            raise ValueError(
                "Permute: dims must be a permutation of 1..k (axis 0, the batch "
                f"axis, stays in place), received dims={dims!r}"
            )
        self.dims = axes
        self.input_spec = InputSpec(ndim=len(dims) + 1)

    def call(self, inputs):
        return tf.transpose(inputs, perm=(0,) + self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def compute_output_spec(self, inputs, *args, **kwargs):
        return _args.same_dtype_spec(self, self.compute_output_shape(inputs.shape), inputs)

    def get_config(self) -> dict:
        config = super().get_config()
        config["dims"] = list(self.dims)
        return config
