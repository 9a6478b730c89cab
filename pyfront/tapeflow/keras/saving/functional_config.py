"""A functional model's graph to and from Keras 3's config.

    {"name": "model", "trainable": true,
     "layers": [{...layer config..., "name": "dense",
                 "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__",
                                              "config": {"shape": [null, 3], "dtype": "float32",
                                                         "keras_history": ["input", 0, 0]}}],
                                    "kwargs": {}}]}, ...],
     "input_layers": [["input", 0, 0]], "output_layers": [["dense", 0, 0]]}

`keras_history` is [layer name, node index, tensor index]; a node index counts only the
calls of that layer inside this model. Keras gives a nested functional model one node of its
own before its calls (made when it was built), so node indices of such a layer start at 1.
"""

from __future__ import annotations

from tapeflow import nest
from tapeflow.keras.layers.symbolic import KerasTensor
from tapeflow.keras.saving import serialization_lib


def get_functional_config(model) -> dict:
    """The config of a Functional model (layers in `model.layers` order, Keras's)."""
    from tapeflow.keras.models.functional import Functional

    own = {id(node) for node in model._nodes}
    own.update(id(t._keras_history[1]) for t in model.inputs)
    new_index = {}  # id(node) -> its index among the layer's nodes in this model
    for layer in model.layers:
        kept = 1 if isinstance(layer, Functional) else 0
        for node in layer._inbound_nodes:
            if id(node) in own:
                new_index[id(node)] = kept
                kept += 1

    def tensor_reference(tensor):
        layer, node, index = tensor._keras_history
        return [layer.name, new_index[id(node)], index]

    def serialize_argument(value):
        if isinstance(value, KerasTensor):
            config = serialization_lib.serialize_keras_tensor(value)
            config["config"]["keras_history"] = tensor_reference(value)
            return config
        return serialization_lib.serialize_keras_object(value)

    layer_configs = []
    for layer in model.layers:
        config = serialization_lib.serialize_keras_object(layer)
        config["name"] = layer.name
        config["inbound_nodes"] = [
            {
                "args": [nest.map_structure(serialize_argument, a) for a in node.call_args],
                "kwargs": {
                    k: nest.map_structure(serialize_argument, v)
                    for k, v in node.call_kwargs.items()
                },
            }
            for node in layer._inbound_nodes
            if id(node) in own and not node.is_input
        ]
        layer_configs.append(config)
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layer_configs,
        "input_layers": nest.map_structure(tensor_reference, model._inputs_struct),
        "output_layers": nest.map_structure(tensor_reference, model._outputs_struct),
    }


def is_functional_config(config) -> bool:
    return isinstance(config, dict) and all(
        key in config for key in ("layers", "input_layers", "output_layers")
    )


def functional_from_config(cls, config: dict, custom_objects=None):
    """An instance of `cls` (Functional or a subclass built from inputs and outputs) that
    replays the graph `config` describes, with freshly made layers."""
    try:
        return _rebuild(cls, dict(config), custom_objects)
    except (KeyError, IndexError, TypeError, AttributeError) as error:
        raise ValueError(
            f"Invalid functional model config ({type(error).__name__}: {error})"
        ) from error


