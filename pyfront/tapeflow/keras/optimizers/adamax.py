"""Adamax: Adam with the infinity norm in place of the second moment."""

from __future__ import annotations

import tapeflow as tf
from tapeflow import _C
from tapeflow.keras import backend
from tapeflow.keras.optimizers import _fused
from tapeflow.keras.optimizers.optimizer import Optimizer


class Adamax(Optimizer):
    """m += (g - m)(1 - beta_1);  u = max(beta_2 * u, |g|);
    w -= lr * m / ((1 - beta_1**t) * (u + epsilon)) at step t = iterations + 1."""

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="adamax", **kwargs
    ):
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._m, self._u = self.add_optimizer_variables(variables, ["momentum", "norm"])

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = backend.cast(learning_rate, dtype)
        g = backend.cast(gradient, dtype)
        step = tf.cast(backend.convert(self.iterations), dtype) + 1.0
        i = self._get_variable_index(variable)
        m, u = self._m[i], self._u[i]
        m.assign_add((g - m) * (1.0 - self.beta_1))
        u.assign(tf.maximum(self.beta_2 * u, tf.abs(g)))
        variable.assign_sub(lr * m / ((1.0 - tf.pow(self.beta_1, step)) * (u + self.epsilon)))

    def _fused_update_step(self, grads, variables, learning_rate):
        m = _fused.slots_of(self, self._m, variables)
        u = _fused.slots_of(self, self._u, variables)
        _C.adamax_update(_fused.writable(variables), grads, _fused.writable(m),
                         _fused.writable(u), learning_rate, self._iterations.value(),
                         self.beta_1, self.beta_2, self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
