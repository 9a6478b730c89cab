"""``keras.models``: Model (subclassing and functional), Sequential.

    model = keras.Sequential([layers.Dense(512, activation="relu"), layers.Dense(10)])
    model = keras.Model(inputs=inputs, outputs=outputs)
"""

from tapeflow.keras.models.functional import Functional
from tapeflow.keras.models.model import Model
from tapeflow.keras.models.sequential import Sequential

__all__ = ["Functional", "Model", "Sequential"]
