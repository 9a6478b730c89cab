"""`keras.Sequential`: a plain stack of layers, one input, one output.

    model = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(10)])
    model.build(input_shape=(None, 3))      # or a first call, or fit, or a leading keras.Input

Until an input shape is known the model is unbuilt: it has no weights, and `weights` and
`summary()` raise ValueError (listing 7.3). Once the shape is known the layers are chained
on a symbolic input, which gives every layer its weights and its output shape, like a
Functional model.
"""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras.layers.input_layer import InputLayer
from tapeflow.keras.layers.layer import Layer
from tapeflow.keras.layers.symbolic import KerasTensor
from tapeflow.keras.models.functional import Functional
from tapeflow.keras.models.model import Model


class Sequential(Model):
    """A linear stack of layers.

    Args:
        layers: a list of layers (a leading `keras.Input` gives the input shape).
        name: the model's name ('sequential', 'sequential_1', ...).
    """

    def __init__(self, layers=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._stack = []
        self._input_layer = None
        self._graph = None  # the Functional chain once the input shape is known
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer, rebuild=True) -> None:
        """Appends a layer (or a `keras.Input`) to the stack."""
        if isinstance(layer, KerasTensor) and isinstance(layer._keras_history[0], InputLayer):
            layer = layer._keras_history[0]
        if not isinstance(layer, Layer):
            raise TypeError("The added layer must be an instance of class Layer. Received: "
                            f"layer={layer!r} of type {type(layer).__name__}.")
        if isinstance(layer, InputLayer):
            if self._stack or self._input_layer is not None:
                raise ValueError("Sequential: an Input can only be the first layer")
            self._input_layer = layer
        else:
            if any(existing.name == layer.name for existing in self._stack):
                raise ValueError(f"All layers added to a Sequential model should have unique "
                                 f"names. Name {layer.name!r} is already the name of a layer "
                                 "in this model.")
            if not self._stack and self._input_layer is None and \
                    layer._batch_input_shape is not None:
                self._input_layer = InputLayer(batch_shape=layer._batch_input_shape,
                                               dtype=layer.dtype)
            self._stack.append(layer)
        if rebuild:
            self._maybe_rebuild()

    def pop(self):
        """Removes and returns the last layer."""
        if not self._stack:
            raise TypeError("There are no layers in the model.")
        layer = self._stack.pop()
        self._graph = None
        self.built = False
        self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self) -> None:
        if self._input_layer is not None and self._stack:
            self._build_graph(self._input_layer)

    def _build_graph(self, input_layer: InputLayer) -> None:
        if self._graph is not None:  # forget the previous chain's nodes (layer.output stays
            for node in self._graph._nodes:  # well defined after add/pop)
                if node in node.layer._inbound_nodes:
                    node.layer._inbound_nodes.remove(node)
        x = input_layer.output_tensor
        for layer in self._stack:
            x = layer(x)
        self._graph = Functional(input_layer.output_tensor, x, name=self.name + "_graph")
        self.built = True

    @property
    def layers(self) -> list:
        """The stacked layers (a leading InputLayer is not listed, as in Keras)."""
        return list(self._stack)

    def _sublayers(self) -> list:
        return list(self._stack)

    @property
    def weights(self) -> list:
        if not self.built:
            raise ValueError(f"Weights for model {self.name} have not yet been created. "
                             "Weights are created when the Model is first called on inputs "
                             "or `build()` is called with an `input_shape`.")
        return super().weights

    def build(self, input_shape=None) -> None:
        """Creates the weights for inputs of `input_shape` (batch size first, may be None)."""
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError("You must provide an `input_shape` argument.")
            input_shape = self._input_layer.batch_shape
        if not self._stack:
            raise ValueError(f"Sequential model {self.name!r} has no layers to build")
        input_shape = tuple(input_shape)
        if self._input_layer is None or tuple(self._input_layer.batch_shape) != input_shape:
            self._input_layer = InputLayer(batch_shape=input_shape)
        self._build_graph(self._input_layer)

    def _maybe_build(self, shapes) -> None:
        if self.built:
            return
        if not isinstance(shapes, tuple):
            raise ValueError(f"Sequential model {self.name!r} takes one input tensor, "
                             f"received inputs of shapes {shapes}")
        self.build((None,) + tuple(shapes[1:]))  # any batch size, as Keras 2 records it

    def _convert_inputs(self, inputs):
        return inputs  # the graph's Input casts to its dtype

    def call(self, inputs, training=None):
        if self._graph is None:
            raise ValueError(f"Sequential model {self.name!r} has no layers")
        if self._input_layer is not None:
            shape = inputs._shape if type(inputs) is tf.Tensor else tuple(
                getattr(inputs, "shape", ()))
            expected = self._input_layer.batch_shape
            if len(shape) != len(expected):
                raise ValueError(f'Input 0 of layer "{self.name}" is incompatible with the '
                                 f"layer: expected shape={expected}, found shape={shape}")
        return self._graph.call(inputs, training=training)

    @property
    def inputs(self) -> list:
        return self._graph.inputs if self._graph else []

    @property
    def outputs(self) -> list:
        return self._graph.outputs if self._graph else []

    @property
    def input_shape(self):
        if self._input_layer is None:
            raise AttributeError(f"Sequential model {self.name!r} has no input shape yet")
        return self._input_layer.batch_shape

    @property
    def output_shape(self):
        if self._graph is None:
            raise AttributeError(f"Sequential model {self.name!r} has not been built yet")
        return self._graph.output_shape

    def compute_output_shape(self, input_shape):
        if self._graph is None:
            raise NotImplementedError
        return self._graph.output_shape

    def get_config(self) -> dict:
        from tapeflow.keras import layers as layers_module

        config = {"name": self.name, "trainable": self.trainable, "layers": []}
        if self._input_layer is not None:
            config["layers"].append(layers_module.serialize(self._input_layer))
            config["build_input_shape"] = list(self._input_layer.batch_shape)
        config["layers"].extend(layers_module.serialize(layer) for layer in self._stack)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tapeflow.keras import layers as layers_module

        if not isinstance(config.get("layers"), list):
            raise ValueError(f"A Sequential config needs a list of 'layers', received "
                             f"{type(config.get('layers')).__name__}")
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            model.add(layers_module.deserialize(layer_config, custom_objects=custom_objects))
        build_input_shape = config.get("build_input_shape")
        if not model.built and isinstance(build_input_shape, (list, tuple)) and model._stack:
            model.build(tuple(build_input_shape))
        return model

    def get_build_config(self):
        if self._input_layer is None:
            return None
        return {"input_shape": list(self._input_layer.batch_shape)}

    def build_from_config(self, config) -> None:
        input_shape = config.get("input_shape") if isinstance(config, dict) else None
        if input_shape is not None and not self.built:
            self.build(tuple(input_shape))
