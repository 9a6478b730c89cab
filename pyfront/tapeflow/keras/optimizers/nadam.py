"""Nadam: Adam with Nesterov momentum (Dozat, 2015), with Keras's momentum schedule."""

from __future__ import annotations

import tapeflow as tf
from tapeflow import _C
from tapeflow.keras import backend
from tapeflow.keras.optimizers import _fused
from tapeflow.keras.optimizers.optimizer import Optimizer


class Nadam(Optimizer):
    """With u_t = beta_1 * (1 - 0.5 * 0.96**t) and U_t = u_1 ... u_t (kept in a variable):
    m += (g - m)(1 - beta_1);  v += (g**2 - v)(1 - beta_2);
    m_hat = u_{t+1} m / (1 - U_{t+1}) + (1 - u_t) g / (1 - U_t);  v_hat = v / (1 - beta_2**t);
    w -= lr * m_hat / (sqrt(v_hat) + epsilon), t = iterations + 1."""

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="nadam", **kwargs
    ):
        super().__init__(learning_rate, name=name, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self._coefficients = {}

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self._momentums, self._velocities = self.add_optimizer_variables(
            variables, ["momentum", "velocity"]
        )
        if not hasattr(self, "_u_product"):
            dtype = variables[0].dtype if variables else backend.floatx()
            self._u_product = self.add_variable(
                (), initializer="ones", dtype=dtype, name="u_product"
            )

    def _backend_update_step(self, grads, variables, learning_rate):
        dtype = self._u_product.dtype
        step = tf.cast(backend.convert(self.iterations), dtype) + 1.0
        self._u_product.assign(self._u_product * self.beta_1 * (1.0 - 0.5 * tf.pow(0.96, step)))
        self._coefficients = {}
        super()._backend_update_step(grads, variables, learning_rate)

    def _step_coefficients(self, dtype):
        """(u_t, u_{t+1}, U_t, U_{t+1}, 1 - beta_2**t) for this step, once per dtype."""
        found = self._coefficients.get(dtype)
        if found is None:
            step = tf.cast(backend.convert(self.iterations), dtype) + 1.0
            u_t = self.beta_1 * (1.0 - 0.5 * tf.pow(0.96, step))
            u_next = self.beta_1 * (1.0 - 0.5 * tf.pow(0.96, step + 1.0))
            u_product = backend.cast(self._u_product, dtype)
            found = (u_t, u_next, u_product, u_product * u_next, 1.0 - tf.pow(self.beta_2, step))
            self._coefficients[dtype] = found
        return found

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = backend.cast(learning_rate, dtype)
        g = backend.cast(gradient, dtype)
        u_t, u_next, u_product, u_product_next, v_correction = self._step_coefficients(dtype)
        i = self._get_variable_index(variable)
        m, v = self._momentums[i], self._velocities[i]
        m.assign_add((g - m) * (1.0 - self.beta_1))
        v.assign_add((tf.square(g) - v) * (1.0 - self.beta_2))
        m_hat = u_next * m / (1.0 - u_product_next) + (1.0 - u_t) * g / (1.0 - u_product)
        v_hat = v / v_correction
        variable.assign_sub(m_hat * lr / (tf.sqrt(v_hat) + self.epsilon))

    def _fused_update_step(self, grads, variables, learning_rate):
        # C++ computes the step's factors from iterations and U_t (already multiplied by u_t
        # this step), read when the update runs.
        m = _fused.slots_of(self, self._momentums, variables)
        v = _fused.slots_of(self, self._velocities, variables)
        _C.nadam_update(_fused.writable(variables), grads, _fused.writable(m), _fused.writable(v),
                        learning_rate, self._iterations.value(), self._u_product.value(),
                        self.beta_1, self.beta_2, self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
