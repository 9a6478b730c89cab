"""Symbolic tensors and graph nodes: how layers called on `keras.Input` build a graph.

    inputs = keras.Input(shape=(3,))             # KerasTensor, shape (None, 3)
    features = layers.Dense(64)(inputs)          # a Node records (layer, call arguments)
    features.shape                                # (None, 64)

A KerasTensor stands for a future batch: `shape` (a tuple, None for an unknown size) and
`dtype`, plus `_keras_history` = (layer, node, index) naming what produces it. A Node holds
one call of a layer: its arguments with the KerasTensors left in place, and its outputs.
Functional models replay the nodes in order on real tensors.

Output shapes come from the layer's `compute_output_shape` when it has one; otherwise the
layer is run once on zeros of the input shapes (unknown sizes set to 2), and a second time
(sizes 3) when a size is unknown, so every output size that follows an unknown one is None.
"""

from __future__ import annotations

import tapeflow as tf
from tapeflow import nest


class KerasTensor:
    """A symbolic tensor: a shape (tuple with None for unknown sizes) and a dtype."""

    def __init__(self, shape, dtype="float32", name=None, history=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = tf.as_dtype(dtype)
        self.name = name
        self._keras_history = history

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        name = f", name={self.name}" if self.name else ""
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype.name}{name}>"

    def __len__(self):
        raise TypeError("A symbolic KerasTensor has no length; its batch size is unknown")

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a Python bool")

    def __array__(self, *args, **kwargs):
        raise TypeError(
            "A symbolic KerasTensor (from keras.Input) has no value: it stands "
            "for future data. Call the model on real data instead."
        )


class Node:
    """One call of `layer` in a functional graph."""

    def __init__(self, layer, call_args=(), call_kwargs=None, outputs=None):
        self.layer = layer
        self.call_args = call_args
        self.call_kwargs = call_kwargs or {}
        self.input_tensors = [
            x for x in nest.flatten((call_args, self.call_kwargs)) if isinstance(x, KerasTensor)
        ]
        self.outputs = outputs
        self.output_tensors = nest.flatten(outputs)
        for index, tensor in enumerate(self.output_tensors):
            tensor._keras_history = (layer, self, index)
        layer._inbound_nodes.append(self)
        for parent in self.parent_nodes:
            parent.layer._outbound_nodes.append(self)

    @property
    def parent_nodes(self) -> list:
        return [x._keras_history[1] for x in self.input_tensors]

    @property
    def is_input(self) -> bool:
        return not self.input_tensors

    @property
    def input_structure(self):
        """The layer's first positional argument (a tensor, or a list for merge layers)."""
        return self.call_args[0] if self.call_args else None


def any_symbolic(structure) -> bool:
    return any(isinstance(x, KerasTensor) for x in nest.flatten(structure))


def call_symbolically(layer, args, kwargs):
    """`layer(*args, **kwargs)` on KerasTensors: builds the layer, records a Node, returns
    KerasTensors for the outputs."""
    inputs = args[0]
    layer._maybe_build(
        nest.map_structure(
            lambda x: x.shape if isinstance(x, KerasTensor) else getattr(x, "shape", None), inputs
        )
    )
    if layer.input_spec is not None:
        from tapeflow.keras.layers.input_spec import assert_input_compatibility

        assert_input_compatibility(layer.input_spec, inputs, layer.name)
    outputs = layer.compute_output_spec(*args, **kwargs)
    Node(layer, args, kwargs, outputs)
    return outputs


def infer_output_spec(layer, args, kwargs):
    """KerasTensors for `layer`'s outputs, from compute_output_shape or by running it."""
    try:
        shapes = layer.compute_output_shape(nest.map_structure(lambda x: x.shape, args[0]))
    except NotImplementedError:
        return _probe(layer, args, kwargs)
    return _specs_from_shapes(shapes, layer.compute_dtype)


def _specs_from_shapes(shapes, dtype):
    """A shape tuple -> a KerasTensor; a list or dict of shapes -> the same of KerasTensors."""
    if isinstance(shapes, dict):
        return {key: _specs_from_shapes(s, dtype) for key, s in shapes.items()}
    if isinstance(shapes, (tuple, list)) and all(d is None or isinstance(d, int) for d in shapes):
        return KerasTensor(shapes, dtype)
    return [_specs_from_shapes(s, dtype) for s in shapes]


def _probe(layer, args, kwargs):
    def concrete(fill):
        def value(x):
            if isinstance(x, KerasTensor):
                shape = [fill if d is None else d for d in x.shape]
                return tf.zeros(shape, dtype=x.dtype)
            return x

        return nest.map_structure(value, (args, kwargs))

    has_unknown = any(
        None in x.shape for x in nest.flatten((args, kwargs)) if isinstance(x, KerasTensor)
    )
    first = _run_for_shapes(layer, *concrete(2))
    second = _run_for_shapes(layer, *concrete(3)) if has_unknown else first

    def spec(a, b):
        shape = tuple(da if da == db else None for da, db in zip(a.shape, b.shape, strict=True))
        return KerasTensor(shape, a.dtype)

    return nest.pack_sequence_as(
        first, [spec(a, b) for a, b in zip(nest.flatten(first), nest.flatten(second), strict=True)]
    )


def _run_for_shapes(layer, args, kwargs):
    kwargs = dict(kwargs)
    if layer._call_takes_training():
        kwargs["training"] = False
    from tapeflow.keras.layers.call_context import _context as context

    depth = getattr(context, "depth", 0)
    context.depth = depth + 1  # not an entry call: the probe must not clear real losses
    try:
        outputs = layer.call(*args, **kwargs)
    finally:
        context.depth = depth
        layer._clear_losses()
    return nest.map_structure(lambda t: _Shaped(tuple(t.shape), t.dtype), outputs)


class _Shaped:
    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape = tuple(int(d) for d in shape)
        self.dtype = dtype
