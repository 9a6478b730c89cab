"""The Metric base class: state in non-trainable Variables, `update_state` to accumulate a
batch, `result` to read the current value, `reset_state` to start again.

    class RootMeanSquaredError(keras.metrics.Metric):          # the book's listing 7.x
        def __init__(self, name="rmse", **kwargs):
            super().__init__(name=name, **kwargs)
            self.mse_sum = self.add_weight(name="mse_sum", initializer="zeros")
            self.total_samples = self.add_weight(name="total_samples", initializer="zeros",
                                                 dtype="int32")
        def update_state(self, y_true, y_pred, sample_weight=None): ...
        def result(self): ...

Both spellings of the reset exist: `reset_state` (Keras) and `reset_states` (the book); a
subclass may override either one and the trainer's call to `reset_state` reaches it.
"""

from __future__ import annotations

import tapeflow as tf
from tapeflow.keras import backend


def _overrides(obj, method: str) -> bool:
    return getattr(type(obj), method) is not getattr(Metric, method)


class Metric:
    """Base class of metrics.

    Args:
        name: the metric's name (the key in the logs); defaults to the snake_case class name.
        dtype: the dtype of the state and result, floatx() ('float32') by default.
    """

    _direction = None  # "up" when larger is better, "down" when smaller is (EarlyStopping)

    def __init__(self, dtype=None, name=None):
        self.__dict__["_variables"] = []
        self.__dict__["_metrics"] = []
        self.__dict__["_in_reset"] = False
        self.name = name or backend.auto_name(type(self).__name__)
        self._dtype = backend.standardize_dtype(dtype)

    def __setattr__(self, name, value):
        # Metrics held as attributes are tracked: their variables belong to this one.
        if isinstance(value, Metric) and "_metrics" in self.__dict__ and value not in self._metrics:
            self._metrics.append(value)
        object.__setattr__(self, name, value)

    def _check_super_called(self):
        if "_variables" not in self.__dict__:
            raise RuntimeError(
                f"In metric {type(self).__name__}, you forgot to call "
                "`super().__init__()` in the `__init__()` method. Go add it!"
            )

    # -- state -------------------------------------------------------------------------------
    def add_variable(self, shape, initializer, dtype=None, aggregation="sum", name=None):
        """A non-trainable Variable of `shape` holding part of the metric's state."""
        self._check_super_called()
        from tapeflow.keras import initializers

        dtype = tf.as_dtype(backend.standardize_dtype(dtype or self._dtype))
        init = initializers.get(initializer if initializer is not None else "zeros")
        value = init(tuple(shape), dtype=dtype)
        variable = tf.Variable(value, trainable=False, name=name, dtype=dtype)
        self._variables.append(variable)
        return variable

    def add_weight(self, name=None, shape=(), initializer="zeros", dtype=None):
        """add_variable with Keras 2's argument order (`name` first, scalar by default).
        A tuple or list as the first argument is taken as the shape (Keras 3's order)."""
        if isinstance(name, (tuple, list)):
            name, shape = None, name
        return self.add_variable(shape, initializer, dtype=dtype, name=name)

    @property
    def variables(self) -> list:
        variables = list(self._variables)
        for metric in self._metrics:
            variables.extend(metric.variables)
        return variables

    @property
    def weights(self) -> list:
        return self.variables

    @property
    def dtype(self) -> str:
        return self._dtype

    # -- the contract ------------------------------------------------------------------------
    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"Metric {type(self).__name__} must implement update_state()")

    def result(self):
        raise NotImplementedError(f"Metric {type(self).__name__} must implement result()")

    def reset_state(self):
        """Sets every state variable back to zero (or runs a subclass's `reset_states`)."""
        if _overrides(self, "reset_states") and not self._in_reset:
            return self._run_reset(self.reset_states)
        self._zero_variables()

    def reset_states(self):
        """The book's (Keras 2) spelling of reset_state."""
        if _overrides(self, "reset_state") and not self._in_reset:
            return self._run_reset(self.reset_state)
        self._zero_variables()

    def _run_reset(self, method):
        self.__dict__["_in_reset"] = True
        try:
            return method()
        finally:
            self.__dict__["_in_reset"] = False

    def _zero_variables(self):
        for variable in self.variables:
            variable.assign(tf.zeros(variable.shape, dtype=variable.dtype))

    def __call__(self, *args, **kwargs):
        """update_state(*args, **kwargs), then result()."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"

    __str__ = __repr__
