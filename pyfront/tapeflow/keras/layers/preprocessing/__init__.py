"""Preprocessing layers: Normalization (with adapt), Rescaling."""

from tapeflow.keras.layers.preprocessing.normalization import Normalization
from tapeflow.keras.layers.preprocessing.rescaling import Rescaling

__all__ = ["Normalization", "Rescaling"]
