"""``keras.optimizers``: optimizers with Keras 3's defaults and update rules, their string
look-up (case-insensitive: "rmsprop", "RMSprop", "adam", "sgd", ...) and learning-rate
schedules.

    model.compile(optimizer="rmsprop", ...)        # RMSprop(learning_rate=0.001)
    keras.optimizers.RMSprop(1e-2)                 # the first positional argument is the lr
"""

from __future__ import annotations

from tapeflow.keras import _serialize
from tapeflow.keras.optimizers import schedules
from tapeflow.keras.optimizers.adadelta import Adadelta
from tapeflow.keras.optimizers.adagrad import Adagrad
from tapeflow.keras.optimizers.adam import Adam, AdamW
from tapeflow.keras.optimizers.adamax import Adamax
from tapeflow.keras.optimizers.nadam import Nadam
from tapeflow.keras.optimizers.optimizer import Optimizer
from tapeflow.keras.optimizers.rmsprop import RMSprop
from tapeflow.keras.optimizers.sgd import SGD

_CLASSES = (Optimizer, SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Adamax, Nadam)
_BUILTINS = {cls.__name__: cls for cls in _CLASSES}
_BY_LOWER_NAME = {cls.__name__.lower(): cls for cls in _CLASSES}


def serialize(optimizer):
    return _serialize.serialize(optimizer, "keras.optimizers", _BUILTINS)


def deserialize(config, custom_objects=None):
    """An optimizer from its serialized form; built-in class names match case-insensitively."""
    if isinstance(config, dict) and isinstance(config.get("class_name"), str):
        cls = _BY_LOWER_NAME.get(config["class_name"].lower())
        if cls is not None and not (custom_objects and config["class_name"] in custom_objects):
            config = {**config, "class_name": cls.__name__}
    return _serialize.deserialize(config, _BUILTINS, custom_objects, kind="optimizer")


def get(identifier):
    """An optimizer from a name ("rmsprop": RMSprop with its defaults), a config dict or an
    Optimizer instance (returned as is)."""
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    obj = None
    if isinstance(identifier, (str, dict)):
        config = (
            {"class_name": identifier, "config": {}} if isinstance(identifier, str) else identifier
        )
        try:
            obj = deserialize(config)
        except (ValueError, TypeError, KeyError):
            obj = None
    if isinstance(obj, Optimizer):
        return obj
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")


__all__ = [cls.__name__ for cls in _CLASSES] + ["schedules", "serialize", "deserialize", "get"]
