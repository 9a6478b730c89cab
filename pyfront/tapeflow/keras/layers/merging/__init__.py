"""Merge layers (a list of tensors in, one out) and their functional forms."""

from tapeflow.keras.layers.merging.arithmetic import (
    Add,
    Average,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    maximum,
    minimum,
    multiply,
    subtract,
)
from tapeflow.keras.layers.merging.base_merge import Merge
from tapeflow.keras.layers.merging.concatenate import Concatenate, concatenate

__all__ = [
    "Add",
    "Average",
    "Concatenate",
    "Maximum",
    "Merge",
    "Minimum",
    "Multiply",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]
