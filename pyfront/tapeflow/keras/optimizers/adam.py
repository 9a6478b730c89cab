"""Adam, in Keras's "epsilon hat" form, and AdamW (Adam with decoupled weight decay)."""

from __future__ import annotations

import tapeflow as tf
from tapeflow import _C
from tapeflow.keras import backend
from tapeflow.keras.optimizers import _fused
from tapeflow.keras.optimizers.optimizer import Optimizer


class Adam(Optimizer):
    """m += (g - m)(1 - beta_1);  v += (g**2 - v)(1 - beta_2);
    w -= alpha * m / (sqrt(v) + epsilon),  alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
    at step t = iterations + 1 (so the first step is about lr * sign(g)). With amsgrad, v is
    replaced by its running maximum.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        name="adam",
        **kwargs,
    ):
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad
        self._alphas = {}

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"]
        )
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(variables, "velocity_hat")

    def _backend_update_step(self, grads, variables, learning_rate):
        self._alphas = {}  # the bias-corrected step size, once per step and dtype
        super()._backend_update_step(grads, variables, learning_rate)

    def _alpha(self, learning_rate, dtype):
        alpha = self._alphas.get(dtype)
        if alpha is None:
            step = tf.cast(backend.convert(self.iterations), dtype) + 1.0
            alpha = (
                backend.cast(learning_rate, dtype)
                * tf.sqrt(1.0 - tf.pow(self.beta_2, step))
                / (1.0 - tf.pow(self.beta_1, step))
            )
            self._alphas[dtype] = alpha
        return alpha

    def update_step(self, gradient, variable, learning_rate):
        g = backend.cast(gradient, variable.dtype)
        alpha = self._alpha(learning_rate, variable.dtype)
        i = self._get_variable_index(variable)
        m, v = self._momentums[i], self._velocities[i]
        m.assign_add((g - m) * (1.0 - self.beta_1))
        v.assign_add((tf.square(g) - v) * (1.0 - self.beta_2))
        if self.amsgrad:
            v_hat = self._velocity_hats[i]
            v_hat.assign(tf.maximum(v_hat, v))
            v = v_hat
        variable.assign_sub(m * alpha / (tf.sqrt(v) + self.epsilon))

    def _fused_update_step(self, grads, variables, learning_rate):
        m = _fused.slots_of(self, self._momentums, variables)
        v = _fused.slots_of(self, self._velocities, variables)
        v_hat = _fused.slots_of(self, self._velocity_hats, variables) if self.amsgrad else []
        _C.adam_update(_fused.writable(variables), grads, _fused.writable(m), _fused.writable(v),
                       _fused.writable(v_hat), learning_rate, self._iterations.value(),
                       self.beta_1, self.beta_2, self.epsilon, bool(self.amsgrad))

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }


class AdamW(Adam):
    """Adam with decoupled weight decay: before each update, w -= w * weight_decay * lr
    (weight_decay 0.004 by default)."""

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
        name="adamw",
        **kwargs,
    ):
        super().__init__(
            learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            name=name,
            weight_decay=weight_decay,
            **kwargs,
        )
        if self.weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. Received: weight_decay=None")
