"""Normalisation layers: BatchNormalization, LayerNormalization."""

from tapeflow.keras.layers.normalization.batch_normalization import BatchNormalization
from tapeflow.keras.layers.normalization.layer_normalization import LayerNormalization

__all__ = ["BatchNormalization", "LayerNormalization"]
