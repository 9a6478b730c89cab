"""`keras.Input` and `InputLayer`: the entry points of a functional graph.

    inputs = keras.Input(shape=(784,))        # KerasTensor, shape (None, 784), float32
    inputs = keras.Input(shape=(3,), name="my_input")

`shape` is the shape of one sample; the batch size is left unknown (None) unless
`batch_size` or `batch_shape` gives it.
"""

from __future__ import annotations

from tapeflow.keras import backend
from tapeflow.keras.layers.layer import Layer
from tapeflow.keras.layers.symbolic import KerasTensor, Node


class InputLayer(Layer):
    """The layer behind `keras.Input`: no weights, one symbolic output."""

    def __init__(
        self,
        shape=None,
        batch_size=None,
        dtype=None,
        sparse=None,
        batch_shape=None,
        input_tensor=None,
        name=None,
        input_shape=None,
        batch_input_shape=None,
        **kwargs,
    ):
        if input_shape is not None and shape is None:
            shape = input_shape
        if batch_input_shape is not None and batch_shape is None:
            batch_shape = batch_input_shape
        if shape is not None and batch_shape is not None:
            raise ValueError("InputLayer: pass `shape` or `batch_shape`, not both")
        if shape is None and batch_shape is None and input_tensor is None:
            raise ValueError(
                "InputLayer: `shape` is required (the shape of one sample, e.g. shape=(784,))"
            )
        super().__init__(name=name or backend.auto_name("input_layer"), dtype=dtype, **kwargs)
        if input_tensor is not None:
            batch_shape = input_tensor.shape
        elif batch_shape is None:
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size,) + shape
        self._batch_shape = tuple(None if d is None else _dim(d) for d in batch_shape)
        self.built = True
        self.output_tensor = KerasTensor(self._batch_shape, self.dtype, name=self.name)
        Node(self, outputs=self.output_tensor)

    @property
    def batch_shape(self) -> tuple:
        return self._batch_shape

    def call(self, inputs):
        return inputs

    def get_config(self) -> dict:
        return {
            "batch_shape": list(self._batch_shape),
            "dtype": self.dtype,
            "sparse": False,
            "name": self.name,
        }


def _dim(d) -> int:
    if isinstance(d, bool) or int(d) != d or int(d) < 0:
        raise ValueError(f"Input: a shape holds non-negative ints or None, received {d!r}")
    return int(d)


def Input(
    shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None, tensor=None
):
    """A symbolic tensor standing for future inputs of shape `(batch_size, *shape)`."""
    layer = InputLayer(
        shape=shape,
        batch_size=batch_size,
        dtype=dtype,
        sparse=sparse,
        batch_shape=batch_shape,
        input_tensor=tensor,
        name=name,
    )
    return layer.output_tensor
