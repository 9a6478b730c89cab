"""Keras 3's serialized form of an object, shared by the `serialize`/`deserialize`/`get` of each
module (activations, initializers, regularizers, losses, metrics, optimizers):

    {"module": "keras.optimizers", "class_name": "Adam", "config": {...}, "registered_name": None}

A plain function serializes as ``class_name="function"`` with its name as the config.
Deserializing also sees the objects registered with `keras.saving.register_keras_serializable`
and those of the enclosing `custom_object_scope`.
"""

from __future__ import annotations

import inspect


def serialize(obj, module: str, builtins: dict):
    """The config dict of `obj` (an object with get_config, or a function)."""
    if obj is None:
        return None
    from tapeflow.keras.saving import object_registration

    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        name = _builtin_name(obj, builtins) or object_registration.get_registered_name(obj)
        return {"module": module, "class_name": "function", "config": name, "registered_name": name}
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot serialize {obj!r}: it has no get_config() method")
    cls = type(obj)
    registered = (
        None if builtins.get(cls.__name__) is cls else object_registration.get_registered_name(cls)
    )
    return {
        "module": module,
        "class_name": cls.__name__,
        "config": obj.get_config(),
        "registered_name": registered,
    }


def deserialize(config, builtins: dict, custom_objects=None, kind: str = "object"):
    """The object that `config` (a dict from serialize, or a bare name) describes."""
    from tapeflow.keras.saving import keras_compat, object_registration

    lookup = dict(builtins)
    lookup.update(object_registration.custom_objects_in_scope())
    lookup.update(custom_objects or {})
    if isinstance(config, str):
        if config not in lookup:
            raise ValueError(
                f"Unknown {kind}: {config!r}. Please ensure you are using a "
                "keras name or pass it in `custom_objects`"
            )
        return lookup[config]
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret serialized {kind}: {config!r}")
    class_name = config["class_name"]
    inner = config.get("config", {})
    if class_name == "function":
        return deserialize(inner, builtins, custom_objects, kind)
    cls = lookup.get(config.get("registered_name") or class_name) or lookup.get(class_name)
    if cls is None:
        raise ValueError(
            f"Unknown {kind}: {class_name!r}. Please ensure you are using a "
            "keras class or pass it in `custom_objects`"
        )
    return cls.from_config(keras_compat.drop_keras_only_arguments(cls, dict(inner or {})))


def get(identifier, builtins: dict, deserialize, kind: str, instantiate: bool = True):
    """The object a module's `get(identifier)` names: a config dict goes through that module's
    `deserialize`, a string is looked up in `builtins`, anything else is taken as is; a class
    is then instantiated with its defaults (when `instantiate`) and a callable returned. None
    gives None; anything else raises "Could not interpret <kind> identifier"."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = builtins.get(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj() if instantiate and inspect.isclass(obj) else obj
    raise ValueError(f"Could not interpret {kind} identifier: {identifier!r}")


def _builtin_name(fn, builtins: dict):
    for name, candidate in builtins.items():
        if candidate is fn:
            return name
    return None
