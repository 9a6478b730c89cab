"""The Layer base class: configuration in ``__init__``, weights created lazily in ``build``,
the maths in ``call``.

    class SimpleDense(keras.layers.Layer):          # the book's section 3.6.1
        def __init__(self, units, activation=None):
            super().__init__()
            self.units, self.activation = units, activation

        def build(self, input_shape):                # input_shape: (batch, features)
            self.W = self.add_weight(shape=(input_shape[-1], self.units),
                                     initializer="random_normal")
            self.b = self.add_weight(shape=(self.units,), initializer="zeros")

        def call(self, inputs):
            y = tf.matmul(inputs, self.W) + self.b
            return self.activation(y) if self.activation is not None else y

`__call__` (call_context.py) converts and casts the inputs, builds the layer on the first
call, checks the inputs against `input_spec`, resolves the `training` flag and collects
activity-regularisation losses. Called on symbolic `KerasTensor`s (from `keras.Input`), it
records a graph node instead and returns symbolic outputs: that is how Functional models are
built.

Sub-layers and Variables held as attributes (directly or in lists, tuples and dicts) are
tracked: their weights and losses belong to this layer.
"""

from __future__ import annotations

import numpy as np

import tapeflow as tf
from tapeflow import nest
from tapeflow.keras import backend, initializers, regularizers
from tapeflow.keras.layers import saveable, symbolic
from tapeflow.keras.layers.call_context import LayerCalling
from tapeflow.keras.layers.input_spec import InputSpec

# Bumped by every attribute assignment or deletion on any layer: a cached weight listing is
# valid while it is unchanged and no tracked list or dict in the layer's tree changed length.
_attribute_version = [0]
# Set once any layer has called add_loss; until then there are no call losses to clear.
_losses_added = [False]


