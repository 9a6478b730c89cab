"""Adadelta: steps scaled by the ratio of running RMS of past steps and of gradients."""

from __future__ import annotations

import tapeflow as tf
from tapeflow import _C
from tapeflow.keras import backend
from tapeflow.keras.optimizers import _fused
from tapeflow.keras.optimizers.optimizer import Optimizer


class Adadelta(Optimizer):
    """a = rho * a + (1 - rho) * g**2;  d = -sqrt(s + eps) / sqrt(a + eps) * g;
    s = rho * s + (1 - rho) * d**2;  w += lr * d  (lr 0.001; the paper's form is lr = 1)."""

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name="adadelta", **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        self.rho, self.epsilon = rho, epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            variables, ["accumulated_grad", "accumulated_delta_var"]
        )

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = backend.cast(learning_rate, dtype)
        g = backend.cast(gradient, dtype)
        i = self._get_variable_index(variable)
        grads, deltas = self._accumulated_grads[i], self._accumulated_delta_vars[i]
        rho, eps = self.rho, self.epsilon
        grads.assign(rho * grads + (1.0 - rho) * tf.square(g))
        delta = -tf.sqrt(deltas + eps) * g / tf.sqrt(grads + eps)
        deltas.assign(rho * deltas + (1.0 - rho) * tf.square(delta))
        variable.assign_add(lr * delta)

    def _fused_update_step(self, grads, variables, learning_rate):
        grads_acc = _fused.slots_of(self, self._accumulated_grads, variables)
        deltas_acc = _fused.slots_of(self, self._accumulated_delta_vars, variables)
        _C.adadelta_update(_fused.writable(variables), grads, _fused.writable(grads_acc),
                           _fused.writable(deltas_acc), learning_rate, self.rho, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
