"""What a layer does for saving (keras/saving walks the layers and calls these): its build
config, its own variables written to and read from a store, and the automatic config of
subclasses that do not write get_config (Keras 3's "auto config").

    layer.get_build_config()        # {"input_shape": [None, 4]}
    layer.save_own_variables(store) # store["0"] = kernel, store["1"] = bias
"""

from __future__ import annotations

import inspect

import numpy as np


class SaveableLayer:
    """The saving half of Layer (mixed into it)."""

    def get_build_config(self):
        """What `build_from_config` needs to rebuild the weights: the first input shape."""
        if not self.built or self._build_shapes is None:
            return None
        return {"input_shape": shape_lists(self._build_shapes)}

    def build_from_config(self, config) -> None:
        """Builds the layer from `get_build_config()`'s dict (a loader's first step)."""
        input_shape = config.get("input_shape") if isinstance(config, dict) else None
        if input_shape is not None:
            self._maybe_build(shape_tuples(input_shape))

    # -- variables (keras/saving gives each saveable object a store) ---------------------------
    def save_own_variables(self, store) -> None:
        """Writes this layer's own variables (not its sub-layers') to `store` under "0",
        "1", ...: trainable ones first, each group in creation order (Keras's order)."""
        for index, variable in enumerate(self._saved_variables()):
            store[str(index)] = variable.numpy()

    def load_own_variables(self, store) -> None:
        """Assigns the arrays saved by save_own_variables, checking their count and shapes."""
        variables = self._saved_variables()
        if len(store.keys()) != len(variables):
            hint = " (it was never built)" if not self.built and not variables else ""
            raise ValueError(
                f"Layer {self.name!r} expected {len(variables)} variables{hint}, but the "
                f"file holds {len(store.keys())} for it"
            )
        values = [np.asarray(store[str(i)]) for i in range(len(variables))]
        for variable, value in zip(variables, values, strict=True):
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(
                    f"Layer {self.name!r}: variable {variable.name!r} has shape "
                    f"{tuple(variable.shape)}, but the file holds an array of shape {value.shape}"
                )
        for variable, value in zip(variables, values, strict=True):
            variable.assign(value)

    def _saved_variables(self) -> list:
        own = self._own_variables()
        return [v for v in own if v.trainable] + [v for v in own if not v.trainable]


def with_init_arguments(layer, config: dict) -> dict:
    """`config` completed with the plain __init__ arguments recorded when `layer` was made;
    base entries its __init__ does not accept are left out."""
    auto_config = layer.__dict__.get("_auto_config")
    if auto_config is None:
        raise NotImplementedError(
            f"Layer {type(layer).__name__} was created with non-serializable arguments "
            "to __init__(), so it must override get_config() to be serializable."
        )
    parameters = inspect.signature(type(layer).__init__).parameters
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        config = {key: value for key, value in config.items() if key in parameters}
    config.update(auto_config)
    return config


def plain_init_arguments(cls, args, kwargs):
    """The arguments of `cls.__init__` by name, defaults included, when all are plain
    values; else None (then get_config must be overridden to save the layer)."""
    try:
        signature = inspect.signature(cls.__init__)
        bound = signature.bind(None, *args, **kwargs)
    except (TypeError, ValueError):
        return None
    parameters = list(signature.parameters.values())
    if any(p.kind is p.POSITIONAL_ONLY or p.kind is p.VAR_POSITIONAL for p in parameters[1:]):
        return None
    bound.apply_defaults()
    values = dict(bound.arguments)
    values.pop(parameters[0].name)
    for p in parameters:
        if p.kind is p.VAR_KEYWORD:
            values.update(values.pop(p.name, {}))
    return values if _is_plain(values) else None


def _is_plain(value, depth=0) -> bool:
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if depth > 20:
        return False
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v, depth + 1) for k, v in value.items())
    return False


def shape_lists(shapes):
    """Shapes (tuples, possibly nested in lists or dicts) as JSON lists."""
    if isinstance(shapes, tuple) and all(d is None or isinstance(d, int) for d in shapes):
        return list(shapes)
    if isinstance(shapes, dict):
        return {key: shape_lists(value) for key, value in shapes.items()}
    return [shape_lists(s) for s in shapes]


def shape_tuples(shapes):
    """The inverse of shape_lists: a list of ints/None is one shape."""
    if isinstance(shapes, (list, tuple)) and all(
        d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in shapes
    ):
        return tuple(shapes)
    if isinstance(shapes, dict):
        return {key: shape_tuples(value) for key, value in shapes.items()}
    if isinstance(shapes, (list, tuple)):
        return [shape_tuples(s) for s in shapes]
    raise ValueError(f"build_from_config: cannot read an input shape from {shapes!r}")
