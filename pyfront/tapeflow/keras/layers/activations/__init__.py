"""Activation layers with parameters: Softmax, ReLU, LeakyReLU."""

from tapeflow.keras.layers.activations.leaky_relu import LeakyReLU
from tapeflow.keras.layers.activations.relu import ReLU
from tapeflow.keras.layers.activations.softmax import Softmax

__all__ = ["LeakyReLU", "ReLU", "Softmax"]
