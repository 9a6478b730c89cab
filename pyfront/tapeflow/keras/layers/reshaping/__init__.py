"""Reshaping layers: Flatten, Reshape, RepeatVector, Permute."""

from tapeflow.keras.layers.reshaping.flatten import Flatten
from tapeflow.keras.layers.reshaping.permute import Permute
from tapeflow.keras.layers.reshaping.repeat_vector import RepeatVector
from tapeflow.keras.layers.reshaping.reshape import Reshape

__all__ = ["Flatten", "Permute", "RepeatVector", "Reshape"]
