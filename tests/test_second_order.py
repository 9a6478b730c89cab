"""Second-order gradients: the gradient of an engine gradient, taken by an outer (nested) tape or
by a persistent tape that records its own backward pass, in float64.

Each case is a scalar function f of some tensors. The first-order gradients g_k = df/dx_k are
contracted with fixed random weights u_k, s = sum_k <u_k, g_k>, and ds/dx is compared with
central finite differences of the engine's first-order gradient (which the op table checks
against finite differences of f itself). Closed forms pin the elementwise rules, and
tape.jacobian of a gradient is checked against analytic Hessians.
"""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close

EPS = 1e-6


def _random(rng, shape, low=-1.5, high=1.5):
    return rng.uniform(low, high, size=shape)


def _weighted(rng, shape):
    """A scalar-valued contraction sum(w * y) with fixed weights, so every element counts."""
    w = tf.constant(rng.uniform(0.5, 1.5, size=shape))
    return lambda y: tf.reduce_sum(w * y)


def _unary(op, low=-1.5, high=1.5, shape=(3, 4)):
    def make(rng):
        weigh = _weighted(rng, shape)
        return (lambda x: weigh(op(x))), [_random(rng, shape, low, high)]

    return make


def _pow_both(rng):
    weigh = _weighted(rng, (3, 4))
    a = _random(rng, (3, 4), 0.5, 2.0)  # away from a <= 0, where d/db is cut off
    b = _random(rng, (1, 4), -1.5, 2.5)  # broadcast: the engine sums db back to (1, 4)
    return (lambda a, b: weigh(tf.pow(a, b))), [a, b]


def _softmax(axis, log=False):
    def make(rng):
        weigh = _weighted(rng, (3, 5))
        op = tf.nn.log_softmax if log else tf.nn.softmax
        return (lambda x: weigh(op(x, axis=axis))), [_random(rng, (3, 5), -2.0, 2.0)]

    return make


def _matmul_squared(transpose_b=False, batch=()):
    # sum(w * (a @ b)^2): second derivatives in a, in b and across a and b.
    def make(rng):
        weigh = _weighted(rng, (*batch, 3, 2))
        a = _random(rng, (*batch, 3, 4))
        b = _random(rng, (*batch, 2, 4) if transpose_b else (*batch, 4, 2))
        return (lambda a, b: weigh(tf.square(tf.matmul(a, b, transpose_b=transpose_b)))), [a, b]

    return make


def _matmul_bilinear(rng):
    # sum(w * a @ b): d2/da2 = d2/db2 = 0, only the cross terms flow (and must be exact).
    weigh = _weighted(rng, (3, 2))
    return (lambda a, b: weigh(tf.matmul(a, b))), [_random(rng, (3, 4)), _random(rng, (4, 2))]


def _mlp(activation):
    # Two-layer MLP, softmax cross-entropy against fixed labels, averaged over a batch of 5.
    def make(rng):
        x = tf.constant(_random(rng, (5, 3)))
        labels = tf.one_hot(rng.integers(0, 3, size=5), 3, dtype="float64")

        def loss(w1, b1, w2, b2):
            hidden = activation(tf.matmul(x, w1) + b1)
            logits = tf.matmul(hidden, w2) + b2
            per_example = -tf.reduce_sum(labels * tf.nn.log_softmax(logits), axis=-1)
            return tf.reduce_mean(per_example)

        params = [
            _random(rng, (3, 4), -1, 1),
            _random(rng, (4,), -0.5, 0.5),
            _random(rng, (4, 3), -1, 1),
            _random(rng, (3,), -0.5, 0.5),
        ]
        return loss, params

    return make


