"""Objects to and from Keras 3's config format, safely.

    serialize_keras_object(layers.Dense(3))
    # {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", ...},
    #  "registered_name": None}
    deserialize_keras_object(config, custom_objects={"MyLayer": MyLayer})

Built-in objects are named by their public Keras module (`keras.layers`, `keras.losses`, ...)
so that Keras 3 reads the configs tapeflow writes; user objects by their Python module and
their registered name (`"package>Name"`, or the class name when unregistered).

Safety: a config is data, never code. Deserializing imports nothing: a class or function is
taken from the registry, `custom_objects`, the current custom_object_scope or tapeflow's
own tables of built-in modelling objects (`keras.*`, `keras.src.*` and `tapeflow.keras.*`
modules map to them); any other module name is refused. Marshalled Python code
(`__lambda__`) is always refused, and `Lambda` layers need `safe_mode=False` (see
layers/core/lambda_layer.py).
"""

from __future__ import annotations

import inspect
import threading
import types

import numpy as np

from tapeflow.keras.saving import builtin_objects, keras_compat, object_registration

PLAIN_TYPES = (str, int, float, bool)

_safe_mode = threading.local()  # .value: the flag of the innermost SafeModeScope


class DeserializationError(TypeError):
    """A class's from_config rejected its config (raised once, not re-wrapped by the
    configs that contain it)."""


class SafeModeScope:
    """`with SafeModeScope(False):` lets nested from_config calls see the loader's flag."""

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self._backup = getattr(_safe_mode, "value", None)
        _safe_mode.value = self.safe_mode
        return self

    def __exit__(self, *exc_info):
        _safe_mode.value = self._backup


def in_safe_mode():
    """The safe_mode of the deserialization in progress; None outside any (a direct
    `Lambda.from_config(config)` call is the caller's own choice, as in Keras)."""
    return getattr(_safe_mode, "value", None)


# -- serialization ---------------------------------------------------------------------------
def serialize_keras_object(obj):
    """The JSON-ready config of `obj`: plain values as they are, containers recursively,
    arrays and tensors tagged, objects as {"module", "class_name", "config",
    "registered_name"} (plus "build_config"/"compile_config" for layers and models)."""
    import tapeflow as tf
    from tapeflow.keras.layers.symbolic import KerasTensor

    if obj is None or isinstance(obj, PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return serialize_dict(obj)
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, np.ndarray) and obj.ndim > 0:
        return _tagged_array("__numpy__", obj)
    if isinstance(obj, np.generic) or isinstance(obj, np.ndarray):
        return obj.item()
    if isinstance(obj, (tf.Tensor, tf.Variable)):
        return _tagged_array("__tensor__", np.asarray(obj))
    if isinstance(obj, tf.DType):
        return obj.name
    if isinstance(obj, KerasTensor):
        return serialize_keras_tensor(obj)
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return _serialize_function(obj)
    if not hasattr(obj, "get_config"):
        raise TypeError(
            f"Cannot serialize {obj!r} of type {type(obj).__name__}: to be serializable, a "
            "class must implement get_config()"
        )
    inner = obj.get_config()
    if not isinstance(inner, dict):
        raise TypeError(
            f"get_config() of {type(obj).__name__} must return a dict, it returned {inner!r}"
        )
    config = _class_reference(type(obj))
    config["config"] = serialize_dict(inner)
    for key, getter in (
        ("build_config", "get_build_config"),
        ("compile_config", "get_compile_config"),
    ):
        extra = getattr(obj, getter, None)
        value = extra() if extra is not None else None
        if value is not None:
            config[key] = serialize_dict(value)
    return config


def serialize_dict(obj: dict) -> dict:
    return {key: serialize_keras_object(value) for key, value in obj.items()}


def serialize_keras_tensor(tensor) -> dict:
    """A symbolic tensor in a functional config: shape, dtype and [layer name, node index,
    tensor index] of the call that made it."""
    layer, node, index = tensor._keras_history
    return {
        "class_name": "__keras_tensor__",
        "config": {
            "shape": list(tensor.shape),
            "dtype": tensor.dtype.name,
            "keras_history": [layer.name, layer._inbound_nodes.index(node), index],
        },
    }


