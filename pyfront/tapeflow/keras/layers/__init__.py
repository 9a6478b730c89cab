"""``keras.layers``: the Layer base class and the built-in layers.

    from tapeflow.keras import layers
    layers.Dense(512, activation="relu")
"""

from tapeflow.keras.layers.input_layer import Input, InputLayer
from tapeflow.keras.layers.input_spec import InputSpec
from tapeflow.keras.layers.layer import Layer
from tapeflow.keras.layers.symbolic import KerasTensor

__all__ = ["Input", "InputLayer", "InputSpec", "KerasTensor", "Layer"]
