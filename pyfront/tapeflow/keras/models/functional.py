"""Functional models: a graph of layers from `keras.Input`s to outputs.

    inputs = keras.Input(shape=(3,), name="my_input")
    features = layers.Dense(64, activation="relu")(inputs)
    outputs = layers.Dense(10, activation="softmax")(features)
    model = keras.Model(inputs=inputs, outputs=outputs)

Inputs and outputs may be one KerasTensor, a list or a dict. Calling the model replays the
recorded nodes in topological order on real tensors; data for a list of inputs may also be a
dict keyed by the Input names.
"""

from __future__ import annotations

import numpy as np

import tapeflow as tf
from tapeflow import nest
from tapeflow.keras.layers.input_layer import InputLayer
from tapeflow.keras.layers.symbolic import KerasTensor
from tapeflow.keras.models.model import Model


class Functional(Model):
    """A Model defined by its symbolic inputs and outputs."""

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        for tensor in nest.flatten(inputs):
            if not isinstance(tensor, KerasTensor) or not isinstance(
                    tensor._keras_history[0], InputLayer):
                raise ValueError("A functional Model's `inputs` must be tensors returned by "
                                 f"keras.Input, received {tensor!r}")
        for tensor in nest.flatten(outputs):
            if not isinstance(tensor, KerasTensor):
                raise ValueError("A functional Model's `outputs` must be symbolic tensors "
                                 f"computed from its inputs, received {tensor!r}")
        if isinstance(inputs, tuple):
            inputs = list(inputs)
        if isinstance(outputs, tuple):
            outputs = list(outputs)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._nodes, layers = _graph_from(nest.flatten(inputs), nest.flatten(outputs))
        self._functional_layers = layers
        self.built = True

    # -- structure ---------------------------------------------------------------------------
    @property
    def layers(self) -> list:
        """Input layers first, then every layer in topological order."""
        return list(self._functional_layers)

    @property
    def inputs(self) -> list:
        return nest.flatten(self._inputs_struct)

    @property
    def outputs(self) -> list:
        return nest.flatten(self._outputs_struct)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_names(self) -> list:
        return [t._keras_history[0].name for t in self.inputs]

    @property
    def output_names(self) -> list:
        if isinstance(self._outputs_struct, dict):
            return list(self._outputs_struct)
        return [t._keras_history[0].name for t in self.outputs]

    @property
    def input_shape(self):
        return nest.map_structure(lambda t: t.shape, self._inputs_struct)

    @property
    def output_shape(self):
        return nest.map_structure(lambda t: t.shape, self._outputs_struct)

    def build(self, input_shape) -> None:
        self.built = True

    def get_config(self) -> dict:
        """The graph in Keras 3's format (see saving/functional_config.py)."""
        from tapeflow.keras.saving import functional_config

        return functional_config.get_functional_config(self)

    def compute_output_shape(self, input_shape):
        return nest.map_structure(lambda t: t.shape, self._outputs_struct)

    def _sublayers(self) -> list:
        return [layer for layer in self._functional_layers]

    # -- running -----------------------------------------------------------------------------
    def _convert_inputs(self, inputs):
        return inputs  # each Input's dtype is applied in call()

    def call(self, inputs, training=None):
        chain = _layer_chain(self)
        if chain is not None and type(inputs) is tf.Tensor:  # one tensor through a stack
            value = inputs
            checked = (inputs._shape, inputs._dtype)
            if self.__dict__.get("_checked_chain_input") != checked:  # once per shape, dtype
                value = _as_input_tensor(inputs, self._inputs_struct)
                if value is inputs:
                    self.__dict__["_checked_chain_input"] = checked  # NOTE: untracked
            for layer in chain:
                value = layer(value)
            return value
        values = {}
        for tensor, value in zip(self.inputs, self._flatten_inputs(inputs), strict=True):
            values[id(tensor)] = _as_input_tensor(value, tensor)

        def lookup(x):
            return values[id(x)] if isinstance(x, KerasTensor) else x

        for node in self._nodes:
            single = _single_tensor_node(node)
            if single is not None:  # one tensor in, one out: no nest walks
                values[single[1]] = node.layer(values[single[0]])
                continue
            args, kwargs = nest.map_structure(lookup, (node.call_args, node.call_kwargs))
            outputs = node.layer(*args, **kwargs)
            for tensor, value in zip(node.output_tensors, nest.flatten(outputs), strict=True):
                values[id(tensor)] = value
        return nest.map_structure(lookup, self._outputs_struct)

    def _flatten_inputs(self, inputs) -> list:
        """Data for the inputs, in the order of `self.inputs`."""
        expected = self.inputs
        if isinstance(inputs, dict) and not isinstance(self._inputs_struct, dict):
            missing = [name for name in self.input_names if name not in inputs]
            if missing:
                raise ValueError(f"Model {self.name!r}: missing data for inputs {missing}; "
                                 f"received keys {sorted(inputs)}")
            return [inputs[name] for name in self.input_names]
        if isinstance(self._inputs_struct, dict):
            if not isinstance(inputs, dict):
                raise ValueError(f"Model {self.name!r} expects a dict of inputs with keys "
                                 f"{sorted(self._inputs_struct)}, received {type(inputs).__name__}")
            return [inputs[key] for key in sorted(self._inputs_struct)]
        flat = list(inputs) if isinstance(inputs, (list, tuple)) and len(expected) > 1 \
            else [inputs] if len(expected) == 1 and not (
                isinstance(inputs, (list, tuple)) and len(inputs) == 1) else nest.flatten(inputs)
        if len(flat) != len(expected):
            raise ValueError(f"Model {self.name!r} expects {len(expected)} input(s), but it "
                             f"received {len(flat)} input tensors")
        return flat


