"""Lambda: wraps a Python function as a layer.

    layers.Lambda(lambda x: x ** 2)
    layers.Lambda(tf.reduce_sum, arguments={"axis": -1}, output_shape=())

Saving a Lambda is deliberately limited: `get_config` stores the function by module and
name, never its code (a config that carries code would run arbitrary code when loaded), so
a `lambda` expression cannot be restored; `from_config` says so. Named functions are found
in `custom_objects` (or registered with `keras.saving.register_keras_serializable`); looking
one up in its module, if that module is already imported, happens only outside safe mode
(`load_model(..., safe_mode=False)`).
"""

from __future__ import annotations

import inspect
import sys

from tapeflow import nest
from tapeflow.keras.layers.layer import Layer

_LAMBDA_NAME = "<lambda>"


class Lambda(Layer):
    """`output = function(inputs, **arguments)`.

    Args:
        function: a callable taking the inputs first; it also receives `training` and `mask`
            when its signature names them.
        output_shape: the output shape without the batch axis (a tuple, or a list of tuples
            for several outputs), or a function `input_shape -> output_shape`. When None the
            shape is found by running the function once on zeros.
        mask: None, a callable `(inputs, mask) -> mask`, or a fixed mask.
        arguments: keyword arguments passed to `function`.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: `function` must be callable, received {function!r}")
        if arguments is not None and not isinstance(arguments, dict):
            raise TypeError(
                f"Lambda: `arguments` must be a dict of keyword arguments, received {arguments!r}"
            )
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self._output_shape = output_shape
        try:
            parameters = inspect.signature(function).parameters
        except (TypeError, ValueError):  # some builtins have no signature
            parameters = {}
        self._passes_training = "training" in parameters
        self._passes_mask = "mask" in parameters

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._passes_mask:
            kwargs["mask"] = mask
        if self._passes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        return self.mask(inputs, mask) if callable(self.mask) else self.mask

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            raise NotImplementedError  # the base infers it by running call on zeros
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        batch = nest.flatten(input_shape)[0] if input_shape else None
        if _is_shape(self._output_shape):
            return (batch,) + tuple(self._output_shape)
        return [(batch,) + tuple(shape) for shape in self._output_shape]

    def get_config(self) -> dict:
        config = super().get_config()
        config["function"] = _function_config(self.function)
        if self._output_shape is not None:
            config["output_shape"] = (
                _function_config(self._output_shape)
                if callable(self._output_shape)
                else _shape_config(self._output_shape)
            )
        config["arguments"] = dict(self.arguments)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        config = dict(config)
        config["function"] = _function_from_config(config["function"], custom_objects)
        output_shape = config.get("output_shape")
        if isinstance(output_shape, dict):
            config["output_shape"] = _function_from_config(output_shape, custom_objects)
        elif output_shape is not None:
            config["output_shape"] = (
                tuple(output_shape) if _is_shape(output_shape) else [tuple(s) for s in output_shape]
            )
        return cls(**config)


def _is_shape(value) -> bool:
    return all(d is None or isinstance(d, int) for d in value)


def _shape_config(shape):
    return list(shape) if _is_shape(shape) else [list(s) for s in shape]


def _function_config(fn) -> dict:
    name = getattr(fn, "__name__", None) or type(fn).__name__
    return {
        "module": getattr(fn, "__module__", None),
        "class_name": "function",
        "config": name,
        "registered_name": name,
    }


def _function_from_config(config, custom_objects):
    from tapeflow.keras.saving import object_registration, serialization_lib

    if not isinstance(config, dict):
        raise ValueError(f"Lambda.from_config: cannot read a function from {config!r}")
    name, module = config.get("config"), config.get("module")
    if name == _LAMBDA_NAME or config.get("class_name") == "__lambda__":
        raise ValueError(
            "Lambda.from_config: the layer wrapped a Python `lambda`, whose code "
            "is not saved (loading code from a config could run anything). "
            "Use a named function and pass it in `custom_objects`, or write a "
            "Layer subclass."
        )
    trusted = {**object_registration.custom_objects_in_scope(), **(custom_objects or {})}
    for key in (config.get("registered_name"), name):
        if isinstance(key, str) and key in trusted:
            return trusted[key]
    if serialization_lib.in_safe_mode():
        raise ValueError(
            f"Lambda.from_config: refusing to look up the function {name!r} of module "
            f"{module!r} named by the file: Lambda layers are loaded only with "
            "`safe_mode=False` (pass it to load_model if you trust the file), or with the "
            f"function given in `custom_objects={{{name!r}: ...}}`"
        )
    found = getattr(sys.modules.get(module), name, None) if module and name else None
    if callable(found):
        return found
    raise ValueError(
        f"Lambda.from_config: cannot find the function {name!r} (module "
        f"{module!r}); pass it in `custom_objects={{{name!r}: ...}}`"
    )