CASES = {
    "square": _unary(tf.square),
    "exp": _unary(tf.exp),
    "log": _unary(tf.math.log, 0.3, 2.0),
    "tanh": _unary(tf.tanh),
    "sigmoid": _unary(tf.sigmoid),
    "softplus": _unary(tf.math.softplus),
    "pow_both_arguments": _pow_both,
    "softmax_last_axis": _softmax(-1),
    "softmax_axis0": _softmax(0),
    "log_softmax": _softmax(-1, log=True),
    "matmul_squared": _matmul_squared(),
    "matmul_squared_transpose_b_batched": _matmul_squared(True, (2,)),
    "matmul_bilinear": _matmul_bilinear,
    "mlp_tanh_softmax_cross_entropy": _mlp(tf.tanh),
    "mlp_softplus_softmax_cross_entropy": _mlp(tf.math.softplus),
}


def _first_order(fn, arrays):
    """The engine's gradient of fn at `arrays`, as NumPy arrays (zeros where unconnected)."""
    tensors = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as tape:
        tape.watch(tensors)
        y = fn(*tensors)
    return [g.numpy() for g in tape.gradient(y, tensors, unconnected_gradients="zero")]


def _contract(grads, weights):
    total = tf.constant(0.0, dtype=tf.float64)
    for g, u in zip(grads, weights, strict=True):
        total = total + tf.reduce_sum(g * u)
    return total


def _second_order_nested(fn, arrays, weights):
    tensors = [tf.constant(a) for a in arrays]
    with tf.GradientTape() as outer:
        outer.watch(tensors)
        with tf.GradientTape() as inner:
            inner.watch(tensors)
            y = fn(*tensors)
        grads = inner.gradient(y, tensors, unconnected_gradients="zero")
        s = _contract(grads, weights)
    return outer.gradient(s, tensors, unconnected_gradients="zero")


def _second_order_persistent(fn, arrays, weights):
    tensors = [tf.constant(a) for a in arrays]
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(tensors)
        y = fn(*tensors)
        grads = tape.gradient(y, tensors, unconnected_gradients="zero")
        s = _contract(grads, weights)
    return tape.gradient(s, tensors, unconnected_gradients="zero")


def _finite_differences(fn, arrays, weights):
    """d/dx of sum_k <u_k, g_k(x)>, by central differences of the first-order engine gradient."""
    u = [w.numpy() for w in weights]

    def contracted(perturbed):
        return sum(
            float(np.sum(g * w)) for g, w in zip(_first_order(fn, perturbed), u, strict=True)
        )

    numeric = [np.zeros_like(a) for a in arrays]
    for k, a in enumerate(arrays):
        for index in np.ndindex(a.shape):
            plus = [x.copy() for x in arrays]
            minus = [x.copy() for x in arrays]
            plus[k][index] += EPS
            minus[k][index] -= EPS
            numeric[k][index] = (contracted(plus) - contracted(minus)) / (2 * EPS)
    return numeric


@pytest.mark.parametrize("way", ["nested", "persistent"])
@pytest.mark.parametrize("name", list(CASES))
def test_gradient_of_gradient_matches_finite_differences(name, way, rng):
    fn, arrays = CASES[name](rng)
    weights = [tf.constant(rng.uniform(0.5, 1.5, size=a.shape)) for a in arrays]
    second = (_second_order_nested if way == "nested" else _second_order_persistent)(
        fn, arrays, weights
    )
    numeric = _finite_differences(fn, arrays, weights)
    for k, (got, expected) in enumerate(zip(second, numeric, strict=True)):
        assert got.shape == expected.shape
        assert_close(got.numpy(), expected, rtol=1e-6, atol=1e-7, what=f"{name} d2/dx{k}")


# f = sum(w * op(x)), s = sum(u * df/dx) = sum(u * w * op'(x)), so ds/dx = u * w * op''(x).
def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


