"""``keras.utils``: the progress bar, data helpers, downloads and seeding.

keras.utils.to_categorical(labels)   # one-hot float32 rows
keras.utils.Progbar(target=100)      # the bar fit prints
keras.utils.get_file("mnist.npz", origin=URL, file_hash=SHA256)   # cached, verified download
keras.utils.plot_model(model, "model.png", show_shapes=True)       # needs pydot + graphviz
keras.utils.set_random_seed(1337)    # Python, NumPy and tf.random seeded at once

The serialization helpers of keras.saving are also here, as in Keras
(keras.utils.register_keras_serializable, custom_object_scope, ...).
"""

from tapeflow.keras.saving import (
    CustomObjectScope,
    custom_object_scope,
    deserialize_keras_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
    serialize_keras_object,
)
from tapeflow.keras.utils.file_utils import get_file
from tapeflow.keras.utils.model_visualization import model_to_dot, plot_model
from tapeflow.keras.utils.numerical_utils import to_categorical
from tapeflow.keras.utils.progbar import Progbar
from tapeflow.keras.utils.rng_utils import set_random_seed

__all__ = [
    "CustomObjectScope",
    "Progbar",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_file",
    "get_registered_name",
    "get_registered_object",
    "model_to_dot",
    "plot_model",
    "register_keras_serializable",
    "serialize_keras_object",
    "set_random_seed",
    "to_categorical",
]
