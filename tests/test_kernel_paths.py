"""The fast paths of the CPU elementwise and reduction kernels, held against NumPy where each
path has its edges: large outputs shared between threads (unaligned starts, tails, broadcast
operands), the vectorised max/min and the one-pass arg max/min of contiguous rows (NaN and
ties in every block, tails), the vectorised dense epilogue and softmax cross-entropy; each
with 1 and 2 threads giving the same bits, and the whole set again in a child process with
TAPEFLOW_ISA=generic."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from tapeflow import _C

LARGE = 2 * 1024 * 1024  # elements: 8 MiB of float32, split between threads


def _with_threads(n, fn):
    before = _C.num_threads()
    try:
        _C.set_num_threads(n)
        return fn()
    finally:
        _C.set_num_threads(before)


def _same_bits_with_1_and_2_threads(fn):
    one, two = (_with_threads(n, fn) for n in (1, 2))
    np.testing.assert_array_equal(one, two)
    return one


# ---- elementwise outputs written with non-temporal stores -------------------------------------


@pytest.mark.parametrize("extra", [0, 3, 1021])  # exact, a short tail, an unaligned tail
def test_large_binary_outputs_match_numpy(extra, rng):
    n = LARGE + extra
    a = rng.standard_normal(n).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    ta, tb = tf.constant(a), tf.constant(b)
    out = _same_bits_with_1_and_2_threads(lambda: (ta * tb).numpy())
    np.testing.assert_array_equal(out, a * b)
    np.testing.assert_array_equal((ta + 2.5).numpy(), a + np.float32(2.5))  # a scalar operand
    np.testing.assert_array_equal((ta < tb).numpy(), a < b)  # bool output (n bytes)


def test_large_broadcast_add_matches_numpy(rng):
    x = rng.standard_normal((1023, 2049)).astype(np.float32)  # rows start unaligned
    row = rng.standard_normal(2049).astype(np.float32)
    col = rng.standard_normal((1023, 1)).astype(np.float32)
    tx, trow, tcol = tf.constant(x), tf.constant(row), tf.constant(col)
    np.testing.assert_array_equal(
        _same_bits_with_1_and_2_threads(lambda: (tx + trow).numpy()), x + row
    )
    np.testing.assert_array_equal((tx - tcol).numpy(), x - col)
    np.testing.assert_array_equal((tcol * trow).numpy(), col * row)  # both operands broadcast


def test_large_unary_outputs_match_numpy(rng):
    x = rng.standard_normal(LARGE + 5).astype(np.float32)
    tx = tf.constant(x)
    np.testing.assert_array_equal(tf.nn.relu(tx).numpy(), np.maximum(x, 0))
    np.testing.assert_array_equal(tf.abs(tx).numpy(), np.abs(x))
    got = _same_bits_with_1_and_2_threads(lambda: tf.exp(tx).numpy())
    assert_close(got, np.exp(x.astype(np.float64)), rtol=3e-7, atol=0, what="exp")
    # A strided input (every other element) into a fresh contiguous output.
    wide = rng.standard_normal(2 * LARGE + 2).astype(np.float64)
    strided = tf.constant(wide.reshape(-1, 2))[:, 0]
    assert_close(
        tf.tanh(strided).numpy(),
        np.tanh(wide[::2]),
        rtol=1e-15,
        atol=1e-16,
        what="tanh of a strided view",
    )


def test_large_sin_and_pow_outputs_match_numpy(rng):
    """The float32 vector sin and pow (in double lanes) over a large output split between
    threads: a shared vector straddling the split, huge arguments on the libm lanes."""
    x = (rng.standard_normal(LARGE + 5) * 100).astype(np.float32)
    x[::1001] = 3e7  # beyond the vector reduction's range
    tx = tf.constant(x)
    got = _same_bits_with_1_and_2_threads(lambda: tf.sin(tx).numpy())
    assert_close(got, np.sin(x.astype(np.float64)), rtol=0, atol=6e-8, what="sin")
    base = np.abs(x) / 50 + np.float32(0.01)
    got = _same_bits_with_1_and_2_threads(lambda: tf.pow(tf.constant(base), tx / 40).numpy())
    with np.errstate(over="ignore"):  # the 3e7 lanes overflow to inf (and must, in both)
        want = np.power(base.astype(np.float64), (x / np.float32(40)).astype(np.float64))
    assert_close(got, want, rtol=1.2e-7, atol=0, what="pow")


def test_large_output_of_an_integer_op_matches_numpy(rng):
    a = rng.integers(-1000, 1000, size=LARGE + 7).astype(np.int64)
    ta = tf.constant(a)
    np.testing.assert_array_equal((ta * 3 - ta).numpy(), a * 3 - a)


# ---- vectorised max/min of contiguous rows ----------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_row_max_min_every_length_and_nan_position(dtype, rng):
    for n in list(range(1, 70)) + [511, 512, 513, 1024, 1100, 4099]:
        x = rng.standard_normal((3, n)).astype(dtype)
        x[1, rng.integers(n)] = np.nan  # row 1: one NaN anywhere
        x[2, -1] = np.nan  # row 2: a NaN in the very last element (the tail)
        for fn, ref in ((tf.reduce_max, np.max), (tf.reduce_min, np.min)):
            got = _same_bits_with_1_and_2_threads(lambda fn=fn, x=x: fn(x, axis=1).numpy())
            np.testing.assert_array_equal(got, ref(x, axis=1), err_msg=f"{fn.__name__} n={n}")


def test_long_max_min_with_infinities_and_late_nan(rng):
    x = rng.standard_normal(300_001).astype(np.float32)
    x[[10, 200_000]] = np.inf
    x[[11, 250_000]] = -np.inf
    t = tf.constant(x)
    assert tf.reduce_max(t).numpy() == np.inf
    assert tf.reduce_min(t).numpy() == -np.inf
    x[299_999] = np.nan  # in the last block shared out to a thread
    assert np.isnan(_same_bits_with_1_and_2_threads(lambda: tf.reduce_max(tf.constant(x)).numpy()))
    assert np.isnan(tf.reduce_min(tf.constant(x)).numpy())
    all_minus_inf = np.full(1000, -np.inf, np.float32)
    assert tf.reduce_max(tf.constant(all_minus_inf)).numpy() == -np.inf


# ---- one-pass arg max / arg min ---------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64"])
def test_argmax_ties_across_blocks_give_the_first_index(dtype, rng):
    for n in (5, 511, 512, 513, 1500, 5000):
        x = rng.integers(-50, 50, size=(4, n)).astype(dtype)
        x[0, [n // 3, n - 1]] = 100  # the same extreme in two blocks
        x[1, -1] = 100  # the extreme in the tail
        x[2, 0] = -100  # the minimum first
        x[3] = 7  # all equal
        for fn, ref in ((tf.argmax, np.argmax), (tf.argmin, np.argmin)):
            got = _same_bits_with_1_and_2_threads(lambda fn=fn, x=x: fn(x, axis=1).numpy())
            np.testing.assert_array_equal(got, ref(x, axis=1), err_msg=f"{fn.__name__} n={n}")


def test_argmax_nan_in_a_late_block_and_extreme_values(rng):
    x = rng.standard_normal((3, 3000)).astype(np.float32)
    x[0, [2500, 2900]] = np.nan  # a NaN after the maximum: the first NaN wins
    x[1] = -np.inf
    x[2, 1700] = np.inf
    for fn, ref in ((tf.argmax, np.argmax), (tf.argmin, np.argmin)):
        np.testing.assert_array_equal(fn(x, axis=1).numpy(), ref(x, axis=1))
    lowest = np.full(1030, np.iinfo(np.int32).min, np.int32)
    assert tf.argmax(lowest).numpy() == 0
    lowest[1029] = 0
    assert tf.argmax(lowest).numpy() == 1029


# ---- the dense epilogue and the softmax cross-entropy --------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dense_epilogue_matches_numpy_in_float64(activation, dtype, rng):
    x = rng.standard_normal((37, 29)).astype(dtype)
    kernel = rng.standard_normal((29, 45)).astype(dtype)
    bias = rng.standard_normal(45).astype(dtype)
    z = x.astype(np.float64) @ kernel.astype(np.float64) + bias
    want = {"relu": np.maximum(z, 0), "sigmoid": 1 / (1 + np.exp(-z)), "tanh": np.tanh(z)}
    layer = tf.keras.layers.Dense(45, activation=activation, dtype=dtype)
    layer.build((None, 29))
    layer.kernel.assign(kernel)
    layer.bias.assign(bias)
    got = _same_bits_with_1_and_2_threads(lambda: layer(x).numpy())
    tol = 2e-5 if dtype == "float32" else 1e-12
    assert_close(got, want[activation], rtol=tol, atol=tol, what=activation)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("classes", [1, 7, 33, 1000])
def test_cross_entropy_matches_numpy_for_every_class_count(classes, dtype, rng):
    rows = 3000  # enough rows for the threads to share them
    logits = rng.normal(scale=4.0, size=(rows, classes)).astype(dtype)
    labels = rng.integers(0, classes, size=rows)
    z = logits.astype(np.float64)
    top = z.max(axis=1, keepdims=True)
    log_total = np.log(np.exp(z - top).sum(axis=1)) + top[:, 0]
    want = log_total - z[np.arange(rows), labels]
    t_logits, t_labels = tf.constant(logits), tf.constant(labels)

    def run():
        return tf.nn.sparse_softmax_cross_entropy_with_logits(t_labels, t_logits).numpy()

    tol = 1e-5 if dtype == "float32" else 1e-12
    assert_close(_same_bits_with_1_and_2_threads(run), want, rtol=tol, atol=tol)
    with tf.GradientTape() as tape:
        tape.watch(t_logits)
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(t_labels, t_logits)
    softmax = np.exp(z - log_total[:, None])
    softmax[np.arange(rows), labels] -= 1
    assert_close(tape.gradient(loss, t_logits).numpy(), softmax, rtol=tol, atol=tol)


# ---- the generic ISA -------------------------------------------------------------------------


def test_the_generic_isa_passes_these_tests_too():
    if os.environ.get("TAPEFLOW_ISA") == "generic":
        pytest.skip("already running the generic ISA")
    package_root = os.path.dirname(os.path.dirname(tf.__file__))  # this tapeflow, not another
    path = os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")])
    env = dict(os.environ, TAPEFLOW_ISA="generic", PYTHONPATH=path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-x",
            "-p",
            "no:cacheprovider",
            __file__,
            "-k",
            "not generic_isa",
        ],
        env=env,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
