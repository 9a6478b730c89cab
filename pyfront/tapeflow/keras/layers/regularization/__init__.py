"""Regularisation layers, active only when called with training=True."""

from tapeflow.keras.layers.regularization.dropout import Dropout
from tapeflow.keras.layers.regularization.gaussian_dropout import GaussianDropout
from tapeflow.keras.layers.regularization.gaussian_noise import GaussianNoise

__all__ = ["Dropout", "GaussianDropout", "GaussianNoise"]
