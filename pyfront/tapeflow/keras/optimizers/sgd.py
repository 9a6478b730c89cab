"""SGD, with optional (Nesterov) momentum."""

from __future__ import annotations

import numbers

from tapeflow import _C
from tapeflow.keras import backend
from tapeflow.keras.optimizers import _fused
from tapeflow.keras.optimizers.optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent: w -= lr * g; with momentum m: v = m * v - lr * g, then w += v
    (Nesterov: w += m * v - lr * g).

    Args:
        learning_rate: 0.01 by default.
        momentum: a float in [0, 1].
        nesterov: use Nesterov momentum.
        **kwargs: the Optimizer arguments (weight_decay, clipnorm, ...).
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(learning_rate, name=name, **kwargs)
        if (
            isinstance(momentum, bool)
            or not isinstance(momentum, numbers.Real)
            or not 0 <= momentum <= 1
        ):
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = float(momentum)
        self.nesterov = nesterov

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = (
            self.add_optimizer_variables(variables, "momentum") if self.momentum != 0 else []
        )

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = backend.cast(learning_rate, dtype)
        g = backend.cast(gradient, dtype)
        if self.momentum == 0:
            variable.assign_sub(g * lr)
            return
        m = self.momentums[self._get_variable_index(variable)]
        m.assign(m * self.momentum - g * lr)
        if self.nesterov:
            variable.assign_add(m * self.momentum - g * lr)
        else:
            variable.assign_add(m)

    def _fused_update_step(self, grads, variables, learning_rate):
        momentums = _fused.slots_of(self, self.momentums, variables) if self.momentum else []
        _C.sgd_update(_fused.writable(variables), grads, _fused.writable(momentums),
                      learning_rate, self.momentum, bool(self.nesterov))

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
