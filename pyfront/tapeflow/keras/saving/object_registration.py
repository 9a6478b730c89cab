"""The registry of user classes and functions that configs may name (Keras 3's contract).

    @keras.saving.register_keras_serializable(package="my_package")
    class MyDense(keras.layers.Dense): ...          # saved as registered_name "my_package>MyDense"

    with keras.saving.custom_object_scope({"MyDense": MyDense}):
        model = keras.models.load_model("m.keras")

A config can only instantiate what is registered here, given in `custom_objects`, made
visible by a `custom_object_scope`, or built into tapeflow (see serialization_lib.py).
"""

from __future__ import annotations

import inspect
import threading

_GLOBAL_CUSTOM_OBJECTS: dict = {}  # "package>name" -> class or function
_GLOBAL_CUSTOM_NAMES: dict = {}  # class or function -> "package>name"
_scope = threading.local()  # .objects: the dict of the innermost custom_object_scope


def register_keras_serializable(package="Custom", name=None):
    """A decorator that registers a class (which must have get_config) or a function under
    `"package>name"` (`name` defaults to its `__name__`), so that configs naming it load
    without `custom_objects`."""
    if not isinstance(package, str) or not package or ">" in package:
        raise ValueError(
            f"register_keras_serializable: `package` must be a non-empty string without '>', "
            f"received {package!r}"
        )

    def decorator(obj):
        object_name = name if name is not None else obj.__name__
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        registered_name = f"{package}>{object_name}"
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = registered_name
        return obj

    return decorator


def get_registered_name(obj) -> str:
    """The name `obj` is registered under, else its `__name__`."""
    return _GLOBAL_CUSTOM_NAMES.get(obj, getattr(obj, "__name__", type(obj).__name__))


def get_custom_objects() -> dict:
    """The live global dict of registered objects (scoped objects are not in it)."""
    return _GLOBAL_CUSTOM_OBJECTS


def custom_objects_in_scope() -> dict:
    """Every user object a config may name right now: the registered ones and those of the
    enclosing custom_object_scope (the scope wins on a clash)."""
    return {**_GLOBAL_CUSTOM_OBJECTS, **getattr(_scope, "objects", {})}


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object called `name` in the current custom_object_scope, the registry,
    `custom_objects` or `module_objects` (in that order), else None."""
    scoped = getattr(_scope, "objects", {})
    for table in (scoped, _GLOBAL_CUSTOM_OBJECTS, custom_objects or {}, module_objects or {}):
        if name in table:
            return table[name]
    return None


class CustomObjectScope:
    """`with CustomObjectScope({"MyLayer": MyLayer}):` makes the objects visible to every
    deserialization inside the block (nested scopes add to the outer ones)."""

    def __init__(self, custom_objects=None):
        if custom_objects is not None and not isinstance(custom_objects, dict):
            raise TypeError(
                f"custom_object_scope expects a dict of name -> object, received "
                f"{type(custom_objects).__name__}"
            )
        self.custom_objects = dict(custom_objects or {})
        self._backup = None

    def __enter__(self):
        self._backup = getattr(_scope, "objects", {})
        _scope.objects = {**self._backup, **self.custom_objects}
        return self

    def __exit__(self, *exc_info):
        _scope.objects = self._backup


custom_object_scope = CustomObjectScope
