"""Every differentiable op in the op table, checked against central finite differences in
float64: the target is a random-weighted sum of the op's outputs, so every output element's
gradient is exercised with a distinct weight."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from op_table import all_cases

EPS = 1e-6
MAX_ELEMENTS = 64  # finite differences cost two forward passes per input element


def _small_shape_sets(case):
    picked = [s for s in case.shapes
              if all(int(np.prod(shape)) <= MAX_ELEMENTS for shape in s)]
    return picked[:4]


def _params():
    for case in all_cases():
        if not case.grad or "float64" not in case.dtypes:
            continue
        for shapes in _small_shape_sets(case):
            yield pytest.param(case, shapes, id=f"{case.name}-{shapes}")


def _outputs(result):
    return list(result) if isinstance(result, (list, tuple)) else [result]


def _weighted_sum(outputs, weights):
    total = tf.constant(0.0, dtype=tf.float64)
    for out, w in zip(outputs, weights, strict=True):
        if out.dtype == tf.float64:
            total = total + tf.reduce_sum(out * w)
    return total


@pytest.mark.parametrize("case,shapes", list(_params()))
def test_gradient_matches_finite_differences(case, shapes, rng):
    inputs = [np.array(x) for x in case.inputs(rng, shapes, "float64")]
    tensors = [tf.constant(x) for x in inputs]
    float_positions = [i for i, x in enumerate(inputs) if x.dtype == np.float64]
    outputs = _outputs(case.fn(*tensors, **case.kwargs))
    weights = [tf.constant(rng.uniform(0.5, 1.5, size=tuple(o.shape))) for o in outputs]

    with tf.GradientTape() as tape:
        tape.watch([tensors[i] for i in float_positions])
        target = _weighted_sum(_outputs(case.fn(*tensors, **case.kwargs)), weights)
    grads = tape.gradient(target, [tensors[i] for i in float_positions])

    def f(arrays):
        ts = [tf.constant(a) for a in arrays]
        return float(_weighted_sum(_outputs(case.fn(*ts, **case.kwargs)), weights))

    for pos, grad in zip(float_positions, grads, strict=True):
        numeric = np.zeros_like(inputs[pos])
        for index in np.ndindex(inputs[pos].shape):
            plus = [a.copy() for a in inputs]
            minus = [a.copy() for a in inputs]
            plus[pos][index] += EPS
            minus[pos][index] -= EPS
            numeric[index] = (f(plus) - f(minus)) / (2 * EPS)
        if grad is None:
            assert_close(numeric, np.zeros_like(numeric), atol=1e-6,
                         what=f"{case.name} d/dx{pos} (engine gave None)")
        else:
            assert grad.shape == inputs[pos].shape
            assert_close(grad.numpy(), numeric, rtol=1e-5, atol=1e-6,
                         what=f"{case.name} d/dx{pos}")
