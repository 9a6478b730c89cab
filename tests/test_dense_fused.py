"""The fused dense op (csrc/ops/dense.cpp), activation(x @ kernel + bias) in one GEMM, held
against its composite definition (tf.matmul + add + activation): forward values, gradients of
every input (tape and finite differences in float64), second-order gradients, tile edges,
thread counts, the generic ISA path, bad input, and keras.layers.Dense using it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from tapeflow import _C, keras
from tapeflow.errors import InvalidArgumentError
from tapeflow.ops.nn import _dense

ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh"]
TOL = {np.float32: dict(rtol=1e-5, atol=1e-5), np.float64: dict(rtol=1e-12, atol=1e-12)}
COMPOSITE_ACTIVATION = {
    "linear": lambda z: z,
    "relu": tf.nn.relu,
    "sigmoid": tf.sigmoid,
    "tanh": tf.tanh,
}
NUMPY_ACTIVATION = {
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
}


def composite(x, kernel, bias, activation):
    """The definition the fused op must reproduce."""
    z = tf.matmul(x, kernel)
    if bias is not None:
        z = z + bias
    return COMPOSITE_ACTIVATION[activation](z)


def _operands(rng, x_shape, n, dtype, with_bias=True):
    k = x_shape[-1]
    x = tf.constant(rng.standard_normal(x_shape).astype(dtype))
    kernel = tf.constant(rng.standard_normal((k, n)).astype(dtype))
    bias = tf.constant(rng.standard_normal(n).astype(dtype)) if with_bias else None
    return x, kernel, bias


@pytest.fixture
def threads():
    before = _C.num_threads()
    yield _C.set_num_threads
    _C.set_num_threads(before)


# Shapes around the register tiles (6 x 16 / 6 x 8) and the cache blocks (K slabs <= 256,
# M blocks <= 144): the epilogue must reach every edge tile exactly once, after the last slab.
X_SHAPES_AND_N = [
    ((1, 1), 1),
    ((6, 16), 16),
    ((7, 17), 15),
    ((150, 257), 40),
    ((13, 600), 50),
    ((2, 3, 5), 4),  # rank 3: the leading axes flatten into M
    ((2, 3, 4, 7), 9),
    ((0, 5), 3),  # M = 0
    ((4, 0), 3),  # K = 0: activation(bias)
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("x_shape,n", X_SHAPES_AND_N)
@pytest.mark.parametrize("with_bias", [True, False])
def test_forward_matches_composite(rng, dtype, activation, x_shape, n, with_bias):
    x, kernel, bias = _operands(rng, x_shape, n, dtype, with_bias)
    got = _dense(x, kernel, bias, activation)
    assert got.shape == (*x_shape[:-1], n) and got.dtype == x.dtype
    want = composite(x, kernel, bias, activation)
    assert_close(got.numpy(), want.numpy(), **TOL[dtype], what=f"dense {activation}")
    z = np.asarray(x, np.float64) @ np.asarray(kernel, np.float64)
    if bias is not None:
        z = z + np.asarray(bias, np.float64)
    tol = 1e-4 if dtype == np.float32 else 1e-11
    assert_close(got.numpy(), NUMPY_ACTIVATION[activation](z), rtol=tol, atol=tol)


@pytest.mark.parametrize("nthreads", [1, 2])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_large_shapes_across_threads(rng, threads, nthreads, activation):
    """Shapes the threaded GEMM splits over M and over N (the MLP and output-layer shapes)."""
    threads(nthreads)
    for x_shape, n in [((128, 784), 512), ((128, 512), 10), ((300, 700), 37)]:
        x, kernel, bias = _operands(rng, x_shape, n, np.float32)
        got = _dense(x, kernel, bias, activation)
        assert_close(
            got.numpy(),
            composite(x, kernel, bias, activation).numpy(),
            rtol=1e-5,
            atol=1e-5,
            what=f"dense {x_shape} x {n} {activation}",
        )


def test_strided_inputs(rng):
    """A transposed rank-2 view multiplies through its strides; a strided rank-3 one is copied."""
    x_stored = tf.constant(rng.standard_normal((9, 7)))
    x = tf.transpose(x_stored)  # (7, 9), column-major
    kernel, bias = tf.constant(rng.standard_normal((9, 5))), tf.constant(rng.standard_normal(5))
    assert_close(
        _dense(x, kernel, bias, "tanh").numpy(),
        composite(x, kernel, bias, "tanh").numpy(),
        rtol=1e-12,
        atol=1e-12,
    )
    x3 = tf.constant(rng.standard_normal((4, 3, 9)))[:, ::2, :]
    assert_close(
        _dense(x3, kernel, bias, "relu").numpy(),
        composite(x3, kernel, bias, "relu").numpy(),
        rtol=1e-12,
        atol=1e-12,
    )


def test_relu_keeps_nan_and_sigmoid_saturates():
    x = tf.constant([[np.nan, 1.0], [1000.0, -1000.0]])
    kernel = tf.constant([[1.0], [1.0]])
    assert np.isnan(_dense(x, kernel, None, "relu").numpy()[0, 0])
    x = tf.constant([[1000.0], [-1000.0]])
    out = _dense(x, tf.constant([[1.0]]), None, "sigmoid").numpy()
    assert out[0, 0] == 1.0 and out[1, 0] == 0.0


def _gradients(fn, x, kernel, bias, weights):
    sources = [x, kernel] + ([bias] if bias is not None else [])
    with tf.GradientTape() as tape:
        tape.watch(sources)
        target = tf.reduce_sum(fn(x, kernel, bias) * weights)
    return tape.gradient(target, sources)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("x_shape,n", [((7, 17), 15), ((150, 40), 33), ((2, 3, 5), 4)])
@pytest.mark.parametrize("with_bias", [True, False])
def test_gradients_match_composite(rng, dtype, activation, x_shape, n, with_bias):
    x, kernel, bias = _operands(rng, x_shape, n, dtype, with_bias)
    weights = tf.constant(rng.uniform(0.5, 1.5, (*x_shape[:-1], n)).astype(dtype))
    got = _gradients(lambda *a: _dense(*a, activation), x, kernel, bias, weights)
    want = _gradients(lambda *a: composite(*a, activation), x, kernel, bias, weights)
    tol = dict(rtol=1e-4, atol=1e-4) if dtype == np.float32 else TOL[dtype]
    assert len(got) == len(want) == (3 if with_bias else 2)
    for name, g, w in zip(["x", "kernel", "bias"], got, want, strict=False):
        assert g.shape == w.shape
        assert_close(g.numpy(), w.numpy(), **tol, what=f"d/d{name} ({activation})")


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("x_shape", [(3, 4), (2, 2, 4)])
def test_gradients_match_finite_differences(rng, activation, x_shape):
    n, eps = 3, 1e-6
    arrays = [rng.standard_normal(x_shape), rng.standard_normal((4, n)), rng.standard_normal(n)]
    weights = rng.uniform(0.5, 1.5, (*x_shape[:-1], n))

    def target(values):
        return float(tf.reduce_sum(_dense(*map(tf.constant, values), activation) * weights))

    grads = _gradients(
        lambda *a: _dense(*a, activation), *map(tf.constant, arrays), tf.constant(weights)
    )
    for i, grad in enumerate(grads):
        numeric = np.zeros_like(arrays[i])
        for index in np.ndindex(arrays[i].shape):
            plus, minus = [a.copy() for a in arrays], [a.copy() for a in arrays]
            plus[i][index] += eps
            minus[i][index] -= eps
            numeric[index] = (target(plus) - target(minus)) / (2 * eps)
        assert_close(grad.numpy(), numeric, rtol=1e-5, atol=1e-6, what=f"d/dinput{i}")


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_second_order_gradients_match_composite(rng, activation):
    """The rule is written with differentiable ops, so a gradient of the gradient works."""
    x, kernel, bias = _operands(rng, (5, 4), 3, np.float64)

    def grad_of_grad(fn):
        with tf.GradientTape() as outer:
            outer.watch([x, kernel, bias])
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = tf.reduce_sum(fn(x, kernel, bias, activation) ** 2)
            dx = inner.gradient(y, x)
            z = tf.reduce_sum(dx * dx)
        return outer.gradient(z, [x, kernel, bias])

    for g, w in zip(grad_of_grad(_dense), grad_of_grad(composite), strict=True):
        assert_close(g.numpy(), w.numpy(), rtol=1e-10, atol=1e-10)


def test_generic_isa_path():
    """TAPEFLOW_ISA=generic fuses the epilogue into the portable kernels too (fresh process)."""
    script = textwrap.dedent("""
        import itertools, numpy as np, tapeflow as tf
        from tapeflow import _C
        from tapeflow.ops.nn import _dense
        assert _C.cpu_isa() == "generic", _C.cpu_isa()
        rng = np.random.default_rng(0)
        acts = {"linear": lambda z: z, "relu": lambda z: np.maximum(z, 0),
                "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh}
        for dtype, (m, k, n), act in itertools.product(
                [np.float32, np.float64], [(7, 17, 15), (13, 600, 50), (150, 33, 9)], acts):
            x = rng.standard_normal((m, k)).astype(dtype)
            w = rng.standard_normal((k, n)).astype(dtype)
            b = rng.standard_normal(n).astype(dtype)
            got = np.asarray(_dense(x, w, b, act))
            want = acts[act](x.astype(np.float64) @ w + b)
            tol = 1e-4 if dtype == np.float32 else 1e-11
            assert np.allclose(got, want, rtol=tol, atol=tol), (dtype, m, k, n, act)
        print("generic ok")
    """)
    env = dict(os.environ, TAPEFLOW_ISA="generic")
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "generic ok" in done.stdout


@pytest.mark.parametrize(
    "args,message",
    [
        ((np.ones((2, 3), np.float32), np.ones((4, 5), np.float32)), "features"),
        ((np.ones(3, np.float32), np.ones((3, 5), np.float32)), "rank >= 2"),
        ((np.ones((2, 3), np.float32), np.ones((3, 5, 1), np.float32)), "kernel of rank 2"),
        ((np.ones((2, 3), np.int32), np.ones((3, 5), np.int32)), "float32 or float64"),
        ((np.ones((2, 3), np.float32), np.ones((3, 5), np.float64)), "dtype"),
        ((np.ones((2, 3)), np.ones((3, 5)), np.ones(4)), "bias of shape"),
        ((np.ones((2, 3)), np.ones((3, 5)), np.ones((1, 5))), "bias of shape"),
        ((np.ones((2, 3)), np.ones((3, 5)), None, "softmax"), "unknown activation 'softmax'"),
    ],
)
def test_bad_input_raises(args, message):
    with pytest.raises(InvalidArgumentError, match=message):
        _dense(*args)


class TestKerasDense:
    @pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh", None])
    @pytest.mark.parametrize("use_bias", [True, False])
    def test_rank2_inputs_use_the_fused_op(self, rng, monkeypatch, activation, use_bias):
        from tapeflow.keras.layers.core import dense as dense_module

        calls = []

        def counting(*args):
            calls.append(args[-1])
            return _dense(*args)

        monkeypatch.setattr(dense_module, "_dense", counting)
        layer = keras.layers.Dense(
            6, activation=activation, use_bias=use_bias, bias_initializer="random_normal"
        )
        x = tf.constant(rng.standard_normal((5, 4)).astype(np.float32))
        with tf.GradientTape() as tape:
            out = layer(x)
            loss = tf.reduce_sum(out * out)
        grads = tape.gradient(loss, layer.trainable_weights)
        assert calls == [activation or "linear"]
        bias = layer.bias if use_bias else None
        with tf.GradientTape() as tape:
            want = composite(x, layer.kernel, bias, activation or "linear")
            want_loss = tf.reduce_sum(want * want)
        want_grads = tape.gradient(want_loss, layer.trainable_weights)
        assert_close(out.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)
        for g, w in zip(grads, want_grads, strict=True):
            assert_close(g.numpy(), w.numpy(), rtol=1e-4, atol=1e-4)

    def test_other_activations_and_ranks_use_the_composite(self, rng, monkeypatch):
        from tapeflow.keras.layers.core import dense as dense_module

        monkeypatch.setattr(dense_module, "_dense", lambda *a: pytest.fail("fused op used"))
        x = tf.constant(rng.standard_normal((2, 3, 4)).astype(np.float32))
        keras.layers.Dense(3, activation="relu")(x)
        keras.layers.Dense(3, activation="softmax")(x[0])
        keras.layers.Dense(3, activation=lambda z: z * 2)(x[0])