def _single_tensor_node(node):
    """(id of the input, id of the output) for a node called on one KerasTensor with no
    keyword arguments and returning one, else None; computed once per node."""
    found = node.__dict__.get("_single_tensor_ids", False)
    if found is False:
        args, outputs = node.call_args, node.outputs
        simple = (len(args) == 1 and type(args[0]) is KerasTensor and not node.call_kwargs
                  and type(outputs) is KerasTensor)
        found = (id(args[0]), id(outputs)) if simple else None
        node._single_tensor_ids = found
    return found


def _layer_chain(model):
    """The layers of a model whose one Input goes through a stack of one-tensor nodes to its
    one output (every Sequential), in order, else None; found once per model (a
    functional graph never changes)."""
    found = model.__dict__.get("_layer_chain_cache", False)
    if found is False:
        found = None
        current = model._inputs_struct
        if type(current) is KerasTensor and type(model._outputs_struct) is KerasTensor:
            found = []
            for node in model._nodes:
                single = _single_tensor_node(node)
                if single is None or single[0] != id(current):
                    found = None
                    break
                found.append(node.layer)
                current = node.outputs
            if current is not model._outputs_struct:
                found = None
        model.__dict__["_layer_chain_cache"] = found  # NOTE: untracked, set directly
    return found


def _as_input_tensor(value, spec: KerasTensor):
    """Data for one Input: converted, cast to the Input's dtype, rank and sizes checked."""
    if isinstance(value, tf.Variable):
        value = value.value()
    if not isinstance(value, tf.Tensor):
        value = tf.convert_to_tensor(np.asarray(value).astype(spec.dtype.name, copy=False))
    elif value._dtype != spec.dtype._c:
        value = tf.cast(value, spec.dtype)
    shape = value._shape
    if len(shape) != len(spec.shape) or any(
            e is not None and e != g for e, g in zip(spec.shape, shape, strict=True)):
        raise ValueError(f'Input "{spec.name}" of the model expects shape {spec.shape}, but '
                         f"received input with shape {shape}")
    return value


def _graph_from(inputs: list, outputs: list):
    """The nodes between `inputs` and `outputs` in execution order, and the layers in Keras's
    order: by decreasing depth (the longest path to an output), ties in the order a
    depth-first walk from the outputs first meets them. Saved configs and weight files list
    layers in this order, so it must match Keras's for files to be exchanged."""
    input_ids = {id(t) for t in inputs}
    order, visited, first_seen = [], set(), {}

    def visit(node):
        if id(node) in visited:
            return
        visited.add(id(node))
        first_seen.setdefault(id(node.layer), len(first_seen))
        for tensor in node.input_tensors:
            parent = tensor._keras_history[1]
            if id(tensor) not in input_ids and parent.is_input:
                raise ValueError(f"Graph disconnected: cannot obtain a value for tensor "
                                 f"{tensor!r} (it comes from an Input that is not in the "
                                 "model's inputs)")
            visit(parent)
        order.append(node)

    for tensor in outputs:
        visit(tensor._keras_history[1])
    node_depth, layer_depth, layers = {}, {}, {}
    for node in reversed(order):  # outputs first: a parent is deeper than its children
        depth = max(node_depth.setdefault(id(node), 0), layer_depth.get(id(node.layer), 0))
        layer_depth[id(node.layer)] = node_depth[id(node)] = depth
        layers[id(node.layer)] = node.layer
        for parent in node.parent_nodes:
            node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for tensor in inputs:  # an input no output depends on still belongs to the model
        layer = tensor._keras_history[0]
        if id(layer) not in layers:
            layers[id(layer)] = layer
            layer_depth[id(layer)], first_seen[id(layer)] = 0, -1
    ordered = sorted(layers.values(),
                     key=lambda layer: (-layer_depth[id(layer)], first_seen[id(layer)]))
    return [node for node in order if not node.is_input], ordered
