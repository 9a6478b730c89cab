"""`keras.Model`: a Layer that can be trained (compile/fit/evaluate/predict, from Trainer).

Three ways to make one:
    keras.Sequential([layers.Dense(512, activation="relu"), layers.Dense(10)])   # a stack
    keras.Model(inputs, outputs)                                                   # a graph
    class MyModel(keras.Model):                                                    # subclass
        def __init__(self): super().__init__(); self.dense = layers.Dense(10)
        def call(self, inputs): return self.dense(inputs)

`keras.Model(inputs, outputs)` returns a Functional model; a subclass of Model constructed
with inputs and outputs (and no `__init__` of its own, like the book's CustomModel with a
custom train_step) becomes a Functional model that keeps the subclass's methods.
"""

from __future__ import annotations

import numpy as np

from tapeflow import nest
from tapeflow.keras.layers.layer import Layer
from tapeflow.keras.layers.symbolic import KerasTensor
from tapeflow.keras.trainers.trainer import Trainer

_functional_subclasses: dict = {}


def _is_functional_call(args, kwargs) -> bool:
    inputs = kwargs.get("inputs", args[0] if args else None)
    outputs = kwargs.get("outputs", args[1] if len(args) > 1 else None)
    # Outputs that are symbolic mean a functional model (whose __init__ checks the inputs).
    return (inputs is not None and outputs is not None
            and any(isinstance(t, KerasTensor) for t in nest.flatten(outputs)))


class Model(Trainer, Layer):
    """A trainable, callable graph of layers (see the module docstring)."""

    def __new__(cls, *args, **kwargs):
        if _is_functional_call(args, kwargs):
            from tapeflow.keras.models.functional import Functional

            if cls is Model:
                cls = Functional
            elif not issubclass(cls, Functional):
                cls = _functional_subclasses.setdefault(
                    cls, type(cls.__name__, (cls, Functional), {"__module__": cls.__module__}))
        return Layer.__new__(cls, *args, **kwargs)

    def __init__(self, *args, name=None, trainable=True, dtype=None, **kwargs):
        if args:
            raise TypeError(f"{type(self).__name__}.__init__() takes keyword arguments only "
                            f"(name, trainable, dtype), received positional {args!r}")
        Layer.__init__(self, name=name, trainable=trainable, dtype=dtype, **kwargs)
        Trainer.__init__(self)

    def _init_base_state(self, name=None):
        Layer._init_base_state(self, name)
        if "_compiled" not in self.__dict__:
            Trainer.__init__(self)

    # -- structure ---------------------------------------------------------------------------
    @property
    def layers(self) -> list:
        return self._sublayers()

    def get_layer(self, name=None, index=None):
        """The layer called `name`, or at position `index` of `layers`."""
        if index is not None and name is not None:
            raise ValueError("get_layer: provide `name` or `index`, not both")
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"Was asked to retrieve layer at index {index} but model "
                                 f"only has {len(self.layers)} layers.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: "
                         f"{[layer.name for layer in self.layers]}.")

    def build(self, input_shape=None) -> None:
        """Builds a subclassed model by calling it once on zeros of `input_shape` (None for
        the batch size becomes 1)."""
        if input_shape is None:
            raise ValueError(f"Model {self.name!r}: build() needs an input_shape, e.g. "
                             "model.build((None, 784))")
        if type(self).call is Model.call:
            self.built = True
            return
        probe = _zeros_for(input_shape)
        self.built = True  # call() below must not come back here
        self(probe, training=False)

    def call(self, inputs, training=None):
        raise NotImplementedError(f"Model {type(self).__name__} must implement call() (or "
                                  "be created with inputs and outputs)")

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None) -> None:
        """Prints the table of layers, output shapes and parameter counts."""
        from tapeflow.keras.models import summary

        summary.print_summary(self, line_length=line_length, print_fn=print_fn,
                              show_trainable=show_trainable)

    # -- saving (keras/saving) ------------------------------------------------------------------
    def save(self, filepath, overwrite=True, zipped=None, **kwargs) -> None:
        """Saves the architecture, weights and compile/optimizer state as a `.keras` zip."""
        from tapeflow.keras.saving import saving_api

        saving_api.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath, overwrite=True, max_shard_size=None) -> None:
        """Saves the weights (and optimizer state) to a `.weights.h5` file."""
        from tapeflow.keras.saving import saving_api

        saving_api.save_weights(self, filepath, overwrite=overwrite,
                                max_shard_size=max_shard_size)

    def load_weights(self, filepath, skip_mismatch=False, **kwargs) -> None:
        """Loads weights saved by save_weights (`.weights.h5`) or save (`.keras`)."""
        from tapeflow.keras.saving import saving_api

        saving_api.load_weights(self, filepath, skip_mismatch=skip_mismatch, **kwargs)

    def to_json(self, **kwargs) -> str:
        """The model's config (architecture only) as a JSON string."""
        import json

        from tapeflow.keras.saving import serialization_lib

        return json.dumps(serialization_lib.serialize_keras_object(self), **kwargs)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A model from get_config(): a functional graph when the config is one and `cls`
        can be built from inputs and outputs, else `cls(**config)`."""
        from tapeflow.keras.saving import functional_config

        if functional_config.is_functional_config(config):
            return functional_config.functional_from_config(cls, config, custom_objects)
        try:
            return cls(**config)
        except TypeError as error:
            raise TypeError(
                f"Unable to revive model {cls.__name__} from config: get_config() must return "
                "every argument of __init__ (or override from_config). Received "
                f"config={config}. Error: {error}"
            ) from error

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _zeros_for(input_shape):
    import tapeflow as tf

    def zeros(shape):
        return tf.zeros([1 if d is None else int(d) for d in shape])

    if isinstance(input_shape, dict):
        return {k: zeros(v) for k, v in input_shape.items()}
    if isinstance(input_shape, (list, tuple)) and input_shape and all(
            isinstance(s, (list, tuple)) for s in input_shape):
        return [zeros(s) for s in input_shape]
    return zeros(input_shape)


__all__ = ["Model", "np"]
