"""Adagrad: per-coordinate steps shrinking with the sum of past squared gradients."""

from __future__ import annotations

import tapeflow as tf
from tapeflow import _C
from tapeflow.keras import backend, initializers
from tapeflow.keras.optimizers import _fused
from tapeflow.keras.optimizers.optimizer import Optimizer


class Adagrad(Optimizer):
    """a += g**2 (a starts at initial_accumulator_value);  w -= lr * g / sqrt(a + epsilon)."""

    def __init__(
        self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, name=None, **kwargs
    ):
        super().__init__(learning_rate, name=name, **kwargs)
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._accumulators = self.add_optimizer_variables(
            variables,
            "accumulator",
            initializer=initializers.Constant(self.initial_accumulator_value),
        )

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = backend.cast(learning_rate, dtype)
        g = backend.cast(gradient, dtype)
        accumulator = self._accumulators[self._get_variable_index(variable)]
        accumulator.assign_add(tf.square(g))
        variable.assign_sub(lr * g / tf.sqrt(accumulator + self.epsilon))

    def _fused_update_step(self, grads, variables, learning_rate):
        accumulators = _fused.slots_of(self, self._accumulators, variables)
        _C.adagrad_update(_fused.writable(variables), grads, _fused.writable(accumulators),
                          learning_rate, self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }
