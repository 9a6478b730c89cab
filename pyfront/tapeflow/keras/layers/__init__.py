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
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]
