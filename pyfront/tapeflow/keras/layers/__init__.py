"""``keras.layers``: the Layer base class and the built-in layers.

from tapeflow.keras import layers
layers.Dense(512, activation="relu")
"""

from tapeflow.keras.layers.activations import LeakyReLU, ReLU, Softmax
from tapeflow.keras.layers.core import Activation, Dense, Embedding, Identity, Lambda
from tapeflow.keras.layers.input_layer import Input, InputLayer
from tapeflow.keras.layers.input_spec import InputSpec
from tapeflow.keras.layers.layer import Layer
from tapeflow.keras.layers.merging import (
    Add,
    Average,
    Concatenate,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    maximum,
    minimum,
    multiply,
    subtract,
)
from tapeflow.keras.layers.normalization import BatchNormalization, LayerNormalization
from tapeflow.keras.layers.preprocessing import Normalization, Rescaling
from tapeflow.keras.layers.regularization import Dropout, GaussianDropout, GaussianNoise
from tapeflow.keras.layers.reshaping import Flatten, Permute, RepeatVector, Reshape
from tapeflow.keras.layers.symbolic import KerasTensor


def serialize(layer) -> dict:
    """The config of `layer` in Keras 3's format (see keras.saving)."""
    from tapeflow.keras.saving import serialization_lib

    return serialization_lib.serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """The layer (or model) a config from `serialize` describes."""
    from tapeflow.keras import models
    from tapeflow.keras.saving import serialization_lib

    builtins = {name: obj for name, obj in globals().items()
                if isinstance(obj, type) and issubclass(obj, Layer)}
    builtins.update({"Model": models.Model, "Sequential": models.Sequential,
                     "Functional": models.Functional})
    layer = serialization_lib.deserialize_keras_object(
        config, custom_objects=custom_objects, module_objects=builtins)
    if not isinstance(layer, Layer):
        raise ValueError(f"Could not interpret serialized layer: {config!r}")
    return layer


def get(identifier):
    """A layer from a Layer (returned as is) or a config dict; None gives None."""
    if identifier is None or isinstance(identifier, Layer):
        return identifier
    if isinstance(identifier, (dict, str)):
        return deserialize(identifier)
    raise ValueError(f"Could not interpret layer identifier: {identifier!r}")

__all__ = [
    "Activation",
    "Add",
    "Average",
    "BatchNormalization",
    "Concatenate",
    "Dense",
    "Dropout",
    "Embedding",
    "Flatten",
    "GaussianDropout",
    "GaussianNoise",
    "Identity",
    "Input",
    "InputLayer",
    "InputSpec",
    "KerasTensor",
    "Lambda",
    "Layer",
    "LayerNormalization",
    "LeakyReLU",
    "Maximum",
    "Minimum",
    "Multiply",
    "Normalization",
    "Permute",
    "ReLU",
    "Rescaling",
    "RepeatVector",
    "Reshape",
    "Softmax",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "deserialize",
    "get",
    "maximum",
    "minimum",
    "multiply",
    "serialize",
    "subtract",
]
