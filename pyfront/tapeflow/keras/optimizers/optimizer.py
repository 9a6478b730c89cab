"""The Optimizer base class (Keras 3's structure).

    optimizer = keras.optimizers.RMSprop(1e-3)
    optimizer.apply_gradients(zip(gradients, model.trainable_weights))

- `build(variables)` creates the slot variables (momentums, ...) once, on first use;
- `update_step(gradient, variable, learning_rate)` holds only the maths of one variable;
- `apply(grads, variables)` skips None gradients, unscales, clips, applies weight decay, calls
  update_step for each variable and increments `iterations` (a non-trainable int64 Variable).

`variables` lists `iterations`, the learning rate (unless it is a schedule), then the slots.
Variables met after `build` get their slots then (as Keras 2 did): the book reuses one
optimizer for a second model.
"""

from __future__ import annotations

import numbers
import re
import warnings

import tapeflow as tf
from tapeflow.keras import backend
from tapeflow.keras.optimizers import _fused, schedules


class Optimizer:
    """Base class of optimizers.

    Args:
        learning_rate: a float, a LearningRateSchedule, or a callable with no arguments.
        weight_decay: if set, every variable decays by `variable * weight_decay * lr` per step
            (decoupled, before the update).
        clipnorm / clipvalue / global_clipnorm: clip each gradient to this L2 norm / each
            element to [-clipvalue, clipvalue] / all gradients together to this global norm
            (at most one of the three).
        use_ema, ema_momentum, ema_overwrite_frequency: keep an exponential moving average of
            the variables (and copy it into them every `ema_overwrite_frequency` steps).
        loss_scale_factor: gradients are divided by it (the loss was multiplied by it).
        gradient_accumulation_steps: update every that many steps with the mean gradient.
        name: the optimizer's name.
    """

    def __init__(
        self,
        learning_rate,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        if kwargs.pop("decay", None) is not None:
            warnings.warn(
                "Argument `decay` is no longer supported and will be ignored.", stacklevel=2
            )
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be "
                f"set. Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        if gradient_accumulation_steps is not None and not gradient_accumulation_steps >= 2:
            raise ValueError(
                "`gradient_accumulation_steps` must be an integer >= 2. Received: "
                f"gradient_accumulation_steps={gradient_accumulation_steps}"
            )
        if use_ema and not 0 <= ema_momentum <= 1:
            raise ValueError(
                f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}"
            )
        self.name = name or backend.auto_name(type(self).__name__)
        self.weight_decay, self.clipnorm, self.clipvalue = weight_decay, clipnorm, clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema, self.ema_momentum = use_ema, ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._variables = []  # every optimizer variable, in creation order
        self._trainable_variables = []
        self._index = {}  # id(model variable) -> its index in _trainable_variables
        self._slot_lists = {}  # slot name -> one slot per model variable, in index order
        self._exclude_ids, self._exclude_pattern = set(), None
        self._iterations = tf.Variable(0, dtype=tf.int64, trainable=False, name="iteration")
        self._variables.append(self._iterations)
        if isinstance(learning_rate, schedules.LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            self._learning_rate = tf.Variable(
                _check_learning_rate(learning_rate),
                dtype=backend.floatx(),
                trainable=False,
                name="learning_rate",
            )
            self._variables.append(self._learning_rate)

    # -- state -------------------------------------------------------------------------------
    @property
    def iterations(self):
        """The number of update steps applied so far (an int64 Variable)."""
        if self.gradient_accumulation_steps:
            return tf.math.floordiv(
                backend.convert(self._iterations), int(self.gradient_accumulation_steps)
            )
        return self._iterations

    @property
    def variables(self) -> list:
        return list(self._variables)

    @property
    def learning_rate(self):
        """The current learning rate: the Variable, or the schedule's value at `iterations`."""
        if isinstance(self._learning_rate, schedules.LearningRateSchedule):
            return self._learning_rate(self._iterations)
        if callable(self._learning_rate) and not isinstance(self._learning_rate, tf.Variable):
            return self._learning_rate()
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        if isinstance(value, schedules.LearningRateSchedule) or (
            callable(value) and not isinstance(value, tf.Variable)
        ):
            if self._learning_rate in self._variables:
                self._variables.remove(self._learning_rate)
            self._learning_rate = value
        elif isinstance(self._learning_rate, tf.Variable):
            self._learning_rate.assign(_check_learning_rate(value))
        elif isinstance(self._learning_rate, schedules.LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as "
                "its `learning_rate` constructor argument, hence its learning rate "
                "is not settable. If you need the learning rate to be settable, you "
                "should instantiate the optimizer with a float `learning_rate` "
                "argument."
            )
        else:
            self._learning_rate = tf.Variable(
                _check_learning_rate(value),
                dtype=backend.floatx(),
                trainable=False,
                name="learning_rate",
            )
            self._variables.insert(1, self._learning_rate)

    def build(self, variables):
        """Registers `variables`; subclasses then create their slots with
        add_optimizer_variables (extending the same lists for variables met later)."""
        for variable in variables:
            if id(variable) not in self._index:
                self._index[id(variable)] = len(self._trainable_variables)
                self._trainable_variables.append(variable)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(
                variables, "average"
            )
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = self.add_optimizer_variables(
                variables, "gradient_accumulator"
            )
        self.built = True

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="mean", name=None):
        """A non-trainable optimizer Variable (tracked in `variables`)."""
        from tapeflow.keras import initializers

        dtype = tf.as_dtype(backend.standardize_dtype(dtype))
        value = initializers.get(initializer)(tuple(shape), dtype=dtype)
        variable = tf.Variable(value, dtype=dtype, trainable=False, name=name)
        self._variables.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot with the shape and dtype of `reference_variable` (zeros by default)."""
        base = getattr(reference_variable, "path", None) or str(reference_variable.name)
        name = re.sub("[/:]", "_", base) + "_" + (name or "var")
        return self.add_variable(
            reference_variable.shape,
            initializer=initializer,
            dtype=reference_variable.dtype,
            name=name,
        )

    def add_optimizer_variables(self, variables, name, initializer="zeros"):
        """One slot per variable in `variables`, appended to (and returning) the list of slots
        called `name`, which stays indexed like `_trainable_variables`.

        `name` may be a list of names: the slots are then created variable by variable
        (m0, v0, m1, v1, ...), Keras's order, which saved optimizer states follow, and a
        tuple of lists is returned.
        """
        names = [name] if isinstance(name, str) else list(name)
        slot_lists = [self._slot_lists.setdefault(n, []) for n in names]
        for variable in variables:
            for slot_name, slots in zip(names, slot_lists, strict=True):
                slots.append(self.add_variable_from_reference(variable, slot_name, initializer))
        return slot_lists[0] if isinstance(name, str) else tuple(slot_lists)

    def _get_variable_index(self, variable) -> int:
        return self._index[id(variable)]

    def _extend(self, variables):
        new = [v for v in variables if id(v) not in self._index]
        if new:
            self.built = False
            self.build(new)
            self.built = True

    # -- one step ----------------------------------------------------------------------------
    def update_step(self, gradient, variable, learning_rate):
        raise NotImplementedError(f"Optimizer {type(self).__name__} must implement update_step()")

    def apply_gradients(self, grads_and_vars):
        """Applies `(gradient, variable)` pairs (a list or a zip); returns `iterations`."""
        grads, variables = [], []
        for gradient, variable in grads_and_vars:
            grads.append(gradient)
            variables.append(variable)
        if grads:
            self.apply(grads, variables)
        return self._iterations

    def apply(self, grads, trainable_variables=None):
        """Updates `trainable_variables` (default: the ones the optimizer was built with)."""
        grads = list(grads)
        if not grads:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must "
                    "already be built on a list of variables. Call "
                    "`optimizer.build(trainable_variables)` first."
                )
            if len(grads) != len(self._trainable_variables):
                raise ValueError(
                    f"Received a list of {len(grads)} gradients, but the optimizer "
                    f"is tracking {len(self._trainable_variables)} trainable "
                    "variables."
                )
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if len(grads) != len(trainable_variables):
                raise ValueError(
                    f"Received {len(grads)} gradients for {len(trainable_variables)} variables"
                )
            if not self.built:
                self.build(trainable_variables)
                self.built = True
            else:
                self._extend(trainable_variables)
        if any(type(g) is not tf.Tensor for g in grads):  # None, a Variable, NumPy
            grads, trainable_variables = _filter_empty_gradients(grads, trainable_variables)
            grads = [backend.convert(g) for g in grads]
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]
        self._backend_apply_gradients(grads, trainable_variables)

    def _backend_apply_gradients(self, grads, variables):
        steps = self.gradient_accumulation_steps
        if steps:
            accumulators = [
                self._accumulated_gradients[self._get_variable_index(v)] for v in variables
            ]
            if (int(self._iterations) + 1) % steps != 0:
                for g, accumulator in zip(grads, accumulators, strict=True):
                    accumulator.assign_add(backend.cast(g, accumulator.dtype))
                self._iterations.assign_add(1)
                return
            grads = [
                (backend.cast(g, a.dtype) + backend.convert(a)) / steps
                for g, a in zip(grads, accumulators, strict=True)
            ]
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(variables)
        self._backend_update_step(grads, variables, self.learning_rate)
        _apply_constraints(variables)
        if steps:
            for accumulator in accumulators:
                accumulator.assign(tf.zeros(accumulator.shape, dtype=accumulator.dtype))
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            frequency = self.ema_overwrite_frequency
            if frequency and (int(self.iterations) + 1) % frequency == 0:
                self._overwrite_model_variables_with_average_value(self._trainable_variables)
        self._iterations.assign_add(1)

    def _backend_update_step(self, grads, variables, learning_rate):
        if _fused.applies(self, grads, variables):
            # The learning rate goes to C++ as a tensor (or number), read when the update
            # runs: a traced step reads the rate of each run, not the one it was traced with.
            if isinstance(learning_rate, tf.Variable):
                learning_rate = learning_rate.value()
            self._fused_update_step(grads, variables, learning_rate)
            return
        learning_rate = backend.convert(learning_rate)
        for gradient, variable in zip(grads, variables, strict=True):
            self.update_step(gradient, variable, learning_rate)

    def minimize(self, loss, var_list, tape=None):
        """One step on `loss` (a callable, or a tensor computed under `tape`)."""
        var_list = list(var_list() if callable(var_list) else var_list)
        if callable(loss):
            with tf.GradientTape() as tape:
                value = loss()
        elif tape is None:
            raise ValueError("`tape` is required when a `Tensor` loss is passed.")
        else:
            value = loss
        grads = tape.gradient(value, var_list)
        self.apply_gradients(zip(grads, var_list, strict=True))
        return self._iterations

    # -- clipping, weight decay, moving averages ---------------------------------------------
    def _clip_gradients(self, grads):
        if self.clipnorm and self.clipnorm > 0:
            return [self._clip_by_norm(g) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            v = self.clipvalue
            return [tf.clip_by_value(g, -v, v) for g in grads]
        return grads

    def _clip_by_norm(self, g):
        """g * clipnorm / max(||g||, clipnorm); a zero gradient stays zero (no NaN)."""
        norm = tf.sqrt(tf.reduce_sum(tf.square(g)))
        return g * self.clipnorm / tf.maximum(norm, self.clipnorm)

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Leaves these variables (or those whose name contains one of `var_names`) undecayed;
        call it before the optimizer is built."""
        if self.built:
            raise ValueError(
                "`exclude_from_weight_decay()` can only be configured before the "
                "optimizer is built."
            )
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _use_weight_decay(self, variable) -> bool:
        if id(variable) in self._exclude_ids:
            return False
        pattern = self._exclude_pattern
        return pattern is None or pattern.search(variable.name) is None

    def _apply_weight_decay(self, variables):
        if self.weight_decay is None:
            return
        lr = backend.convert(self.learning_rate)
        for variable in variables:
            if self._use_weight_decay(variable):
                decay = backend.cast(lr, variable.dtype) * self.weight_decay
                variable.assign_sub(backend.convert(variable) * decay)

    def _update_model_variables_moving_average(self, variables):
        momentum = self.ema_momentum if int(self.iterations) != 0 else 0.0
        for variable, average in zip(variables, self._model_variables_moving_average, strict=True):
            average.assign(
                momentum * backend.convert(average) + (1.0 - momentum) * backend.convert(variable)
            )

    def _overwrite_model_variables_with_average_value(self, variables):
        for variable, average in zip(variables, self._model_variables_moving_average, strict=True):
            variable.assign(average)

    def finalize_variable_values(self, var_list):
        """With use_ema, copies the moving averages into the model's variables (fit() calls it
        at the end of training)."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)

    # -- saving --------------------------------------------------------------------------------
    def set_weights(self, weights):
        if not self.built:
            raise ValueError(
                "You are calling `set_weights()` on an optimizer that has not yet "
                "been built. Please call `optimizer.build(trainable_variables)` "
                "to create the optimizer weights before calling `set_weights()`."
            )
        for variable, weight in zip(self._variables, weights, strict=True):
            variable.assign(weight)

    def get_weights(self) -> list:
        return [v.numpy() for v in self._variables]

    def save_own_variables(self, store):
        for i, variable in enumerate(self._variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store):
        if len(store.keys()) != len(self._variables):
            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}', because it "
                f"has {len(self._variables)} variables whereas the saved optimizer "
                f"has {len(store.keys())} variables.",
                stacklevel=2,
            )
            return
        for i, variable in enumerate(self._variables):
            variable.assign(store[str(i)])

    def get_config(self) -> dict:
        lr = self._learning_rate
        if isinstance(lr, schedules.LearningRateSchedule):
            lr = schedules.serialize(lr)
        elif isinstance(lr, tf.Variable):
            lr = float(lr.numpy())
        return {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"], custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def _check_learning_rate(value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if hasattr(value, "__tf_tensor__") or isinstance(value, tf.Tensor):
            return float(value)
        raise ValueError(
            "Argument `learning_rate` should be float, or an instance of "
            "LearningRateSchedule, or a callable (that takes in the current "
            "iteration value and returns the corresponding learning rate value). "
            f"Received instead: learning_rate={value!r}"
        )
    return float(value)


def _apply_constraints(variables) -> None:
    """Projects each variable a layer gave a constraint (e.g. kernel_constraint=max_norm)."""
    for variable in variables:
        meta = getattr(variable, "_layer_meta", None)
        if meta is not None and meta.constraint is not None:
            variable.assign(meta.constraint(variable))


def _filter_empty_gradients(grads, variables):
    kept = [(g, v) for g, v in zip(grads, variables, strict=True) if g is not None]
    if not kept:
        raise ValueError("No gradients provided for any variable.")
    if len(kept) != len(grads):
        missing = [v.name for g, v in zip(grads, variables, strict=True) if g is None]
        warnings.warn(
            f"Gradients do not exist for variables {missing} when minimizing the loss."
            " If using `model.compile()`, did you forget to provide a `loss` "
            "argument?",
            stacklevel=3,
        )
    return [g for g, _ in kept], [v for _, v in kept]


def global_norm(tensors):
    """sqrt(sum of the squared L2 norms of `tensors`), in float32."""
    total = 0.0
    for t in tensors:
        if t is not None:
            total = total + tf.reduce_sum(tf.square(backend.cast(t, tf.float32)))
    return tf.sqrt(total)


def clip_by_global_norm(tensors, clip_norm):
    """Scales all `tensors` by clip_norm / max(global_norm, clip_norm); an infinite or NaN norm
    makes every value NaN (as Keras)."""
    norm = global_norm(tensors)
    scale = clip_norm * tf.minimum(1.0 / norm, 1.0 / clip_norm) + (norm - norm)
    return [t * backend.cast(scale, t.dtype) for t in tensors]