def _tagged_array(tag: str, array: np.ndarray) -> dict:
    return {"class_name": tag, "config": {"value": array.tolist(), "dtype": str(array.dtype)}}


def _class_reference(cls) -> dict:
    public = builtin_objects.public_names().get(cls)
    if public is not None:
        module, name = public
        registered = "Functional" if name == "Functional" else None
        return {"module": module, "class_name": name, "registered_name": registered}
    cls = _user_facing_class(cls)
    return {
        "module": cls.__module__,
        "class_name": cls.__name__,
        "registered_name": object_registration.get_registered_name(cls),
    }


def _serialize_function(fn) -> dict:
    public = builtin_objects.public_names().get(fn)
    if public is not None:
        module, name = public
        return {"module": module, "class_name": "function", "config": name, "registered_name": name}
    name = object_registration.get_registered_name(fn)
    return {
        "module": fn.__module__,
        "class_name": "function",
        "config": name,
        "registered_name": name,
    }


def _user_facing_class(cls):
    """A subclass of Model built with inputs and outputs is really `type(cls, Functional)`
    (models/model.py); configs name the user's class."""
    from tapeflow.keras.models import model as model_module

    for user_class, functional_class in model_module._functional_subclasses.items():
        if functional_class is cls:
            return user_class
    return cls


# -- deserialization -------------------------------------------------------------------------
def deserialize_keras_object(config, custom_objects=None, safe_mode=True, **kwargs):
    """The object that `config` (from serialize_keras_object) describes.

    Args:
        config: a config dict, a list of them, a plain value, or a registered name.
        custom_objects: a dict name -> class or function for user objects.
        safe_mode: refuse Lambda layers (their function is looked up by module and name).
        module_objects: (keyword) a dict name -> object searched after the custom objects,
            for bare names (as `layers.deserialize` passes the built-in layers).
    """
    module_objects = kwargs.pop("module_objects", None)
    if kwargs:
        raise TypeError(f"deserialize_keras_object: unexpected arguments {sorted(kwargs)}")
    custom_objects = {**(custom_objects or {}), **object_registration.custom_objects_in_scope()}
    outer = in_safe_mode()  # a loader's flag holds for everything it deserializes
    safe_mode = bool(safe_mode) if outer is None else outer
    with SafeModeScope(safe_mode):
        return _deserialize(config, custom_objects, module_objects)


