"""matmul and tensordot beyond the op table: the tuned GEMM against the reference kernel on
every transposition, strided and broadcast views, block boundaries, thread-count determinism,
the portable (generic) ISA path, conversions of NumPy arguments, gradients and bad input."""

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
from tapeflow import _C
from tapeflow._C import _testing
from tapeflow.errors import InvalidArgumentError

TOL = {np.float32: dict(rtol=1e-4, atol=1e-4), np.float64: dict(rtol=1e-11, atol=1e-11)}


def _t(array):
    return tf.convert_to_tensor(array)


def _stored(rng, m, k, n, transpose_a, transpose_b, dtype):
    a = rng.standard_normal((k, m) if transpose_a else (m, k)).astype(dtype)
    b = rng.standard_normal((n, k) if transpose_b else (k, n)).astype(dtype)
    return a, b


@pytest.fixture
def threads():
    before = _C.num_threads()
    yield _C.set_num_threads
    _C.set_num_threads(before)


# Sizes around the register tiles (6 x 16 / 6 x 8) and cache blocks (K slabs of <= 256; M
# blocks sized from the L2 cache, up to 252 rows here; packed-B budget of 2^20 elements:
# K = 1100 gives N blocks of 944, K = 70000 packs B in two K ranges).
SIZES = [
    (1, 1, 1),
    (6, 16, 16),
    (7, 17, 15),
    (5, 300, 3),
    (5, 1100, 1000),
    (150, 257, 40),
    (1, 600, 70),
    (97, 5, 33),
    (2, 70000, 20),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "transpose_a,transpose_b", list(itertools.product([False, True], [False, True]))
)
@pytest.mark.parametrize("m,k,n", SIZES)
def test_tuned_kernel_matches_reference(m, k, n, transpose_a, transpose_b, dtype, rng):
    a, b = _stored(rng, m, k, n, transpose_a, transpose_b, dtype)
    got = tf.matmul(_t(a), _t(b), transpose_a=transpose_a, transpose_b=transpose_b)
    ref = _testing.matmul_reference(_t(a), _t(b), transpose_a, transpose_b)
    # Rounding errors of a k-term sum grow like sqrt(k) (the reference sums sequentially).
    tol = {name: value * max(1.0, np.sqrt(k / 1000)) for name, value in TOL[dtype].items()}
    assert_close(got, ref, **tol, what="tuned vs reference")
    exact = np.matmul(a.T if transpose_a else a, b.T if transpose_b else b, dtype=np.float64)
    assert_close(got, exact, **tol, what="tuned vs numpy")


def _strided(rng, shape, strides, offset, dtype):
    """A tapeflow view and the NumPy array with the same geometry over one random buffer."""
    index = offset + sum(np.indices(shape)[i] * s for i, s in enumerate(strides))
    base = rng.standard_normal(int(index.max()) + 1).astype(dtype)
    view = _testing.strided_view(_t(base), list(shape), list(strides), offset)
    return view, base[index]


# (shape, strides, offset) for a (M,K) and b (K,N): row/column steps, negative and zero strides.
GEOMETRIES = [
    (((9, 20), (45, 2), 3), ((20, 17), (1, 23), 1)),  # a every 2nd column; b column-major
    (((9, 20), (-20, 1), 160), ((20, 17), (17, -1), 16)),  # rows / columns reversed
    (((9, 20), (0, 1), 0), ((20, 17), (3, 60), 2)),  # a: one row repeated (zero stride)
    (((40, 300), (301, 1), 5), ((300, 33), (1, 0), 0)),  # b: one column repeated
    (((7, 1), (5, 5), 0), ((1, 9), (1, 2), 0)),  # outer product
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("geometry", GEOMETRIES, ids=range(len(GEOMETRIES)))
def test_any_strided_view(geometry, dtype, rng):
    (a_shape, a_strides, a_offset), (b_shape, b_strides, b_offset) = geometry
    a, a_np = _strided(rng, a_shape, a_strides, a_offset, dtype)
    b, b_np = _strided(rng, b_shape, b_strides, b_offset, dtype)
    assert_close(tf.matmul(a, b), a_np.astype(np.float64) @ b_np, **TOL[dtype])
    assert_close(tf.matmul(a, b), _testing.matmul_reference(a, b), **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "shapes",
    [
        ((200, 300), (300, 100)),  # one independent product per thread, split over M
        ((6, 512), (512, 2000)),  # one independent product per thread, split over N
        ((520, 530), (530, 500)),  # above 2^27 multiply-adds: M blocks share one packed B
        ((64, 9, 40), (40, 30)),  # many small: split over batch
        ((3, 300, 700), (700, 20)),
    ],
)
def test_results_do_not_depend_on_thread_count(shapes, dtype, rng, threads):
    a = _t(rng.standard_normal(shapes[0]).astype(dtype))
    b = _t(rng.standard_normal(shapes[1]).astype(dtype))
    results = []
    for n in (1, 2, 3):
        threads(n)
        results.append(np.asarray(tf.matmul(a, b)).copy())
    for other in results[1:]:
        assert np.array_equal(results[0], other), "results differ between thread counts"


def test_generic_isa_path(tmp_path):
    """TAPEFLOW_ISA=generic runs the portable micro-kernels (checked in a fresh process)."""
    script = textwrap.dedent("""
        import itertools, numpy as np, tapeflow as tf
        from tapeflow import _C
        assert _C.cpu_isa() == "generic", _C.cpu_isa()
        rng = np.random.default_rng(0)
        for dtype, (m, k, n), ta, tb in itertools.product(
                [np.float32, np.float64], [(7, 17, 15), (13, 600, 50), (150, 33, 9)],
                [False, True], [False, True]):
            a = rng.standard_normal((k, m) if ta else (m, k)).astype(dtype)
            b = rng.standard_normal((n, k) if tb else (k, n)).astype(dtype)
            got = np.asarray(tf.matmul(a, tf.convert_to_tensor(b), transpose_a=ta,
                                       transpose_b=tb))
            want = np.matmul(a.T if ta else a, b.T if tb else b, dtype=np.float64)
            tol = 1e-4 if dtype == np.float32 else 1e-11
            assert np.allclose(got, want, rtol=tol, atol=tol), (dtype, m, k, n, ta, tb)
        print("generic ok")
    """)
    env = dict(os.environ, TAPEFLOW_ISA="generic")
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "generic ok" in done.stdout


class TestSemantics:
    def test_batch_dimensions_broadcast(self, rng):
        a = rng.standard_normal((2, 1, 3, 4)).astype(np.float32)
        b = rng.standard_normal((5, 4, 6)).astype(np.float32)
        out = tf.matmul(_t(a), _t(b))
        assert tuple(out.shape) == (2, 5, 3, 6)
        assert_close(out, np.matmul(a.astype(np.float64), b), **TOL[np.float32])

    def test_empty_inner_dimension_gives_zeros(self):
        out = tf.matmul(_t(np.ones((3, 0), np.float32)), _t(np.ones((0, 4), np.float32)))
        assert tuple(out.shape) == (3, 4)
        assert np.array_equal(np.asarray(out), np.zeros((3, 4), np.float32))

    @pytest.mark.parametrize(
        "a_shape,b_shape,out_shape",
        [
            ((0, 3), (3, 4), (0, 4)),
            ((2, 3), (3, 0), (2, 0)),
            ((0, 2, 3), (3, 4), (0, 2, 4)),
            ((2, 0, 3), (1, 3, 4), (2, 0, 4)),
        ],
    )
    def test_zero_size_outputs(self, a_shape, b_shape, out_shape):
        out = tf.matmul(_t(np.ones(a_shape)), _t(np.ones(b_shape)))
        assert tuple(out.shape) == out_shape

    def test_numpy_and_list_arguments(self):
        w = _t(np.array([[1.0], [2.0]], np.float32))
        x = np.array([[3.0, 4.0]], np.float32)
        assert np.asarray(tf.matmul(x, w)).tolist() == [[11.0]]
        assert np.asarray(tf.matmul([[3.0, 4.0]], w)).tolist() == [[11.0]]
        # A float64 NumPy array beside a float32 tensor takes the tensor's dtype.
        out = tf.matmul(np.array([[3.0, 4.0]]), w)
        assert out.dtype == tf.float32

    def test_variable_argument(self):
        v = tf.Variable(np.eye(2, dtype=np.float32))
        x = np.array([[1.0, 2.0]], np.float32)
        assert np.asarray(tf.matmul(x, v)).tolist() == [[1.0, 2.0]]

    def test_matmul_operator(self):
        a = _t(np.array([[1.0, 2.0]], np.float32))
        b = _t(np.array([[3.0], [4.0]], np.float32))
        assert np.asarray(a @ b).tolist() == [[11.0]]

    def test_adjoint_is_transpose_for_real_dtypes(self, rng):
        a = _t(rng.standard_normal((4, 3)))
        b = _t(rng.standard_normal((5, 4)))
        assert np.array_equal(
            np.asarray(tf.matmul(a, b, adjoint_a=True, adjoint_b=True)),
            np.asarray(tf.matmul(a, b, transpose_a=True, transpose_b=True)),
        )

    @pytest.mark.parametrize("dtype", [np.int32, np.int64])
    def test_integer_matmul_wraps_like_numpy(self, dtype):
        big = np.iinfo(dtype).max // 3
        a = np.array([[big, big], [1, -2]], dtype)
        b = np.array([[3, 1], [5, 7]], dtype)
        out = tf.matmul(_t(a), _t(b))
        assert out.dtype == tf.as_dtype(dtype)
        with np.errstate(over="ignore"):
            assert np.array_equal(np.asarray(out), np.matmul(a, b))

    def test_sparse_hints_and_matching_output_type_are_accepted(self):
        a = _t(np.ones((2, 2), np.float32))
        out = tf.matmul(a, a, a_is_sparse=True, b_is_sparse=True, output_type=tf.float32)
        assert np.asarray(out).tolist() == [[2.0, 2.0], [2.0, 2.0]]


class TestTensordot:
    def test_axes_forms(self, rng):
        a = rng.standard_normal((2, 3, 4))
        b = rng.standard_normal((4, 3, 5))
        expected = np.tensordot(a, b, axes=[[1, 2], [1, 0]])
        for axes in (
            [[1, 2], [1, 0]],
            ((1, 2), (1, 0)),
            np.array([[1, 2], [1, 0]]),
            _t(np.array([[1, 2], [1, 0]], np.int32)),
            [[-2, -1], [-2, 0]],
        ):
            assert_close(tf.tensordot(_t(a), _t(b), axes), expected, rtol=1e-12, atol=1e-12)

    def test_int_axes_including_tensor_scalar(self, rng):
        a = rng.standard_normal((2, 3, 4))
        b = rng.standard_normal((3, 4, 5))
        for axes in (2, np.int64(2), _t(np.array(2, np.int32))):
            assert_close(
                tf.tensordot(_t(a), _t(b), axes), np.tensordot(a, b, 2), rtol=1e-12, atol=1e-12
            )

    def test_transposed_input_view(self, rng):
        a = rng.standard_normal((6, 5))
        view = _testing.strided_view(_t(a), [5, 6], [1, 5], 0)  # a.T as a view
        b = rng.standard_normal((6, 3))
        assert_close(tf.tensordot(view, _t(b), 1), a.T @ b, rtol=1e-12, atol=1e-12)


class TestGradients:
    @pytest.mark.parametrize(
        "transpose_a,transpose_b", list(itertools.product([False, True], [False, True]))
    )
    def test_matmul_with_broadcast_batch(self, transpose_a, transpose_b, rng):
        a_np = rng.standard_normal((2, 1, 4, 3) if transpose_a else (2, 1, 3, 4))
        b_np = rng.standard_normal((5, 6, 4) if transpose_b else (5, 4, 6))
        g_np = rng.standard_normal((2, 5, 3, 6))
        a, b = _t(a_np), _t(b_np)
        with tf.GradientTape() as tape:
            tape.watch([a, b])
            out = tf.matmul(a, b, transpose_a=transpose_a, transpose_b=transpose_b)
        da, db = tape.gradient(out, [a, b], output_gradients=_t(g_np))
        am = np.swapaxes(a_np, -1, -2) if transpose_a else a_np
        bm = np.swapaxes(b_np, -1, -2) if transpose_b else b_np
        da_m = (g_np @ np.swapaxes(bm, -1, -2)).sum(axis=1, keepdims=True)
        db_m = (np.swapaxes(am, -1, -2) @ g_np).sum(axis=0)
        assert_close(da, np.swapaxes(da_m, -1, -2) if transpose_a else da_m, 1e-12, 1e-12)
        assert_close(db, np.swapaxes(db_m, -1, -2) if transpose_b else db_m, 1e-12, 1e-12)

    def test_tensordot(self, rng):
        a_np, b_np = rng.standard_normal((2, 3, 4)), rng.standard_normal((4, 3, 5))
        g_np = rng.standard_normal((2, 5))
        a, b = _t(a_np), _t(b_np)
        with tf.GradientTape() as tape:
            tape.watch([a, b])
            out = tf.tensordot(a, b, [[1, 2], [1, 0]])
        da, db = tape.gradient(out, [a, b], output_gradients=_t(g_np))
        assert_close(da, np.einsum("ik,djk->ijd", g_np, b_np), 1e-12, 1e-12)
        assert_close(db, np.einsum("ijd,ik->djk", a_np, g_np), 1e-12, 1e-12)

    def test_integer_matmul_is_not_differentiable(self):
        a = _t(np.ones((2, 2), np.int32))
        with tf.GradientTape() as tape:
            tape.watch(a)
            out = tf.matmul(a, a)
        assert tape.gradient(out, a) is None


class TestErrors:
    def _f32(self, *shape):
        return _t(np.ones(shape, np.float32))

    def test_inner_dimensions_differ(self):
        with pytest.raises(
            InvalidArgumentError,
            match=r"Matrix size-incompatible: "
            r"In\[0\]: \[2,3\], In\[1\]: \[4,5\]",
        ):
            tf.matmul(self._f32(2, 3), self._f32(4, 5))
        with pytest.raises(InvalidArgumentError, match="Matrix size-incompatible"):
            tf.matmul(self._f32(2, 3), self._f32(3, 2), transpose_a=True)

    def test_rank_one_inputs(self):
        with pytest.raises(InvalidArgumentError, match="ndims must be >= 2"):
            tf.matmul(self._f32(5), self._f32(5))
        with pytest.raises(InvalidArgumentError, match="has different ndims"):
            tf.matmul(self._f32(5), self._f32(5, 1))
        with pytest.raises(InvalidArgumentError, match="has different ndims"):
            tf.matmul(self._f32(1, 5), _t(np.float32(2.0)))

    def test_incompatible_batch_dimensions(self):
        with pytest.raises(InvalidArgumentError, match="compatible batch dimensions"):
            tf.matmul(self._f32(2, 3, 4), self._f32(3, 4, 5))

    def test_mixed_dtypes(self):
        with pytest.raises(InvalidArgumentError, match="float32 and float64"):
            tf.matmul(self._f32(2, 2), _t(np.ones((2, 2))))
        with pytest.raises(InvalidArgumentError, match="same dtype"):
            tf.tensordot(self._f32(2, 2), _t(np.ones((2, 2), np.int32)), 1)

    def test_bool_inputs(self):
        x = _t(np.ones((2, 2), bool))
        with pytest.raises(InvalidArgumentError, match="got bool"):
            tf.matmul(x, x)
        with pytest.raises(InvalidArgumentError, match="got bool"):
            tf.tensordot(x, x, 1)

    def test_transpose_and_adjoint_together(self):
        x = self._f32(2, 2)
        with pytest.raises(ValueError, match="Only one of transpose_a and adjoint_a"):
            tf.matmul(x, x, transpose_a=True, adjoint_a=True)
        with pytest.raises(ValueError, match="Only one of transpose_b and adjoint_b"):
            tf.matmul(x, x, transpose_b=True, adjoint_b=True)

    def test_output_type_other_than_input(self):
        with pytest.raises(TypeError, match="output_type"):
            tf.matmul(self._f32(2, 2), self._f32(2, 2), output_type=tf.float64)

    def test_tensordot_bad_axes(self):
        a, b = self._f32(2, 3), self._f32(3, 4)
        with pytest.raises(InvalidArgumentError, match="contracted dimensions differ"):
            tf.tensordot(a, b, [[0], [0]])
        with pytest.raises(InvalidArgumentError, match="differ in length"):
            tf.tensordot(a, b, [[1], [0, 1]])
        with pytest.raises(IndexError):
            tf.tensordot(a, b, [[2], [0]])
        with pytest.raises(IndexError):
            tf.tensordot(a, b, [[1], [-3]])
        with pytest.raises(InvalidArgumentError, match="appears twice"):
            tf.tensordot(self._f32(3, 3), self._f32(3, 3), [[0, 0], [0, 1]])
        with pytest.raises(InvalidArgumentError, match="at least 0"):
            tf.tensordot(a, b, -1)
        with pytest.raises(InvalidArgumentError, match="must not exceed"):
            tf.tensordot(a, b, 3)
        with pytest.raises(ValueError, match="length 2"):
            tf.tensordot(a, b, [[1], [0], [1]])
        with pytest.raises(TypeError):
            tf.tensordot(a, b, "1")
        with pytest.raises(TypeError):
            tf.tensordot(a, b, True)
        with pytest.raises(TypeError):
            tf.tensordot(a, b, [[1.5], [0]])

    def test_tensordot_result_rank_limit(self):
        a = _t(np.ones((1,) * 7, np.float32))
        with pytest.raises(InvalidArgumentError, match="rank 14"):
            tf.tensordot(a, a, 0)

    def test_wrong_python_types(self):
        with pytest.raises(TypeError):
            tf.matmul("abc", self._f32(2, 2))
        with pytest.raises(TypeError):
            tf.matmul(self._f32(2, 2), object())
