"""Merge: the base of the layers that combine a list of tensors elementwise (Add, Multiply,
Average, Maximum, ...).

Shape rules (Keras's): the batch sizes must agree (None matches anything); the other axes
broadcast as in NumPy, aligned from the right, so (batch, 5) and (batch, 3, 5) merge to
(batch, 3, 5). A lower-rank input gets size-1 axes inserted after its batch axis.
"""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras.layers import _args
from tapeflow.keras.layers.layer import Layer


class Merge(Layer):
    """Subclasses implement `_merge_function(inputs)` on a list of equal-rank tensors."""

    _min_inputs = 1

    def _check_list(self, inputs, what: str):
        """`inputs` must be a list of tensors (what="tensors") or of shapes ("shapes")."""

        def is_item(x):
            return isinstance(x, (list, tuple)) if what == "shapes" else hasattr(x, "shape")

        if not isinstance(inputs, (list, tuple)) or not all(is_item(x) for x in inputs):
            raise ValueError(
                f"A merge layer ({type(self).__name__}) should be called on a "
                f"list of {what}, received: {inputs!r}"
            )
        if len(inputs) < self._min_inputs:
            raise ValueError(
                f"A merge layer ({type(self).__name__}) should be called on a "
                f"list of at least {self._min_inputs} inputs, received "
                f"{len(inputs)}"
            )

    def build(self, input_shape):
        self.compute_output_shape(input_shape)  # raises on incompatible shapes
        self.built = True

    def call(self, inputs):
        self._check_list(inputs, "tensors")
        rank = max(len(x.shape) for x in inputs)
        # (batch, 5) beside (batch, 3, 5): insert axes after the batch axis to align right
        aligned = []
        for x in inputs:
            while len(x.shape) < rank:
                x = tf.expand_dims(x, 1)
            aligned.append(x)
        return self._merge_function(aligned)

    def _merge_function(self, inputs):
        raise NotImplementedError

    def compute_output_shape(self, input_shape):
        self._check_list(input_shape, "shapes")
        shapes = [tuple(s) for s in input_shape]
        batches = {s[0] for s in shapes if s} - {None}
        if len(batches) > 1:
            raise ValueError(
                f"{type(self).__name__}: cannot merge tensors with different batch "
                f"sizes, received tensors with shapes {shapes}"
            )
        output = shapes[0][1:]
        for shape in shapes[1:]:
            output = _broadcast(output, shape[1:], shapes, type(self).__name__)
        batch = batches.pop() if batches else None
        return (batch,) + output

    def compute_output_spec(self, inputs, *args, **kwargs):
        shape = self.compute_output_shape([x.shape for x in inputs])
        return _args.same_dtype_spec(self, shape, inputs)


def _broadcast(a: tuple, b: tuple, shapes, who: str) -> tuple:
    """NumPy broadcasting of two shapes without their batch axis; None is unknown."""
    if len(a) < len(b):
        a, b = b, a
    result = list(a[: len(a) - len(b)])
    for i, j in zip(a[len(a) - len(b) :], b, strict=True):
        if i == 1:
            result.append(j)
        elif j == 1 or i == j:
            result.append(i)
        elif i is None or j is None:  # the unknown size is 1 or equal to the known one
            result.append(j if i is None else i)
        else:
            raise ValueError(f"{who}: inputs have incompatible shapes, received shapes {shapes}")
    return tuple(result)
