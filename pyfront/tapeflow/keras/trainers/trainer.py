"""The training engine of `keras.Model`: compile, fit, evaluate, predict, and the overridable
steps they are made of.

    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=5, batch_size=128, validation_split=0.2)

`fit` is a plain loop: epochs × batches, each batch handed to `train_step(data)` (a tape, the
loss, the gradients, one optimizer update, the metrics), callbacks called around each, the
validation pass at each epoch's end. Logs carry `loss` first, then the per-output losses and
the metrics in compile order, each the running mean over the epoch so far; validation
entries are prefixed `val_`. Override `train_step`, `test_step` or `predict_step` to change a
step and keep the rest (section 7.4.5 of the book).
"""

from __future__ import annotations

import warnings

import numpy as np

import tapeflow as tf
from tapeflow import nest
from tapeflow.keras import metrics as metrics_module
from tapeflow.keras import optimizers
from tapeflow.keras.trainers import data_adapter
from tapeflow.keras.trainers.compile_utils import CompileLoss, CompileMetrics
from tapeflow.keras.trainers.data_adapter import unpack_x_y_sample_weight


class Trainer:
    def __init__(self):
        state = self.__dict__
        state["_compiled"] = False
        state["optimizer"] = None
        state["loss"] = None
        state["_compile_loss"] = None
        state["_compile_metrics"] = None
        state["_loss_tracker"] = None
        state["_output_loss_trackers"] = []
        state["stop_training"] = False
        state["history"] = None
        state["_compile_config"] = None  # compile()'s arguments, for saving
        state["_step_functions"] = {}  # (kind, deferred) -> the traced step, per compile

    # -- compile -----------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Configures training: the optimizer, the loss(es) and the metrics to report.

        `loss` and `metrics` may be one entry, a list (one per output) or a dict keyed by
        output name; see compile_utils.py for how names and "accuracy" are resolved.
        """
        self.optimizer = optimizers.get(optimizer)
        names = self._output_names()
        self.loss = loss
        self._compile_loss = CompileLoss(loss, loss_weights, names) if loss is not None \
            else None
        self._compile_metrics = CompileMetrics(metrics, weighted_metrics, names)
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._output_loss_trackers = []
        self.run_eagerly = run_eagerly
        self.__dict__["_step_functions"] = {}
        self._compile_config = {
            "optimizer": self.optimizer, "loss": loss, "loss_weights": loss_weights,
            "metrics": metrics, "weighted_metrics": weighted_metrics, "run_eagerly": run_eagerly,
            "steps_per_execution": steps_per_execution, "jit_compile": jit_compile,
        }
        self._compiled = True

    def get_compile_config(self):
        """compile()'s arguments in serialized form (None before compile)."""
        if not self._compiled or self._compile_config is None:
            return None
        from tapeflow.keras.saving import serialization_lib

        return serialization_lib.serialize_dict(self._compile_config)

    def compile_from_config(self, config) -> None:
        """compile() with the arguments get_compile_config() saved; a built model's
        optimizer is built too, so that its saved state can be loaded into it."""
        if type(self).compile is not Trainer.compile:
            warnings.warn(
                "`compile()` was not called as part of model loading because the model's "
                "`compile()` method is custom. Subclassed models that override `compile()` "
                "should also override `get_compile_config()` and `compile_from_config(config)`"
                ", or call `compile()` after loading.", stacklevel=2)
            return
        from tapeflow.keras.saving import serialization_lib

        config = serialization_lib.deserialize_keras_object(config)
        if not isinstance(config, dict):
            raise ValueError(f"A compile config must be a dict, received {config!r}")
        self.compile(**config)
        if self.built and self.optimizer is not None:
            self.optimizer.build(self.trainable_variables)

    def _output_names(self):
        names = getattr(self, "output_names", None)
        return list(names) if names else None

    @property
    def compiled_loss(self):
        """Keras 2's `self.compiled_loss(y, y_pred)`: the compiled loss plus the model's
        regularisation losses, also recorded in the `loss` metric."""
        return _CompiledLossCall(self)

    @property
    def compiled_metrics(self):
        return self._compile_metrics

    @property
    def metrics(self) -> list:
        """The metrics `fit` resets each epoch: `loss`, per-output losses, compiled ones."""
        if not self._compiled:
            return []
        return [self._loss_tracker, *self._output_loss_trackers,
                *self._compile_metrics.metrics]

    @property
    def metrics_names(self) -> list:
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        for metric in self.metrics:
            metric.reset_state()

    def _assert_compiled(self, what: str) -> None:
        if not self._compiled:
            raise RuntimeError(f"You must call `compile()` before using the model in {what}.")

    # -- the steps ---------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss plus the regularisation losses (`self.losses`)."""
        total = None
        if self._compile_loss is not None and y is not None:
            parts = self._compile_loss.per_output(y, y_pred, sample_weight)
            if len(parts) > 1:
                self._track_output_losses(parts, y_pred)
            for _, value in parts:
                total = value if total is None else total + value
        for extra in self.losses:
            total = extra if total is None else total + tf.cast(extra, total.dtype)
        if total is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        return total

    def _track_output_losses(self, parts, y_pred) -> None:
        if not self._output_loss_trackers:
            self._output_loss_trackers = [metrics_module.Mean(name=f"{name}_loss")
                                          for name, _ in parts]
        size = _batch_size(y_pred)
        for tracker, (_, value) in zip(self._output_loss_trackers, parts, strict=True):
            tracker.update_state(value, sample_weight=size)

    def compute_metrics(self, x, y, y_pred, sample_weight=None) -> dict:
        """Updates the compiled metrics with a batch; returns every metric's result."""
        self._update_compiled_metrics(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def _update_compiled_metrics(self, y, y_pred, sample_weight) -> None:
        if y is not None and self._compile_metrics is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)

    def get_metrics_result(self) -> dict:
        logs = {}
        for metric in self.metrics:
            value = metric.result()
            if isinstance(value, dict):
                logs.update(value)
            else:
                logs[metric.name] = value
        return logs

    def train_step(self, data) -> dict:
        """One update on a batch: forward under a tape, loss, gradients, optimizer step."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self._train_update(x, y, sample_weight)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def _train_update(self, x, y, sample_weight):
        """train_step's update and loss tracking, without the metrics; returns y_pred."""
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(y_pred))
        variables = self.__dict__.get("_epoch_trainable_weights") or self.trainable_weights
        gradients = tape.gradient(loss, variables)
        self.optimizer.apply_gradients(zip(gradients, variables, strict=True))
        return y_pred

    def _reads_default_logs(self, step: str) -> bool:
        """Whether the logs of `step` ("train_step" or "test_step") are the metrics' results,
        read by the default methods."""
        cls = type(self)
        return (getattr(cls, step) is getattr(Trainer, step)
                and cls.compute_metrics is Trainer.compute_metrics
                and cls.get_metrics_result is Trainer.get_metrics_result)

    def test_step(self, data) -> dict:
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self._test_update(x, y, sample_weight)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def _test_update(self, x, y, sample_weight):
        """test_step's forward pass and loss tracking, without the metrics; returns y_pred."""
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(y_pred))
        return y_pred

    def predict_step(self, data):
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # -- the loops ---------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Trains for `epochs` passes over the data; returns the History."""
        self._assert_compiled("fit")
        data = data_adapter.make_data(x, y, sample_weight, batch_size, shuffle,
                                      steps_per_epoch, class_weight)
        val_data = None
        if validation_data is not None:
            vx, vy, vsw = unpack_x_y_sample_weight(validation_data) if isinstance(
                validation_data, (tuple, list)) else (validation_data, None, None)
            val_data = data_adapter.make_data(vx, vy, vsw, validation_batch_size or batch_size,
                                              steps=validation_steps)
        elif validation_split:
            if not isinstance(data, data_adapter.ArrayData):
                raise ValueError("`validation_split` is only supported for NumPy arrays and "
                                 "tensors, not for generators")
            data, val_data = data.split(validation_split)
        callback_list = _callbacks(callbacks, self, verbose, epochs, data.steps, True)
        self.stop_training = False
        callback_list.on_train_begin()
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callback_list.on_epoch_begin(epoch)
            # Listed once per epoch, not at every step (a compiled Keras step also sees the
            # list of its first call; a callback may still unfreeze layers between epochs).
            self.__dict__["_epoch_trainable_weights"] = self.trainable_weights
            try:
                epoch_logs = self._run_batches(data, callback_list, training=True)
            finally:
                self.__dict__.pop("_epoch_trainable_weights", None)
            if val_data is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_data(val_data, callback_list, 0)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            callback_list.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        callback_list.on_train_end(epoch_logs)
        return self.history

    def _run_batches(self, data, callback_list, training: bool) -> dict:
        """One pass of train_step (or test_step) over `data` with the batch hooks; returns the
        last logs as Python values. Per-batch logs are made (every metric's result read, then
        turned into floats) only when a callback reads them, as Keras 3 does; else once, at
        the end."""
        kind = "train" if training else "test"
        on_begin = getattr(callback_list, f"on_{kind}_batch_begin")
        on_end = getattr(callback_list, f"on_{kind}_batch_end")
        read = bool(callback_list._listening(f"on_{kind}_batch_end"))
        deferred = not read and self._reads_default_logs(f"{kind}_step")
        step_fn = self._step_function(kind, deferred)
        # The trainable variables are part of a traced step: a step traced for others (a
        # layer frozen between epochs) is not reused.
        weights = frozenset(map(id, self.__dict__.get("_epoch_trainable_weights") or ()))
        logs, steps_run = {}, 0
        for step, batch in enumerate(data.batches()):
            on_begin(step)
            if deferred:
                step_fn(*unpack_x_y_sample_weight(batch), weights)
            else:
                logs = step_fn(batch, weights)
                if read:
                    logs = _pythonify(logs)
            steps_run += 1
            on_end(step, logs)
            if training and self.stop_training:
                break
        if deferred and steps_run:
            logs = self.get_metrics_result()
        return _pythonify(logs)

    def _step_function(self, kind: str, deferred: bool):
        """The step each batch runs, traced by tf.function (made once per compile) unless the
        model runs eagerly. Deferred steps update the metrics and return nothing; the others
        are train_step/test_step (returning the logs) or predict_step."""
        functions = self.__dict__["_step_functions"]
        step_fn = functions.get((kind, deferred))
        if step_fn is None:
            training = kind == "train"
            if deferred:
                update = self._train_update if training else self._test_update

                def step_fn(x, y, sample_weight, weights):
                    self._update_compiled_metrics(y, update(x, y, sample_weight), sample_weight)
            else:
                method = {"train": self.train_step, "test": self.test_step,
                          "predict": self.predict_step}[kind]

                def step_fn(batch, weights):
                    return method(batch)
            step_fn = tf.function(step_fn)
            functions[(kind, deferred)] = step_fn
        if getattr(self, "run_eagerly", False):  # predict may come before compile
            return step_fn.python_function
        return step_fn

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """The loss and metrics over the data: a scalar when there are no metrics, else the
        list [loss, *metrics] (or a dict with `return_dict=True`)."""
        self._assert_compiled("evaluate")
        data = data_adapter.make_data(x, y, sample_weight, batch_size, steps=steps)
        logs = self._evaluate_data(data, callbacks, verbose)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _evaluate_data(self, data, callbacks, verbose) -> dict:
        callback_list = _callbacks(callbacks, self, verbose, 1, data.steps, False)
        self.reset_metrics()
        callback_list.on_test_begin()
        logs = self._run_batches(data, callback_list, training=False)
        callback_list.on_test_end(logs)
        return logs

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The outputs for every sample, as NumPy arrays (a list or dict for several
        outputs), computed batch by batch."""
        data = data_adapter.make_data(x, batch_size=batch_size, steps=steps)
        callback_list = _callbacks(callbacks, self, verbose, 1, data.steps, False)
        callback_list.on_predict_begin()
        predict_step = self._step_function("predict", False)
        pieces = []
        for step, batch in enumerate(data.batches()):
            callback_list.on_predict_batch_begin(step)
            outputs = predict_step(batch, None)
            pieces.append(nest.map_structure(np.asarray, outputs))
            callback_list.on_predict_batch_end(step, {"outputs": outputs})
        callback_list.on_predict_end()
        if not pieces:
            raise ValueError("predict: the input data is empty")
        flat = [np.concatenate(parts, axis=0) for parts in zip(
            *(nest.flatten(p) for p in pieces), strict=True)]
        return nest.pack_sequence_as(pieces[0], flat)

    # -- single batches ----------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict=False):
        self._assert_compiled("train_on_batch")
        batch = next(data_adapter.make_data(x, y, sample_weight, batch_size=_num_rows(x),
                                            class_weight=class_weight).batches())
        self.reset_metrics()
        return _result(_pythonify(self.train_step(batch)), return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._assert_compiled("test_on_batch")
        batch = next(data_adapter.make_data(x, y, sample_weight,
                                            batch_size=_num_rows(x)).batches())
        self.reset_metrics()
        return _result(_pythonify(self.test_step(batch)), return_dict)

    def predict_on_batch(self, x):
        outputs = self.predict_step((x,))
        return nest.map_structure(np.asarray, outputs)


class _CompiledLossCall:
    def __init__(self, model):
        self.model = model

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        model = self.model
        model._assert_compiled("compiled_loss")
        total = model._compile_loss(y_true, y_pred, sample_weight) \
            if model._compile_loss is not None else None
        extras = model.losses if regularization_losses is None else regularization_losses
        for extra in extras:
            total = extra if total is None else total + extra
        if total is None:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        model._loss_tracker.update_state(total, sample_weight=_batch_size(y_pred))
        return total

    @property
    def metrics(self) -> list:
        return [self.model._loss_tracker]


def _callbacks(callbacks, model, verbose, epochs, steps, training):
    from tapeflow.keras.callbacks import CallbackList

    if verbose == "auto":
        verbose = 1
    if isinstance(callbacks, CallbackList):
        return callbacks
    return CallbackList(callbacks, add_history=training, add_progbar=verbose != 0, model=model,
                        verbose=verbose, epochs=epochs, steps=steps)


def _pythonify(logs) -> dict:
    """Metric results as Python floats (the values callbacks and History receive)."""
    if not isinstance(logs, dict):
        raise TypeError(f"train_step/test_step must return a dict of metric values, received "
                        f"{type(logs).__name__}")
    result = {}
    for key, value in logs.items():
        if type(value) is tf.Tensor and value._numel == 1:  # a metric's result
            result[key] = float(value)
        elif isinstance(value, dict):
            result.update(_pythonify(value))
        else:
            array = np.asarray(value)
            result[key] = float(array) if array.size == 1 else array
    return result


def _result(logs: dict, return_dict: bool):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _batch_size(y_pred) -> int:
    if type(y_pred) is tf.Tensor:
        return y_pred._shape[0] if y_pred._shape else 1
    first = nest.flatten(y_pred)[0]
    return int(first.shape[0]) if len(first.shape) else 1


def _num_rows(x) -> int:
    first = nest.flatten(x)[0]
    return max(int(np.shape(first)[0]), 1)
