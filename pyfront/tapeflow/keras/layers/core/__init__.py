"""Core layers: Dense, Embedding, Activation, Lambda, Identity."""

from tapeflow.keras.layers.core.activation import Activation
from tapeflow.keras.layers.core.dense import Dense
from tapeflow.keras.layers.core.embedding import Embedding
from tapeflow.keras.layers.core.identity import Identity
from tapeflow.keras.layers.core.lambda_layer import Lambda

__all__ = ["Activation", "Dense", "Embedding", "Identity", "Lambda"]
