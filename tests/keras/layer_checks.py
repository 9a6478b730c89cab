"""Checks shared by the layer tests: config round trips and finite-difference gradients."""

from __future__ import annotations

import json

import numpy as np

import tapeflow as tf
from helpers import assert_close

EPS = 1e-6


def assert_config_round_trip(layer):
    """get_config() is JSON-serialisable and from_config() rebuilds an equal config; returns
    the rebuilt layer."""
    config = layer.get_config()
    restored = json.loads(json.dumps(config))
    clone = type(layer).from_config(restored)
    assert type(clone) is type(layer)
    assert json.loads(json.dumps(clone.get_config())) == restored
    return clone


def assert_gradients_match_finite_differences(layer, x, training=None, rtol=1e-5, atol=1e-6):
    """For a float64 layer: d(sum(w * layer(x)))/d(x and each trainable weight) from the
    tape equals central finite differences (w: fixed random weights, so every output element
    counts with a distinct factor)."""
    rng = np.random.default_rng(7)
    x = np.asarray(x, dtype=np.float64)
    first = layer(tf.constant(x), training=training)
    weights = tf.constant(rng.uniform(0.5, 1.5, size=tuple(first.shape)))
    variables = layer.trainable_weights
    values = [v.numpy().copy() for v in variables]

    def target(x_value, variable_values):
        for variable, value in zip(variables, variable_values, strict=True):
            variable.assign(value)
        return tf.reduce_sum(layer(tf.constant(x_value), training=training) * weights)

    inputs = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        output = tf.reduce_sum(layer(inputs, training=training) * weights)
    grads = tape.gradient(output, [inputs, *variables])

    arrays = [x, *values]
    for position, grad in enumerate(grads):
        numeric = np.zeros_like(arrays[position])
        for index in np.ndindex(numeric.shape):
            plus = [a.copy() for a in arrays]
            minus = [a.copy() for a in arrays]
            plus[position][index] += EPS
            minus[position][index] -= EPS
            numeric[index] = (
                float(target(plus[0], plus[1:])) - float(target(minus[0], minus[1:]))
            ) / (2 * EPS)
        what = "d/dinputs" if position == 0 else f"d/d{variables[position - 1].name}"
        assert grad is not None, f"{what}: the tape gave None"
        assert_close(grad.numpy(), numeric, rtol=rtol, atol=atol, what=what)
    for variable, value in zip(variables, values, strict=True):
        variable.assign(value)
