"""``keras.saving``: the `.keras` format, weights files and the config (de)serialization
behind them.

    model.save("model.keras")
    model = keras.saving.load_model("model.keras", custom_objects={"MyLayer": MyLayer})

    @keras.saving.register_keras_serializable(package="my_package")
    class MyLayer(keras.layers.Layer): ...

Modules: object_registration (the registry), serialization_lib (configs), functional_config
(graphs), archive (the zip), h5_store (the weights file), state (which variables go where),
saving_api (the functions below).
"""

from tapeflow.keras.saving.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from tapeflow.keras.saving.saving_api import load_model, load_weights, save_model, save_weights
from tapeflow.keras.saving.serialization_lib import (
    deserialize_keras_object,
    serialize_keras_object,
)

__all__ = [
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "save_model",
    "save_weights",
    "serialize_keras_object",
]
