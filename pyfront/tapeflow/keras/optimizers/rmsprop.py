"""RMSprop, Keras 3's form: epsilon inside the square root, no bias correction."""

from __future__ import annotations

import tapeflow as tf
from tapeflow import _C
from tapeflow.keras import backend
from tapeflow.keras.optimizers import _fused
from tapeflow.keras.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    """v = rho * v + (1 - rho) * g**2;  step = lr * g / sqrt(v + epsilon)
    (centered: sqrt(v - mg**2 + epsilon), mg the running mean of g); then w -= step, or with
    momentum: m = momentum * m + step, w -= m.

    NOTE: PyTorch divides by sqrt(v) + eps and uses alpha 0.99; Keras 3 uses rho 0.9 and
    eps 1e-7 inside the root, so the first step is lr / sqrt(1 - rho) ~ 3.16 lr.
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
        name="rmsprop",
        **kwargs,
    ):
        super().__init__(learning_rate, name=name, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._velocities = self.add_optimizer_variables(variables, "velocity")
        self._momentums = (
            self.add_optimizer_variables(variables, "momentum") if self.momentum > 0 else []
        )
        self._average_gradients = (
            self.add_optimizer_variables(variables, "average_gradient") if self.centered else []
        )

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = backend.cast(learning_rate, dtype)
        g = backend.cast(gradient, dtype)
        i = self._get_variable_index(variable)
        rho = self.rho
        velocity = self._velocities[i]
        velocity.assign(rho * velocity + (1.0 - rho) * tf.square(g))
        if self.centered:
            average = self._average_gradients[i]
            average.assign(rho * average + (1.0 - rho) * g)
            denominator = velocity - tf.square(average) + self.epsilon
        else:
            denominator = velocity + self.epsilon
        increment = lr * g / tf.sqrt(denominator)
        if self.momentum > 0:
            momentum = self._momentums[i]
            momentum.assign(self.momentum * momentum + increment)
            variable.assign_sub(momentum)
        else:
            variable.assign_sub(increment)

    def _fused_update_step(self, grads, variables, learning_rate):
        def slots(name, used):
            return _fused.writable(_fused.slots_of(self, getattr(self, name), variables)) \
                if used else []

        momentum = self.momentum if self.momentum > 0 else 0.0
        _C.rmsprop_update(_fused.writable(variables), grads, slots("_velocities", True),
                          slots("_momentums", momentum), slots("_average_gradients", self.centered),
                          learning_rate, self.rho, momentum, self.epsilon, bool(self.centered))

    def get_config(self):
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }
