"""The packed float GEMM (csrc/kernels/cpu/isa/gemm.cpp) against NumPy in float64, path by path:
every size 1..67 in each dimension (register-tile edges in M, N and K), primes across the cache
blocks, all four transpositions, A read in place (row- or column-major, small N) with positive,
negative and zero strides, batches, float64, the fused dense epilogue, thread counts 1 and 2
giving bit-identical results, and the portable (TAPEFLOW_ISA=generic) kernels."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from tapeflow._C import _testing
from tapeflow.ops.nn import _dense

TRANSPOSES = list(itertools.product([False, True], [False, True]))


def _tolerance(dtype, k):
    """Rounding of a k-term float sum grows like sqrt(k)."""
    base = 2e-5 if dtype == np.float32 else 1e-12
    return base * max(1.0, np.sqrt(k / 16))


def _check_matmul(rng, m, k, n, transpose_a, transpose_b, dtype=np.float32):
    a = rng.standard_normal((k, m) if transpose_a else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if transpose_b else (k, n)).astype(dtype)
    got = tf.matmul(a, b, transpose_a=transpose_a, transpose_b=transpose_b)
    want = np.matmul(a.T if transpose_a else a, b.T if transpose_b else b, dtype=np.float64)
    tol = _tolerance(dtype, k)
    assert_close(got, want, rtol=tol, atol=tol, what=f"{m}x{k} @ {k}x{n} {transpose_a=}")


@pytest.mark.parametrize("transpose_a,transpose_b", TRANSPOSES)
@pytest.mark.parametrize("dim", ["m", "k", "n"])
def test_every_size_up_to_67(dim, transpose_a, transpose_b, rng):
    """One dimension runs 1..67 (1..11 tiles of 6 rows, 1..5 panels of 16 columns, and every
    remainder); the other two stay odd so that every tile is an edge tile somewhere."""
    for size in range(1, 68):
        shape = {"m": 13, "k": 19, "n": 23} | {dim: size}
        _check_matmul(rng, shape["m"], shape["k"], shape["n"], transpose_a, transpose_b)


# Row counts whose M block ends in each possible last tile: 6n + 2 ends in two 4-row tiles
# (8, 14, 128, 134), the others in one tile of 1..6 rows; K = 300 runs two K slabs (the second
# accumulates into c), N = 40 two full panels and an edge.
@pytest.mark.parametrize("transpose_a,transpose_b", TRANSPOSES)
@pytest.mark.parametrize("m", [8, 14, 15, 16, 17, 18, 19, 128, 134, 255])
def test_every_last_row_tile_of_an_m_block(m, transpose_a, transpose_b, rng):
    _check_matmul(rng, m, 300, 40, transpose_a, transpose_b)


# Primes straddling the cache blocks (K slabs of ~256, M blocks of ~250, 16-column panels) and
# the thread split (2^19 and 2^27 multiply-adds).
PRIME_SIZES = [(2, 3, 5), (61, 67, 71), (127, 251, 257), (257, 263, 269), (521, 523, 541)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("transpose_a,transpose_b", TRANSPOSES)
@pytest.mark.parametrize("m,k,n", PRIME_SIZES)
def test_prime_sizes(m, k, n, transpose_a, transpose_b, dtype, rng):
    _check_matmul(rng, m, k, n, transpose_a, transpose_b, dtype)


# Small N: below one 16-column panel the product runs transposed (5- or 6-row tiles over N, A
# read in place as the B operand when column-major); up to 2 panels A is read in place when
# row- or column-major. K = 10 and M = 512 as in an MNIST output layer and its gradients.
SKINNY = [
    (512, 128, 10),
    (128, 512, 10),
    (128, 10, 512),
    (517, 300, 1),
    (300, 40, 5),
    (301, 41, 15),
    (64, 33, 12),
    (33, 700, 32),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("transpose_a,transpose_b", TRANSPOSES)
@pytest.mark.parametrize("m,k,n", SKINNY)
def test_skinny_products(m, k, n, transpose_a, transpose_b, dtype, rng):
    _check_matmul(rng, m, k, n, transpose_a, transpose_b, dtype)


def _strided(rng, shape, strides, offset, dtype=np.float32):
    """A tapeflow view and the NumPy array with the same geometry over one random buffer."""
    index = offset + sum(np.indices(shape)[i] * s for i, s in enumerate(strides))
    base = rng.standard_normal(int(index.max()) + 1).astype(dtype)
    return _testing.strided_view(tf.constant(base), list(shape), list(strides), offset), base[index]


# a (M, K) geometries that take the in-place paths with a small N: row-major with a row gap,
# column-major (unit row stride) with a column gap, columns reversed, a zero column stride.
A_GEOMETRIES = [
    ((50, 40), (45, 1), 3),
    ((50, 40), (1, 53), 2),
    ((50, 40), (1, -50), 39 * 50),
    ((50, 40), (1, 0), 0),
    ((50, 40), (-40, 1), 49 * 40),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("geometry", A_GEOMETRIES, ids=range(len(A_GEOMETRIES)))
@pytest.mark.parametrize("n", [1, 10, 17, 33])
def test_a_read_in_place_through_any_strides(geometry, n, dtype, rng):
    a, a_np = _strided(rng, *geometry, dtype=dtype)
    b_np = rng.standard_normal((40, n)).astype(dtype)
    tol = _tolerance(dtype, 40)
    assert_close(tf.matmul(a, b_np), a_np.astype(np.float64) @ b_np, rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("transpose_a,transpose_b", TRANSPOSES)
def test_batched_products_with_broadcast_batch(transpose_a, transpose_b, dtype, rng):
    a = rng.standard_normal((3, 1, 37, 29)).astype(dtype)
    b = rng.standard_normal((4, 29, 37)).astype(dtype)
    a_t, b_t = a.swapaxes(-1, -2), b.swapaxes(-1, -2)
    got = tf.matmul(
        np.ascontiguousarray(a_t) if transpose_a else a,
        np.ascontiguousarray(b_t) if transpose_b else b,
        transpose_a=transpose_a,
        transpose_b=transpose_b,
    )
    want = np.matmul(a.astype(np.float64), b)
    tol = _tolerance(dtype, 29)
    assert_close(got, want, rtol=tol, atol=tol)


NUMPY_ACTIVATION = {
    "linear": lambda z: z,
    "relu": lambda z: np.maximum(z, 0),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("activation", list(NUMPY_ACTIVATION))
@pytest.mark.parametrize("x_transposed", [False, True])
@pytest.mark.parametrize("batch,features,units", [(128, 784, 512), (512, 128, 10), (7, 300, 33)])
def test_fused_epilogue(batch, features, units, x_transposed, activation, dtype, rng):
    """activation(x @ kernel + bias) applied in the write-back of the last K slab, whether x is
    packed or read in place (row-major, or column-major through a transposed view)."""
    x = rng.standard_normal((batch, features)).astype(dtype)
    kernel = (rng.standard_normal((features, units)) / np.sqrt(features)).astype(dtype)
    bias = rng.standard_normal(units).astype(dtype)
    x_in = tf.transpose(tf.constant(x.T.copy())) if x_transposed else tf.constant(x)
    got = _dense(x_in, tf.constant(kernel), tf.constant(bias), activation)
    want = NUMPY_ACTIVATION[activation](x.astype(np.float64) @ kernel + bias)
    tol = _tolerance(dtype, features)
    assert_close(got, want, rtol=tol, atol=tol, what=activation)


@pytest.fixture
def intra_op_threads():
    before = tf.config.threading.get_intra_op_parallelism_threads()
    yield tf.config.threading.set_intra_op_parallelism_threads
    tf.config.threading.set_intra_op_parallelism_threads(before)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "m,k,n,transpose_a,transpose_b",
    [
        (128, 784, 512, False, False),  # independent products, split over N
        (784, 128, 512, True, False),
        (128, 512, 784, False, True),
        (600, 600, 600, False, False),  # one shared packed B
        (1030, 300, 1030, True, True),
        (12, 3000, 3900, False, False),  # shared by M blocks of 6 rows, B read in place
        (512, 128, 10, True, False),  # small N: A read in place
        (128, 512, 10, False, False),
        (128, 10, 512, False, True),  # K = 10
    ],
)
def test_thread_counts_give_bit_identical_results(
    m, k, n, transpose_a, transpose_b, dtype, rng, intra_op_threads
):
    a = tf.constant(rng.standard_normal((k, m) if transpose_a else (m, k)).astype(dtype))
    b = tf.constant(rng.standard_normal((n, k) if transpose_b else (k, n)).astype(dtype))
    results = []
    for threads in (1, 2):
        intra_op_threads(threads)
        results.append(np.asarray(tf.matmul(a, b, transpose_a, transpose_b)).copy())
    assert np.array_equal(results[0], results[1]), "1 and 2 threads differ"
    want = np.matmul(
        np.asarray(a).T if transpose_a else np.asarray(a),
        np.asarray(b).T if transpose_b else np.asarray(b),
        dtype=np.float64,
    )
    tol = _tolerance(dtype, k)
    assert_close(results[0], want, rtol=tol, atol=tol)


def test_generic_isa_kernels():
    """TAPEFLOW_ISA=generic runs the portable micro-kernels on every path (fresh process)."""
    script = textwrap.dedent("""
        import itertools, numpy as np, tapeflow as tf
        from tapeflow import _C
        assert _C.cpu_isa() == "generic", _C.cpu_isa()
        rng = np.random.default_rng(0)
        sizes = [(1, 1, 1), (67, 61, 59), (512, 128, 10), (128, 10, 512), (300, 700, 20),
                 (300, 50, 5)]
        for dtype, (m, k, n), ta, tb in itertools.product(
                [np.float32, np.float64], sizes, [False, True], [False, True]):
            a = rng.standard_normal((k, m) if ta else (m, k)).astype(dtype)
            b = rng.standard_normal((n, k) if tb else (k, n)).astype(dtype)
            got = np.asarray(tf.matmul(a, b, transpose_a=ta, transpose_b=tb))
            want = np.matmul(a.T if ta else a, b.T if tb else b, dtype=np.float64)
            tol = (1e-4 if dtype == np.float32 else 1e-11) * max(1, np.sqrt(k / 16))
            assert np.allclose(got, want, rtol=tol, atol=tol), (dtype, m, k, n, ta, tb)
        print("generic ok")
    """)
    env = dict(os.environ, TAPEFLOW_ISA="generic")
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "generic ok" in done.stdout
