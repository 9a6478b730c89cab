"""``keras.callbacks.CallbackList``: the list of callbacks a training loop calls as one.

    callbacks = CallbackList(user_callbacks, add_history=True, add_progbar=verbose != 0,
                             model=model, epochs=epochs, steps=steps, verbose=verbose)
    callbacks.on_train_begin()
    for epoch in range(epochs):
        callbacks.on_epoch_begin(epoch)
        for step in range(steps):
            callbacks.on_train_batch_begin(step)
            logs = ...                                     # running means of the epoch
            callbacks.on_train_batch_end(step, logs)
        callbacks.on_epoch_end(epoch, epoch_logs)
        if model.stop_training:
            break
    callbacks.on_train_end(epoch_logs)

As in Keras 3, a History and then a ProgbarLogger are appended after the user's callbacks
(unless the user gave their own), so both see what earlier callbacks add to the logs
(`learning_rate`). Every hook passes `logs` (a dict, never None) to every callback, in order;
scalar values (NumPy numbers, 0-d tensors) are turned into Python floats in place first.
"""

from __future__ import annotations

import numbers

from tapeflow.keras.callbacks.callback import Callback
from tapeflow.keras.callbacks.history import History
from tapeflow.keras.callbacks.progbar_logger import ProgbarLogger


class CallbackList(Callback):
    """Calls a list of callbacks together.

    Args:
        callbacks: a callback or a list of them (None for none).
        add_history: append a History unless one is in `callbacks`; `model.history` is set to it.
        add_progbar: append a ProgbarLogger unless one is in `callbacks`.
        model: the model, given to every callback (`set_model`).
        **params: given to every callback (`set_params`): `epochs`, `steps`, `verbose`.
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        if callbacks is None:
            callbacks = []
        elif isinstance(callbacks, Callback):
            callbacks = [callbacks]
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(
                    "callbacks must be keras.callbacks.Callback instances; received "
                    f"{type(callback).__name__}: {callback!r}"
                )
        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def set_params(self, params):
        super().set_params(params)
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    # -- fit ---------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", logs, epoch)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", logs, epoch)

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", logs, batch)

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", logs, batch)

    def on_batch_begin(self, batch, logs=None):
        self._call("on_batch_begin", logs, batch)

    def on_batch_end(self, batch, logs=None):
        self._call("on_batch_end", logs, batch)

    # -- evaluate ----------------------------------------------------------------------------
    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", logs, batch)

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", logs, batch)

    # -- predict -----------------------------------------------------------------------------
    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", logs, batch)

    def on_predict_batch_end(self, batch, logs=None):
        self._call("on_predict_batch_end", logs, batch, convert=False)  # logs hold outputs

    def _call(self, hook, logs, *index, convert=True):
        """Calls `hook(*index, logs)` on every callback. `logs` goes by position: the book's
        callbacks name it without a default (`def on_batch_end(self, batch, logs)`)."""
        callbacks = self._listening(hook) if hook in _BATCH_HOOKS else self.callbacks
        if not callbacks:
            return
        logs = {} if logs is None else logs
        if convert:
            _pythonify(logs)
        for callback in callbacks:
            getattr(callback, hook)(*index, logs)

    def _listening(self, hook) -> list:
        """The callbacks whose `hook` does something: batch hooks run at every step, and most
        callbacks keep Callback's empty ones. Recomputed when the list changes length."""
        cache = self.__dict__.setdefault("_listening_cache", {})
        found = cache.get(hook)
        if found is None or found[0] != len(self.callbacks):
            found = (len(self.callbacks), [c for c in self.callbacks if _overrides(c, hook)])
            cache[hook] = found
        return found[1]


# Per-step hooks, and the older hook each default one forwards to.
_BATCH_HOOKS = {
    "on_train_batch_begin": "on_batch_begin",
    "on_train_batch_end": "on_batch_end",
    "on_batch_begin": None,
    "on_batch_end": None,
    "on_test_batch_begin": None,
    "on_test_batch_end": None,
    "on_predict_batch_begin": None,
    "on_predict_batch_end": None,
}


def _overrides(callback, hook: str) -> bool:
    """Whether `callback` does something in `hook` (a method of its class or an attribute of
    its own, or, for the default train-batch hooks, in the older hook they call)."""
    if type(callback).__getattribute__ is not Callback.__getattribute__:
        return True  # hooks looked up dynamically: assume it listens
    names = [hook] + ([_BATCH_HOOKS[hook]] if _BATCH_HOOKS.get(hook) else [])
    return any(name in vars(callback) or getattr(type(callback), name) is not
               getattr(Callback, name) for name in names)


def _pythonify(logs: dict) -> None:
    """Turns scalar log values (NumPy numbers, 0-d arrays and tensors) into Python floats."""
    for name, value in logs.items():
        if isinstance(value, (float, str)):
            continue
        if isinstance(value, numbers.Real) or getattr(value, "shape", None) == ():
            logs[name] = float(value)