SECOND_DERIVATIVES = {
    "square": (tf.square, lambda x: np.full_like(x, 2.0)),
    "exp": (tf.exp, np.exp),
    "log": (tf.math.log, lambda x: -1 / x**2),
    "tanh": (tf.tanh, lambda x: -2 * np.tanh(x) * (1 - np.tanh(x) ** 2)),
    "sigmoid": (tf.sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (1 - 2 * _sigmoid(x))),
    "softplus": (tf.math.softplus, lambda x: _sigmoid(x) * (1 - _sigmoid(x))),
    "pow_x_2.5": (lambda x: tf.pow(x, 2.5), lambda x: 2.5 * 1.5 * x**0.5),
    "pow_x_-1": (lambda x: tf.pow(x, -1.0), lambda x: 2 / x**3),
    "pow_3_x": (
        lambda x: tf.pow(tf.constant(3.0, tf.float64), x),
        lambda x: 3.0**x * np.log(3.0) ** 2,
    ),
}


@pytest.mark.parametrize("name", list(SECOND_DERIVATIVES))
def test_elementwise_second_derivatives_match_closed_forms(name, rng):
    op, second = SECOND_DERIVATIVES[name]
    x = rng.uniform(0.3, 2.0, size=(2, 3))
    w, u = rng.uniform(0.5, 1.5, size=(2, 3)), rng.uniform(0.5, 1.5, size=(2, 3))
    got = _second_order_nested(
        lambda t: tf.reduce_sum(tf.constant(w) * op(t)), [x], [tf.constant(u)]
    )[0]
    assert_close(got.numpy(), u * w * second(x), rtol=1e-12, atol=1e-12, what=name)


def test_third_derivative_of_tanh_through_three_tapes():
    x = tf.constant(np.array([-1.0, 0.2, 0.7]))
    with tf.GradientTape() as t3:
        t3.watch(x)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = tf.reduce_sum(tf.tanh(x))
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    t = np.tanh(x.numpy())
    assert_close(d3.numpy(), -2 * (1 - t**2) * (1 - 3 * t**2), rtol=1e-12, atol=1e-12)


def _hessian(fn, x):
    """tape.jacobian of the gradient: H[i, j] = d2 f / dx_i dx_j."""
    x = tf.constant(x)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = fn(x)
        g = inner.gradient(y, x)
    return outer.jacobian(g, x).numpy()


def test_hessian_of_logsumexp_is_diag_p_minus_p_p_transposed(rng):
    x = rng.standard_normal(5)
    p = np.exp(x - x.max())
    p /= p.sum()
    assert_close(
        _hessian(tf.reduce_logsumexp, x), np.diag(p) - np.outer(p, p), rtol=1e-12, atol=1e-14
    )


def test_hessian_of_quadratic_plus_cubic_through_matmul(rng):
    # f(x) = x^T A x / 2 + sum(x^3) / 3 with A symmetric: H = A + diag(2 x).
    n = 4
    m = rng.standard_normal((n, n))
    a = m + m.T
    x = rng.standard_normal(n)

    def f(t):
        row = tf.reshape(t, (1, n))
        quadratic = tf.reduce_sum(tf.matmul(row, tf.constant(a)) * row) / 2
        return quadratic + tf.reduce_sum(t * t * t) / 3

    assert_close(_hessian(f, x), a + np.diag(2 * x), rtol=1e-12, atol=1e-12)


def test_hessian_of_a_matrix_source_has_source_shape_twice(rng):
    # f(W) = sum(tanh(x @ W)): a (2, 3) source gives a (2, 3, 2, 3) Hessian, symmetric in
    # its two halves, equal to finite differences of the gradient.
    x = tf.constant(rng.standard_normal((4, 2)))
    w = rng.standard_normal((2, 3))

    def f(t):
        return tf.reduce_sum(tf.tanh(tf.matmul(x, t)))

    h = _hessian(f, w)
    assert h.shape == (2, 3, 2, 3)
    flat = h.reshape(6, 6)
    assert_close(flat, flat.T, rtol=1e-12, atol=1e-12, what="symmetry")
    for index in np.ndindex(w.shape):
        plus, minus = w.copy(), w.copy()
        plus[index] += EPS
        minus[index] -= EPS
        column = (_first_order(f, [plus])[0] - _first_order(f, [minus])[0]) / (2 * EPS)
        assert_close(
            h[:, :, index[0], index[1]], column, rtol=1e-6, atol=1e-7, what=f"column {index}"
        )