class Layer(LayerCalling, saveable.SaveableLayer):
    """Base class of all layers (and of `keras.Model`).

    Args:
        trainable: whether the layer's weights are updated by training.
        name: a unique name; defaults to the snake_case class name made unique
            (`dense`, `dense_1`, ...).
        dtype: the dtype of the weights and of the computation (`floatx()`, 'float32').
        activity_regularizer: a regularizer applied to the outputs, its penalty added to
            `losses`.
        input_shape / input_dim / batch_input_shape / batch_size: the shape of the expected
            inputs, for the first layer of a Sequential model (prefer `keras.Input`).
    """

    _NOT_TRACKED = frozenset(
        {
            "_inbound_nodes",
            "_outbound_nodes",
            "_tracked_cache",
            "_losses",
            "_own_weights",
            "_build_shapes",
            "_auto_config",
            "_checked_input",
            "_epoch_trainable_weights",
            "_trainable_weights_cache",
            "_loss_sources_cache",
            "_layer_chain_cache",  # Functional's
            "_checked_chain_input",  # Functional's
        }
    )

    def __new__(cls, *args, **kwargs):
        instance = super().__new__(cls)
        instance.__dict__["_auto_config"] = saveable.plain_init_arguments(cls, args, kwargs)
        return instance

    def __init__(
        self,
        *,
        trainable=True,
        name=None,
        dtype=None,
        activity_regularizer=None,
        autocast=True,
        input_shape=None,
        input_dim=None,
        batch_input_shape=None,
        batch_size=None,
        **kwargs,
    ):
        if kwargs:
            raise TypeError(
                f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}"
            )
        self._init_base_state(name)
        if name is not None and (not isinstance(name, str) or not name):
            raise ValueError(
                f"{type(self).__name__}: `name` must be a non-empty string, received {name!r}"
            )
        self._dtype = backend.standardize_dtype(
            dtype.get("config", {}).get("name") if isinstance(dtype, dict) else dtype
        )
        self._trainable = bool(trainable)
        self._autocast = autocast
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._batch_input_shape = _batch_shape(
            input_shape, input_dim, batch_input_shape, batch_size
        )

    def _init_base_state(self, name=None):
        # Set directly: __setattr__ tracks attributes and needs this state to exist.
        state = self.__dict__
        state["_layer_base_ready"] = True
        state["name"] = name or state.get("name") or backend.auto_name(type(self).__name__)
        state.setdefault("_dtype", backend.floatx())
        state.setdefault("_trainable", True)
        state.setdefault("_autocast", True)
        state.setdefault("activity_regularizer", None)
        state.setdefault("_batch_input_shape", None)
        state["built"] = False
        state["input_spec"] = None
        state["_own_weights"] = []
        state["_losses"] = []
        state["_inbound_nodes"] = []
        state["_outbound_nodes"] = []
        state["_build_shapes"] = None

    def _ensure_base_state(self):
        # The book's listings sometimes forget super().__init__() (errata X18): initialise
        # the base state lazily instead of failing, so they run unchanged.
        if "_layer_base_ready" not in self.__dict__:
            self._init_base_state()

    def __setattr__(self, name, value):
        if "_layer_base_ready" not in self.__dict__ and not name.startswith("__"):
            self._init_base_state()
        self.__dict__.pop("_tracked_cache", None)
        _attribute_version[0] += 1
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        self.__dict__.pop("_tracked_cache", None)
        _attribute_version[0] += 1
        object.__delattr__(self, name)

    def __getattr__(self, name):
        # Only reached when normal lookup fails: a subclass that skipped super().__init__()
        # and reads base state before assigning anything.
        if name.startswith("__") or "_layer_base_ready" in self.__dict__:
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")
        self._init_base_state()
        return getattr(self, name)

    # -- configuration -----------------------------------------------------------------------
    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        # Freezing a layer freezes everything inside it (Keras semantics).
        self._trainable = bool(value)
        for layer in self._sublayers():
            layer.trainable = value

    def get_config(self) -> dict:
        """The arguments that recreate this layer with `from_config` (weights excluded).

        A subclass that does not override get_config gets, as in Keras 3, the arguments its
        `__init__` was called with, when they are all plain values (numbers, strings, None
        and lists or dicts of them); base entries its `__init__` does not accept are left out.
        """
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = list(self._batch_input_shape)
        if type(self).get_config is not Layer.get_config or type(self).__init__ is Layer.__init__:
            return config
        return saveable.with_init_arguments(self, config)

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    # -- weights -----------------------------------------------------------------------------
    def add_weight(
        self,
        shape=None,
        initializer=None,
        dtype=None,
        trainable=True,
        regularizer=None,
        constraint=None,
        name=None,
        **kwargs,
    ):
        """Creates a Variable owned by this layer and returns it.

        Args:
            shape: the weight's shape (a scalar when None).
            initializer: an initializer, its name ('glorot_uniform', 'zeros', ...) or a
                callable `(shape, dtype) -> value`; glorot_uniform for floats, zeros otherwise.
            dtype: the weight's dtype, the layer's dtype by default.
            trainable: whether training updates it (non-trainable: e.g. moving statistics).
            regularizer: a regularizer whose penalty on this weight is added to `losses`.
            constraint: a callable applied to the weight after each optimizer update.
            name: the weight's name; the Variable is named `<layer>/<name>:0`.
        """
        self._ensure_base_state()
        for ignored in (
            "aggregation",
            "autocast",
            "synchronization",
            "use_resource",
            "experimental_autocast",
            "partitioner",
            "getter",
        ):
            kwargs.pop(ignored, None)
        if kwargs:
            raise TypeError(f"add_weight() got unexpected keyword arguments: {sorted(kwargs)}")
        shape = () if shape is None else tuple(int(d) for d in shape)
        dtype = backend.standardize_dtype(dtype or self._dtype)
        if initializer is None:
            initializer = "glorot_uniform" if backend.is_float_dtype(dtype) else "zeros"
        init = initializers.get(initializer)
        value = init(shape, dtype=tf.as_dtype(dtype))
        weight_name = name or "variable"
        variable = tf.Variable(
            value, trainable=trainable, dtype=dtype, name=f"{self.name}/{weight_name}"
        )
        variable._layer_meta = _WeightMeta(weight_name, regularizers.get(regularizer), constraint)
        self._own_weights.append(variable)
        return variable

    def add_variable(self, shape, initializer, dtype=None, trainable=True, name=None, **kwargs):
        """Keras 3's lower-level spelling of add_weight (shape and initializer first)."""
        return self.add_weight(
            shape=shape,
            initializer=initializer,
            dtype=dtype,
            trainable=trainable,
            name=name,
            **kwargs,
        )

    def _tracked(self):
        """Sub-layers and Variables held in attributes, in assignment order.

        Cached (training reads it several times per step); the cache is dropped when an
        attribute is set or deleted, or when a tracked list or dict changes length.
        NOTE: replacing an item of a tracked list in place (same length) is not noticed.
        """
        cache = self.__dict__.get("_tracked_cache")
        if cache is not None and all(len(c) == n for c, n in cache[1]):
            return cache[0]
        found, seen, containers = [], set(), []

        def visit(value):
            if isinstance(value, (Layer, tf.Variable)):
                if id(value) not in seen and value is not self:
                    seen.add(id(value))
                    found.append(value)
            elif isinstance(value, (list, tuple, dict)):
                containers.append((value, len(value)))
                for item in value.values() if isinstance(value, dict) else value:
                    visit(item)

        for key, value in self.__dict__.items():
            if key not in self._NOT_TRACKED:
                visit(value)
        self.__dict__["_tracked_cache"] = (found, containers)
        return found

    def _sublayers(self) -> list:
        return [item for item in self._tracked() if isinstance(item, Layer)]

    def _own_variables(self) -> list:
        own = list(self._own_weights)
        ids = {id(v) for v in own}
        own.extend(v for v in self._tracked() if isinstance(v, tf.Variable) and id(v) not in ids)
        return own

    def _collect(self, select) -> list:
        result, seen = [], set()
        for variable in select(self):
            if id(variable) not in seen:
                seen.add(id(variable))
                result.append(variable)
        return result

    @property
    def trainable_weights(self) -> list:
        # Cached: custom training loops read it twice per step.
        cache = self.__dict__.get("_trainable_weights_cache")
        if (
            cache is not None
            and cache[0] == _attribute_version[0]
            and all(len(c) == n for c, n in cache[2])
        ):
            return list(cache[1])
        if not self.trainable:
            found = []
        else:

            def select(layer):
                yield from (v for v in layer._own_variables() if v.trainable)
                for sub in layer._sublayers():
                    yield from sub.trainable_weights

            found = self._collect(select)
        self.__dict__["_trainable_weights_cache"] = (
            _attribute_version[0],
            found,
            self._tree_containers(),
        )
        return list(found)

    def _tree_containers(self) -> list:
        """(container, length) for each list or dict a weight listing of this layer reads."""
        self._tracked()  # makes sure _tracked_cache is current
        found = [(self._own_weights, len(self._own_weights)), *self._tracked_cache[1]]
        for sub in self._sublayers():
            found.extend(sub._tree_containers())
        return found

    @property
    def non_trainable_weights(self) -> list:
        if not self.trainable:
            return self.weights

        def select(layer):
            yield from (v for v in layer._own_variables() if not v.trainable)
            for sub in layer._sublayers():
                yield from sub.non_trainable_weights

        return self._collect(select)

    @property
    def weights(self) -> list:
        """Every weight: this layer's own (trainable first), then each sub-layer's."""

        def select(layer):
            own = layer._own_variables()
            yield from (v for v in own if v.trainable)
            yield from (v for v in own if not v.trainable)
            for sub in layer._sublayers():
                yield from sub.weights

        return self._collect(select)

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def get_weights(self) -> list:
        """The weights' values as NumPy arrays, in `weights` order."""
        return [np.array(v.numpy()) for v in self.weights]

    def set_weights(self, weights) -> None:
        """Assigns NumPy arrays to the weights, in `weights` order; shapes must match."""
        targets = self.weights
        if len(weights) != len(targets):
            raise ValueError(
                f"Layer {self.name!r} expected {len(targets)} weights, but "
                f"received {len(weights)} arrays"
            )
        for variable, value in zip(targets, weights, strict=True):
            value = np.asarray(value)
            if tuple(value.shape) != tuple(variable.shape):
                raise ValueError(
                    f"Layer {self.name!r} weight {variable.name} has shape "
                    f"{tuple(variable.shape)}, but received an array of shape "
                    f"{value.shape}"
                )
            variable.assign(value.astype(variable.dtype.as_numpy_dtype, copy=False))

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but "
                "the layer isn't built. You can build it manually via: "
                f"`{self.name}.build(batch_input_shape)`."
            )
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    # -- losses ------------------------------------------------------------------------------
    def add_loss(self, loss) -> None:
        """Adds a scalar tensor (e.g. an activity penalty) to `losses` for this call."""
        self._ensure_base_state()
        self._losses.append(loss)
        _losses_added[0] = True

    @property
    def losses(self) -> list:
        """Losses added during the last call, plus the weight-regularisation penalties
        (computed now, so a GradientTape active at this point records them)."""
        result = []
        for layer, regularized in self._loss_sources():
            result.extend(layer._losses)
            result.extend(regularizer(variable) for variable, regularizer in regularized)
        return result

    def _loss_sources(self) -> list:
        """[(layer, [(variable, regularizer)])] for this layer and every sublayer, depth first:
        where `losses` finds call losses and penalties. Cached like trainable_weights (fit
        reads `losses` at every step)."""
        cache = self.__dict__.get("_loss_sources_cache")
        if (
            cache is not None
            and cache[0] == _attribute_version[0]
            and all(len(c) == n for c, n in cache[2])
        ):
            return cache[1]
        regularized = []
        for variable in self._own_variables():
            meta = variable._layer_meta
            if meta is not None and meta.regularizer is not None:
                regularized.append((variable, meta.regularizer))
        sources = [(self, regularized)]
        for sub in self._sublayers():
            sources.extend(sub._loss_sources())
        self.__dict__["_loss_sources_cache"] = (
            _attribute_version[0],
            sources,
            self._tree_containers(),
        )
        return sources

    def _clear_losses(self) -> None:
        if not _losses_added[0]:  # no layer ever called add_loss: nothing to walk
            return
        self._losses.clear()
        for sub in self._sublayers():
            sub._clear_losses()

    # -- building ----------------------------------------------------------------------------
    def build(self, input_shape) -> None:
        """Creates the weights, given the shape of the first inputs (batch axis first)."""
        self.built = True

    def _maybe_build(self, shapes) -> None:
        if self.built:
            return
        self._build_shapes = shapes
        self.build(shapes)
        self.built = True

    def compute_output_shape(self, input_shape):
        """The output shape for `input_shape`; subclasses override it when it is cheap to
        state. The default infers it by running `call` on zeros (see symbolic.py)."""
        raise NotImplementedError

    def compute_output_spec(self, *args, **kwargs):
        return symbolic.infer_output_spec(self, args, kwargs)

    # -- calling -----------------------------------------------------------------------------
    def call(self, inputs, *args, **kwargs):
        raise NotImplementedError(f"Layer {type(self).__name__} does not implement call()")

    # -- the functional graph ----------------------------------------------------------------
    def _single_node(self, what: str):
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer {self.name!r} has never been called and thus has no defined {what}."
            )
        if len(self._inbound_nodes) > 1:
            raise AttributeError(
                f"Layer {self.name!r} has multiple inbound nodes, hence the "
                f"notion of 'layer {what}' is ill-defined."
            )
        return self._inbound_nodes[0]

    @property
    def input(self):
        """The symbolic input(s) of the layer's single call in a functional graph."""
        return self._single_node("input").input_structure

    @property
    def output(self):
        """The symbolic output(s) of the layer's single call in a functional graph."""
        return self._single_node("output").outputs

    @property
    def input_shape(self):
        return nest.map_structure(lambda t: t.shape, self.input)

    @property
    def output_shape(self):
        if not self._inbound_nodes:
            raise AttributeError(
                f"The layer {self.name!r} has never been called and thus has "
                "no defined output shape."
            )
        return nest.map_structure(lambda t: t.shape, self.output)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


class _WeightMeta:
    """What a layer knows about one of its weights."""

    __slots__ = ("short_name", "regularizer", "constraint")

    def __init__(self, short_name, regularizer, constraint):
        self.short_name = short_name
        self.regularizer = regularizer
        self.constraint = constraint


def _batch_shape(input_shape, input_dim, batch_input_shape, batch_size):
    if batch_input_shape is not None:
        return tuple(batch_input_shape)
    if input_shape is not None:
        return (batch_size,) + tuple(input_shape)
    if input_dim is not None:
        return (batch_size, int(input_dim))
    return None


__all__ = ["Layer", "InputSpec"]
