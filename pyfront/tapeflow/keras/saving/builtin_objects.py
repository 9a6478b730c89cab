"""tapeflow's built-in modelling objects, by the names Keras configs give them.

    find("Dense", "keras.layers", "class")                        -> layers.Dense
    find("Adam", "keras.src.backend.torch.optimizers.torch_adam", "class")  -> optimizers.Adam
    public_names()[layers.Dense]                                  -> ("keras.layers", "Dense")

These tables are the only objects a config may name without custom_objects: layers, models,
optimizers and their schedules, losses, metrics, initializers, regularizers, constraints and
activations; nothing else (no load_model, no get_file, no module import).
"""

from __future__ import annotations

import inspect


def find(name, module, kind):
    """A built-in modelling object: looked up in the namespace that the module path names
    (`keras.losses`, `keras.src.losses.losses` -> losses); a module naming none of them (or
    no module) is searched everywhere, and the name must then be unambiguous."""
    namespaces = _namespaces()
    parts = (module or "").replace("tapeflow.keras", "keras").split(".")
    for key in _NAMESPACE_ORDER:
        if key in parts:
            return namespaces[key][kind].get(name)
    if parts == ["keras"]:
        return namespaces["models"][kind].get(name)
    found = {id(obj): obj for table in namespaces.values() if (obj := table[kind].get(name))}
    return next(iter(found.values())) if len(found) == 1 else None


# Most specific first: "keras.optimizers.schedules" names schedules, not optimizers.
_NAMESPACE_ORDER = (
    "schedules",
    "layers",
    "optimizers",
    "losses",
    "metrics",
    "initializers",
    "regularizers",
    "constraints",
    "activations",
    "models",
)
# The Keras module that configs name for each namespace.
_KERAS_MODULES = {"schedules": "keras.optimizers.schedules", "models": "keras"}


def _namespaces() -> dict:
    """namespace -> {"class": {name: class}, "function": {name: function}}: tapeflow's
    built-in modelling objects, the only ones a config may name without custom_objects."""
    cached = _cache.get("namespaces")
    if cached is not None:
        return cached
    from tapeflow.keras import (
        activations,
        constraints,
        initializers,
        layers,
        losses,
        metrics,
        models,
        optimizers,
        regularizers,
    )
    from tapeflow.keras.optimizers import schedules

    layer_classes = {name: getattr(layers, name) for name in layers.__all__}
    tables = {
        "schedules": schedules._BUILTINS,
        "layers": {
            k: v
            for k, v in layer_classes.items()
            if inspect.isclass(v) and issubclass(v, layers.Layer)
        },
        "optimizers": optimizers._BUILTINS,
        "losses": losses._BUILTINS,
        "metrics": {**metrics._BUILTINS, **metrics._FUNCTION_NAMES},
        "initializers": initializers._BUILTINS,
        "regularizers": regularizers._BUILTINS,
        "constraints": constraints._BUILTINS,
        "activations": activations._BUILTINS,
        "models": {
            "Model": models.Model,
            "Sequential": models.Sequential,
            "Functional": models.Functional,
        },
    }
    cached = {}
    for key, table in tables.items():
        classes = {k: v for k, v in table.items() if inspect.isclass(v)}
        functions = {k: v for k, v in table.items() if not inspect.isclass(v) and callable(v)}
        if key == "metrics":  # snake_case class names shadow the metric functions
            classes = {k: v for k, v in metrics._BUILTINS.items() if inspect.isclass(v)}
        cached[key] = {"class": classes, "function": functions}
    _cache["namespaces"] = cached
    return cached


def public_names() -> dict:
    """object -> (Keras module, public name) of every built-in object: a class by its
    `__name__`, a function by its first (canonical) name."""
    cached = _cache.get("public")
    if cached is not None:
        return cached
    cached = {}
    for key, tables in _namespaces().items():
        module = _KERAS_MODULES.get(key, f"keras.{key}")
        for name, cls in tables["class"].items():
            if cls.__name__ == name:
                cached.setdefault(cls, (module, name))
        for name, fn in tables["function"].items():
            cached.setdefault(fn, (module, name))
    functional = _namespaces()["models"]["class"]["Functional"]
    cached[functional] = ("keras.src.models.functional", "Functional")
    _cache["public"] = cached
    return cached


_cache: dict = {}