def _rebuild(cls, config, custom_objects):
    from tapeflow.keras.layers.layer import Layer

    layer_configs = config.pop("layers")
    if not isinstance(layer_configs, list):
        raise TypeError(f"'layers' must be a list, received {type(layer_configs).__name__}")
    created, pending = {}, {}
    for layer_data in layer_configs:
        name = layer_data["name"]
        if name in created:
            raise ValueError(f"Invalid functional model config: two layers are named {name!r}")
        layer = serialization_lib.deserialize_keras_object(layer_data, custom_objects)
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Invalid functional model config: {name!r} is not a layer but "
                f"a {type(layer).__name__}"
            )
        created[name] = layer
        nodes = layer_data.get("inbound_nodes", [])
        if not isinstance(nodes, list):
            raise TypeError(f"'inbound_nodes' of {name!r} must be a list")
        pending[name] = list(nodes)
    # Replay calls layer by layer; a call whose inputs do not exist yet waits for a later
    # round (a layer shared at two depths, A(B(A(x)))).
    while any(pending.values()):
        progressed = False
        for name, nodes in pending.items():
            while nodes and _ready(nodes[0], created):
                args, kwargs = _node_arguments(nodes.pop(0), created)
                created[name](*args, **kwargs)
                progressed = True
        if not progressed:
            waiting = [name for name, nodes in pending.items() if nodes]
            raise ValueError(
                "Invalid functional model config: the graph has loops or calls "
                f"on missing layers; cannot replay the calls of {waiting}"
            )

    def tensors(structure):
        if isinstance(structure, list) and len(structure) == 3 and isinstance(structure[0], str):
            return _tensor(created, *structure)
        if isinstance(structure, dict):
            return {key: tensors(value) for key, value in structure.items()}
        if isinstance(structure, (list, tuple)):
            return [tensors(value) for value in structure]
        raise TypeError(f"cannot read a tensor reference from {structure!r}")

    inputs = tensors(config.pop("input_layers"))
    outputs = tensors(config.pop("output_layers"))
    return cls(inputs=inputs, outputs=outputs, **config)


def _history_entries(node_data):
    """The keras_history of every __keras_tensor__ in a node's arguments."""
    found = []

    def walk(value):
        if isinstance(value, dict):
            if value.get("class_name") == "__keras_tensor__":
                found.append(value["config"]["keras_history"])
            else:
                for item in value.values():
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk([node_data.get("args", []), node_data.get("kwargs", {})])
    return found


def _ready(node_data, created) -> bool:
    for layer_name, node_index, _ in _history_entries(node_data):
        if layer_name not in created:
            raise ValueError(
                f"Invalid functional model config: a call uses the output of "
                f"{layer_name!r}, which is not among the model's layers"
            )
        if _node_position(created[layer_name], node_index) >= len(
            created[layer_name]._inbound_nodes
        ):
            return False
    return True


def _node_position(layer, node_index) -> int:
    from tapeflow.keras.models.functional import Functional

    if not isinstance(node_index, int) or isinstance(node_index, bool):
        raise TypeError(f"a node index must be an int, received {node_index!r}")
    position = node_index - 1 if isinstance(layer, Functional) else node_index
    if position < 0:
        raise IndexError(f"node index {node_index} of layer {layer.name!r} is out of range")
    return position


def _tensor(created, layer_name, node_index, tensor_index):
    if layer_name not in created:
        raise ValueError(f"Invalid functional model config: unknown layer {layer_name!r}")
    layer = created[layer_name]
    node = layer._inbound_nodes[_node_position(layer, node_index)]
    if not isinstance(tensor_index, int) or not 0 <= tensor_index < len(node.output_tensors):
        raise IndexError(
            f"tensor index {tensor_index!r} of layer {layer_name!r} is out of "
            f"range (it has {len(node.output_tensors)} outputs)"
        )
    return node.output_tensors[tensor_index]


def _node_arguments(node_data, created):
    """(args, kwargs) of one recorded call, symbolic tensors put back in place."""

    def revive(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            return _tensor(created, *value["config"]["keras_history"])
        if isinstance(value, list):
            return [revive(item) for item in value]
        if isinstance(value, dict) and not ("class_name" in value and "config" in value):
            return {key: revive(item) for key, item in value.items()}
        return serialization_lib.deserialize_keras_object(value)

    args = node_data.get("args", [])
    kwargs = node_data.get("kwargs", {})
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        raise TypeError(
            f"a node's 'args' must be a list and 'kwargs' a dict, received "
            f"{type(args).__name__} and {type(kwargs).__name__}"
        )
    return [revive(a) for a in args], {str(k): revive(v) for k, v in kwargs.items()}
