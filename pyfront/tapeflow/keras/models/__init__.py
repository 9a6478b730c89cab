"""``keras.models``: Model (subclassing and functional), Sequential.

    model = keras.Sequential([layers.Dense(512, activation="relu"), layers.Dense(10)])
    model = keras.Model(inputs=inputs, outputs=outputs)
"""

from tapeflow.keras.models.functional import Functional
from tapeflow.keras.models.model import Model
from tapeflow.keras.models.sequential import Sequential
from tapeflow.keras.saving.saving_api import load_model, save_model


def model_from_json(json_string, custom_objects=None):
    """A new (unweighted) model from the JSON of `model.to_json()`."""
    import json

    from tapeflow.keras.saving import serialization_lib

    try:
        config = json.loads(json_string)
    except (TypeError, ValueError, RecursionError) as error:
        raise ValueError(f"model_from_json: not valid JSON ({error})") from error
    return serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects)


__all__ = ["Functional", "Model", "Sequential", "load_model", "model_from_json", "save_model"]
