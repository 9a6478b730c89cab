"""Concatenate: joins a list of tensors along one axis.

merged = layers.Concatenate()([title_features, text_body_features, tags])
merged = layers.concatenate([a, b], axis=-1)
"""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.merging.base_merge import Merge


class Concatenate(Merge):
    """Concatenates the inputs along `axis`; the other axes must match.

    Args:
        axis: the axis to join along (default -1, the features).

    Shapes: [(batch, a), (batch, b)] -> (batch, a + b) with axis=-1.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = _args.int_axis(axis, "Concatenate")

    def call(self, inputs):
        self._check_list(inputs, "tensors")
        return tf.concat(list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape, "shapes")
        shapes = [tuple(s) for s in input_shape]
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes):
            raise ValueError(
                f"A Concatenate layer requires inputs of the same rank, received "
                f"input_shape={shapes}"
            )
        axis = _args.normalize_axis(self.axis, rank, "Concatenate")
        output = []
        for position, sizes in enumerate(zip(*shapes, strict=True)):
            if position == axis:
                output.append(None if None in sizes else sum(sizes))
                continue
            known = {d for d in sizes if d is not None}
            if len(known) > 1:
                raise ValueError(
                    "A Concatenate layer requires inputs with matching shapes "
                    f"except for the concatenation axis {self.axis}, received "
                    f"input_shape={shapes}"
                )
            output.append(known.pop() if known else None)
        return tuple(output)

    def get_config(self) -> dict:
        config = super().get_config()
        config["axis"] = self.axis
        return config


def concatenate(inputs=None, axis=-1, **kwargs):
    """`Concatenate(axis=axis, **kwargs)(inputs)`.

    NOTE: called without inputs it returns the Concatenate layer itself, so the book's
    `self.concat_layer = layers.concatenate()` (section 7.2.3, errata X17) runs; TensorFlow
    raises a TypeError there.
    """
    layer = Concatenate(axis=axis, **kwargs)
    return layer if inputs is None else layer(inputs)