def _deserialize(config, custom_objects, module_objects):
    if config is None or isinstance(config, (int, float, bool)):
        return config
    if isinstance(config, str):
        found = custom_objects.get(config)
        if found is None and module_objects is not None:
            found = module_objects.get(config)
        return config if found is None else found
    if isinstance(config, (list, tuple)):
        return [_deserialize(x, custom_objects, module_objects) for x in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not parse config: {config!r}")
    if "class_name" not in config or "config" not in config:
        return {key: _deserialize(v, custom_objects, module_objects) for key, v in config.items()}
    class_name = config["class_name"]
    inner = config["config"] if config["config"] is not None else {}
    special = _SPECIAL_TAGS.get(class_name)
    if special is not None:
        return special(inner)
    if class_name == "function":
        if not isinstance(inner, str):
            raise TypeError(f"A function's config must be its name, received {config!r}")
        return resolve(
            inner,
            config.get("registered_name"),
            config.get("module"),
            custom_objects,
            module_objects,
            kind="function",
        )
    if not isinstance(inner, dict):
        raise TypeError(f"Expected 'config' to be a dict for {class_name}, received {inner!r}")
    cls = resolve(
        class_name,
        config.get("registered_name"),
        config.get("module"),
        custom_objects,
        module_objects,
        kind="class",
    )
    if not inspect.isclass(cls):
        return cls
    return instantiate(cls, config, custom_objects)


def instantiate(cls, config: dict, custom_objects: dict):
    """`cls.from_config(config["config"])` inside a scope that shows `custom_objects` to nested
    deserializations, then the build and compile steps the config records."""
    if not hasattr(cls, "from_config"):
        raise TypeError(
            f"Unable to reconstruct an instance of {cls.__name__!r}: the class has no "
            "from_config() method"
        )
    inner = keras_compat.drop_keras_only_arguments(
        cls, config["config"] if config["config"] is not None else {}
    )
    with object_registration.CustomObjectScope(custom_objects):
        try:
            instance = cls.from_config(inner)
        except DeserializationError:
            raise
        except TypeError as error:
            raise DeserializationError(
                f"{cls.__name__} could not be deserialized from its config: {error}. Please "
                "ensure that get_config() returns every argument of __init__ and that "
                "objects it holds (layers, models, ...) are deserialized in from_config(). "
                f"Config: {_short(inner)}"
            ) from error
        build_config = config.get("build_config")
        if build_config and not getattr(instance, "built", True):
            instance.build_from_config(build_config)
        compile_config = config.get("compile_config")
        if compile_config and hasattr(instance, "compile_from_config"):
            instance.compile_from_config(compile_config)
    return instance


def resolve(name, registered_name, module, custom_objects, module_objects=None, kind="class"):
    """The class or function a config names; never imports anything (see module doc)."""
    if not isinstance(name, str):
        raise TypeError(f"A config names a {kind} with {name!r}, expected a string")
    keys = [registered_name, name] if kind == "class" else [name, registered_name]
    for key in keys:
        if isinstance(key, str) and key in custom_objects:
            return custom_objects[key]
    if module_objects is not None and name in module_objects:
        return module_objects[name]
    if module is None or _is_tapeflow_or_keras(module):
        found = builtin_objects.find(name, module, kind)
        if found is not None:
            return found
    where = f" (module {module!r})" if module else ""
    if module is not None and not _is_tapeflow_or_keras(module):
        where += ", which is not a keras module and is never imported"
    raise DeserializationError(
        f"Could not locate {kind} {name!r}{where}. Make sure custom classes and functions "
        "are decorated with `@keras.saving.register_keras_serializable()` or passed in "
        "`custom_objects`."
    )


def _is_tapeflow_or_keras(module: str) -> bool:
    return isinstance(module, str) and (
        module == "keras" or module.startswith(("keras.", "tapeflow.keras"))
    )


def _refuse_lambda(_config):
    raise ValueError(
        "Requested the deserialization of a Python lambda (marshalled bytecode). tapeflow "
        "never loads code from a file, whatever `safe_mode` says: rewrite the lambda as a "
        "named function and pass it in `custom_objects`."
    )


def _tagged_value(config):
    if not isinstance(config, dict) or "value" not in config:
        raise ValueError(f"A tagged array config needs a 'value', received {_short(config)}")
    return config["value"], config.get("dtype")


def _numpy_value(config):
    value, dtype = _tagged_value(config)
    return np.array(value, dtype=_safe_dtype(dtype))


def _tensor_value(config):
    import tapeflow as tf

    return tf.constant(_numpy_value(config))


def _safe_dtype(dtype):
    try:
        result = np.dtype(dtype) if dtype is not None else None
    except TypeError as error:
        raise ValueError(f"Unknown dtype in config: {dtype!r}") from error
    if result is not None and result.kind not in "biuf":
        raise ValueError(f"Only numeric and bool arrays may appear in a config, got {dtype!r}")
    return result


def _slice_value(config):
    return slice(config.get("start"), config.get("stop"), config.get("step"))


def _keras_tensor_value(config):
    raise ValueError(
        "A `__keras_tensor__` entry can only appear in the inbound nodes of a functional "
        f"model's layers, found {_short(config)}"
    )


_SPECIAL_TAGS = {
    "__lambda__": _refuse_lambda,
    "__numpy__": _numpy_value,
    "__tensor__": _tensor_value,
    "__bytes__": lambda config: _tagged_value(config)[0].encode("utf-8"),
    "__ellipsis__": lambda config: Ellipsis,
    "__slice__": _slice_value,
    "__keras_tensor__": _keras_tensor_value,
}


def _short(value, limit=300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
