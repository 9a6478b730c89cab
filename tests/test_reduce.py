"""Reductions, arg max/min and softmax beyond the op table: every loop of the tuned kernel
against the reference kernel on many layouts, TF's semantics at the edges, errors, NaN,
accuracy over millions of elements, and bit-identical results for any thread count."""

import itertools
import os
import subprocess
import sys

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from tapeflow import _C

c = tf.convert_to_tensor
R = _C.ReduceOp
NUMERIC_OPS = (R.sum, R.prod, R.max, R.min, R.mean)


# ---- layouts: the same values seen through different strides ------------------------------


def _layouts(a):
    """(name, tensor) pairs holding the values of `a` with different strides."""
    yield "contiguous", c(a)
    if a.ndim >= 2:
        perm = list(range(a.ndim))[::-1]
        inverse = list(np.argsort(perm))
        yield "transposed", tf.transpose(c(np.ascontiguousarray(a.transpose(perm))), inverse)
    if a.ndim >= 1:
        wide = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)
        wide[..., ::2] = a
        yield "step 2", c(wide)[..., ::2]
        yield "reversed", c(np.ascontiguousarray(a[::-1]))[::-1]


def _reference(op, t, axis, keepdims):
    axes = None if axis is None else list(axis)
    return np.asarray(_C.reduce_reference(op, t, axes, keepdims))


def _all_axes(rank):
    for k in range(rank + 1):
        yield from itertools.combinations(range(rank), k)


def _random(rng, shape, dtype):
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype.startswith("int"):
        return rng.integers(-3, 4, size=shape).astype(dtype)
    return rng.uniform(0.5, 1.5, size=shape).astype(dtype)  # products stay finite


def _check_against_reference(op, t, axis, keepdims, dtype, what):
    got = np.asarray(_C.reduce(op, t, None if axis is None else list(axis), keepdims))
    expected = _reference(op, t, axis, keepdims)
    if dtype.startswith("float") and op in (R.sum, R.prod, R.mean):
        tol = 2e-6 if dtype == "float32" else 1e-13
        assert_close(got, expected, rtol=tol, atol=tol, what=what)
    else:  # max, min, any, all and every integer op are exact
        assert_close(got, expected, rtol=0, atol=0, what=what)


# Small shapes reach the contiguous loop, the column loop and the packed copy on every
# combination of axes; the larger ones reach the threaded and block-split paths.
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64", "bool"])
@pytest.mark.parametrize("shape", [(5,), (3, 17), (4, 1, 6), (2, 3, 5, 7)])
def test_every_axis_set_and_layout_matches_the_reference(dtype, shape, rng):
    a = _random(rng, shape, dtype)
    ops = (R.any, R.all) if dtype == "bool" else NUMERIC_OPS
    for name, t in _layouts(a):
        for axis in itertools.chain([None], _all_axes(len(shape))):
            for op in ops:
                _check_against_reference(
                    op, t, axis, False, dtype, f"{op.name} {name} {shape} axis={axis}"
                )


@pytest.mark.parametrize(
    "shape,axis",
    [
        ((70001,), None),  # one long reduction: fixed blocks combined in order
        ((3, 40000), (1,)),  # few long rows
        ((40000, 3), (0,)),  # few columns: column loop split into blocks of rows
        ((300, 500), (0,)),  # column loop over whole rows
        ((300, 5000), (0,)),  # rows wider than one column chunk
        ((500, 300), (1,)),  # many contiguous reductions, threaded
        ((20, 30, 40), (0, 2)),  # reduced axes on both sides of a kept one
        ((20, 30, 40), (1,)),  # a middle axis: column loop per outer index
        ((64, 3, 2), (1,)),  # narrow columns
    ],
)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_large_reductions_match_the_reference(shape, axis, dtype, rng):
    a = _random(rng, shape, dtype)
    for name, t in _layouts(a):
        for op in (R.sum, R.max, R.min, R.mean):
            _check_against_reference(op, t, axis, True, dtype, f"{op.name} {name} {shape}")


def test_broadcast_views_reduce_like_their_values(rng):
    a = rng.standard_normal((1, 300)).astype(np.float32)
    t = tf.broadcast_to(c(a), (500, 300))  # a zero stride on axis 0
    full = np.broadcast_to(a, (500, 300)).astype(np.float64)
    for axis in (None, 0, 1):
        assert_close(tf.reduce_sum(t, axis=axis), full.sum(axis=axis), rtol=2e-6, atol=1e-4)
        assert_close(tf.reduce_max(t, axis=axis), full.max(axis=axis), rtol=0, atol=0)


# ---- TF semantics at the edges ---------------------------------------------------------------


def test_empty_reductions_give_the_identity():
    f = c(np.zeros((0, 3), np.float32))
    i = c(np.zeros((0, 3), np.int32))
    assert tf.reduce_sum(f).numpy() == 0 and tf.reduce_prod(f).numpy() == 1
    assert np.isnan(tf.reduce_mean(f).numpy())
    np.testing.assert_array_equal(tf.reduce_max(f, axis=0).numpy(), [-np.inf] * 3)
    np.testing.assert_array_equal(tf.reduce_min(f, axis=0).numpy(), [np.inf] * 3)
    assert tf.reduce_max(i).numpy() == np.iinfo(np.int32).min
    assert tf.reduce_min(i).numpy() == np.iinfo(np.int32).max
    assert tf.reduce_mean(i).numpy() == 0
    assert tf.reduce_sum(f, axis=1).shape == (0,)
    assert tf.reduce_sum(f, axis=1, keepdims=True).shape == (0, 1)
    b = c(np.zeros((0,), bool))
    assert not tf.reduce_any(b).numpy() and tf.reduce_all(b).numpy()
    assert tf.reduce_logsumexp(c(np.zeros((0,), np.float32))).numpy() == -np.inf


def test_scalars_empty_axis_lists_and_keepdims():
    s = c(np.float32(2.5))
    assert tf.reduce_sum(s).numpy() == 2.5 and tf.reduce_sum(s).shape == ()
    assert tf.reduce_mean(s, axis=[]).numpy() == 2.5
    assert tf.reduce_max(s, keepdims=True).shape == ()
    with pytest.raises(IndexError, match="out of range for a tensor of rank 0"):
        tf.reduce_sum(s, axis=0)
    x = c(np.arange(6, dtype=np.float32).reshape(2, 3))
    np.testing.assert_array_equal(tf.reduce_sum(x, axis=()).numpy(), x.numpy())  # no-op
    assert tf.reduce_sum(x, keepdims=True).shape == (1, 1)
    assert tf.reduce_sum(x, axis=-1, keepdims=True).shape == (2, 1)


@pytest.mark.parametrize(
    "axis",
    [1, -1, [1], (1,), np.int64(1), np.array([1]), c(np.array([1], np.int32)), c(np.int64(-1))],
)
def test_axis_spellings(axis):
    x = c(np.arange(6, dtype=np.float32).reshape(2, 3))
    np.testing.assert_array_equal(tf.reduce_sum(x, axis=axis).numpy(), [3.0, 12.0])


def test_integer_sums_wrap_and_means_truncate_as_in_tf():
    big = c(np.array([2**31 - 1, 1], np.int32))
    assert tf.reduce_sum(big).numpy() == -(2**31)
    assert tf.reduce_mean(c(np.array([-7, 0], np.int32))).numpy() == -3  # toward zero
    assert tf.reduce_mean(c(np.array([[1, 2], [3, 5]], np.int64)), axis=1).numpy().tolist() == [
        1,
        4,
    ]
    assert tf.reduce_mean(c([1.0, 2.0])).dtype == tf.float32


def test_nan_propagates_through_every_max_min_loop(rng):
    for shape, axis in (((1000,), None), ((70001,), None), ((300, 40), 0), ((40, 300), 1)):
        a = rng.standard_normal(shape).astype(np.float32)
        a.flat[a.size // 3] = np.nan
        for fn, ref in ((tf.reduce_max, np.max), (tf.reduce_min, np.min)):
            assert_close(
                fn(c(a), axis=axis),
                ref(a, axis=axis),
                rtol=0,
                atol=0,
                what=f"{fn.__name__} {shape}",
            )


# ---- arg max / arg min -----------------------------------------------------------------------


def test_argmax_defaults_output_type_and_ties():
    x = c(np.array([[1.0, 5.0], [7.0, 2.0]], np.float32))
    assert tf.argmax(x).numpy().tolist() == [1, 0]  # axis 0 by default, as in TF
    assert tf.argmax(x).dtype == tf.int64
    assert tf.argmax(x, axis=1, output_type=tf.int32).dtype == tf.int32
    assert tf.argmin(x, axis=-1).numpy().tolist() == [0, 1]
    assert tf.argmax(c([3.0, 3.0, 1.0])).numpy() == 0  # the first index wins a tie
    assert tf.argmax(c(np.ones((4, 300), np.float32))).numpy().tolist() == [0] * 300
    assert tf.argmax(c([False, True, True])).numpy() == 1  # bool, as TF allows
    assert tf.argmin(c(np.array([[5], [6]], np.int32)), axis=1).numpy().tolist() == [0, 0]


def test_argmax_nan_rule_is_numpys_first_nan(rng):
    for shape, axis in (((9,), 0), ((1000,), 0), ((50, 300), 0), ((300, 50), 1)):
        a = rng.standard_normal(shape)
        a.flat[[7, a.size // 2, a.size - 1]] = np.nan
        for fn, ref in ((tf.argmax, np.argmax), (tf.argmin, np.argmin)):
            np.testing.assert_array_equal(fn(c(a), axis=axis).numpy(), ref(a, axis=axis))


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64"])
def test_argmax_on_strided_layouts_matches_numpy(dtype, rng):
    a = rng.integers(-5, 6, size=(37, 70)).astype(dtype)  # many ties
    for name, t in _layouts(a):
        for axis in (0, 1, -1):
            np.testing.assert_array_equal(
                tf.argmax(t, axis=axis).numpy(),
                np.argmax(a, axis),
                err_msg=f"argmax {name} axis={axis}",
            )
            np.testing.assert_array_equal(
                tf.argmin(t, axis=axis).numpy(),
                np.argmin(a, axis),
                err_msg=f"argmin {name} axis={axis}",
            )


# ---- softmax ---------------------------------------------------------------------------------


def _composite_softmax(x, axis, log):
    """The composite reference built from public ops."""
    shifted = x - tf.reduce_max(x, axis=axis, keepdims=True)
    total = tf.reduce_sum(tf.exp(shifted), axis=axis, keepdims=True)
    return shifted - tf.math.log(total) if log else tf.exp(shifted) / total


@pytest.mark.parametrize("log", [False, True])
@pytest.mark.parametrize("dtype,tol", [("float32", 2e-6), ("float64", 1e-14)])
def test_softmax_matches_the_composite_on_every_axis_and_layout(log, dtype, tol, rng):
    fn = tf.nn.log_softmax if log else tf.nn.softmax
    a = (rng.standard_normal((5, 70, 9)) * 20).astype(dtype)
    for name, t in _layouts(a):
        for axis in (0, 1, 2, -1):
            assert_close(
                fn(t, axis=axis),
                _composite_softmax(c(a), axis, log),
                rtol=tol,
                atol=tol,
                what=f"{fn.__name__} {name} axis={axis}",
            )


def test_softmax_exp_is_accurate_over_the_whole_range():
    # x - max spans [-120, 0]: beyond float32's normal range exp gives 0 (within atol).
    for dtype, tol in (("float32", 3e-7), ("float64", 1e-15)):
        x = np.stack([np.zeros(20001), np.linspace(-120, 0, 20001)], axis=1).astype(dtype)
        exact = np.exp(x.astype(np.float64))
        exact /= exact.sum(axis=0, keepdims=True)
        assert_close(tf.nn.softmax(c(x), axis=0), exact, rtol=tol * 10, atol=1e-37, what=dtype)


def test_softmax_edge_values():
    out = tf.nn.softmax(c(np.array([1000.0, 0.0], np.float32))).numpy()
    np.testing.assert_array_equal(out, [1.0, 0.0])
    np.testing.assert_allclose(tf.nn.log_softmax(c([1000.0, 0.0])).numpy(), [0.0, -1000.0])
    masked = tf.nn.softmax(c(np.array([[0.0, -np.inf, 0.0]], np.float32))).numpy()
    np.testing.assert_array_equal(masked, [[0.5, 0.0, 0.5]])  # -inf logits get exactly 0
    assert np.isnan(tf.nn.softmax(c([-np.inf, -np.inf])).numpy()).all()  # as TF: 0/0
    assert np.isnan(tf.nn.softmax(c([np.nan, 1.0])).numpy()).all()
    assert tf.nn.softmax(c(np.zeros((3, 0), np.float32))).shape == (3, 0)
    assert tf.nn.softmax([[1.0, 1.0]]).numpy().tolist() == [[0.5, 0.5]]


def test_logsumexp_handles_large_values_and_minus_infinity():
    x = c(np.array([[1000.0, 1000.0], [-np.inf, -np.inf], [np.inf, 1.0]], np.float64))
    out = tf.reduce_logsumexp(x, axis=1).numpy()
    assert abs(out[0] - (1000.0 + np.log(2.0))) < 1e-9
    assert out[1] == -np.inf and out[2] == np.inf


# ---- errors: every hostile argument raises, never crashes -------------------------------------


def test_errors_name_what_was_received():
    x = c(np.zeros((2, 3), np.float32))
    E = tf.errors.InvalidArgumentError
    with pytest.raises(IndexError, match="reduce_sum: axis 2 is out of range"):
        tf.reduce_sum(x, axis=2)
    with pytest.raises(IndexError):
        tf.reduce_max(x, axis=[-3])
    with pytest.raises(E, match="twice"):
        tf.reduce_sum(x, axis=[1, -1])
    with pytest.raises(E, match="twice"):
        tf.reduce_mean(x, axis=(0, 0))
    for fn in (tf.reduce_sum, tf.reduce_prod, tf.reduce_max, tf.reduce_min, tf.reduce_mean):
        with pytest.raises(E, match="numeric"):
            fn(c([True, False]))
    with pytest.raises(E, match="bool"):
        tf.reduce_any(x)
    with pytest.raises(E, match="float"):
        tf.reduce_logsumexp(c([1, 2]))
    for bad in (1.5, "0", [0.5], c([0.5])):
        with pytest.raises(TypeError):
            tf.reduce_sum(x, axis=bad)
    with pytest.raises(E, match="0-D or 1-D"):
        tf.reduce_sum(x, axis=np.zeros((1, 1), np.int32))


def test_arg_and_softmax_errors():
    E = tf.errors.InvalidArgumentError
    with pytest.raises(E, match="empty"):
        tf.argmax(c(np.zeros((0, 2), np.float32)))
    with pytest.raises(IndexError):
        tf.argmax(c(np.zeros((2,), np.float32)), axis=1)
    with pytest.raises(IndexError):
        tf.argmin(c(np.float32(1.0)))
    with pytest.raises(E, match="output_type"):
        tf.argmax(c([1.0, 2.0]), output_type=tf.float32)
    with pytest.raises(E, match="single int"):
        tf.argmax(c([1.0, 2.0]), axis=[0])
    with pytest.raises(TypeError):
        tf.argmax(c([1.0, 2.0]), axis=0.0)
    with pytest.raises(E, match="float"):
        tf.nn.softmax(c([1, 2]))
    with pytest.raises(IndexError):
        tf.nn.log_softmax(c(np.float32(1.0)))
    with pytest.raises(IndexError):
        tf.nn.softmax(c([1.0, 2.0]), axis=1)


# ---- accuracy and determinism ----------------------------------------------------------------


def test_float32_sums_of_4m_elements_are_accurate():
    x = np.random.default_rng(0).uniform(0, 1, size=4 * 1024 * 1024).astype(np.float32)
    exact = x.astype(np.float64)
    assert_close(tf.reduce_sum(c(x)), exact.sum(), rtol=1e-6, atol=0)
    assert_close(tf.reduce_mean(c(x)), exact.mean(), rtol=1e-6, atol=0)
    columns = x.reshape(-1, 64)  # 65536 rows summed per column
    assert_close(
        tf.reduce_sum(c(columns), axis=0), exact.reshape(-1, 64).sum(axis=0), rtol=1e-6, atol=0
    )
    rows = x.reshape(64, -1)
    assert_close(
        tf.reduce_sum(c(rows), axis=1), exact.reshape(64, -1).sum(axis=1), rtol=1e-6, atol=0
    )


def _with_threads(n, fn):
    original = _C.num_threads()
    try:
        _C.set_num_threads(n)
        return fn()
    finally:
        _C.set_num_threads(original)


@pytest.mark.parametrize(
    "shape,axis",
    [
        ((1024, 1024), None),
        ((1024, 1024), 0),
        ((1024, 1024), 1),
        ((16, 65536), 0),
        ((65536, 16), 0),
        ((64, 128, 128), (0, 2)),
    ],
)
def test_results_are_bit_identical_across_thread_counts(shape, axis):
    x = c(np.random.default_rng(1).standard_normal(shape).astype(np.float32))

    def run():
        outs = [
            tf.reduce_sum(x, axis=axis),
            tf.reduce_mean(x, axis=axis),
            tf.reduce_max(x, axis=axis),
            tf.reduce_logsumexp(x, axis=axis),
        ]
        if axis in (0, 1):
            outs += [tf.argmax(x, axis=axis), tf.nn.softmax(x, axis=axis)]
        return [o.numpy() for o in outs]

    one, two, three = (_with_threads(n, run) for n in (1, 2, 3))
    for a, b, d in zip(one, two, three, strict=True):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, d)


def test_generic_isa_gives_the_same_results():
    """The generic build of the loops (TAPEFLOW_ISA=generic) against NumPy, in a child."""
    script = (
        "import numpy as np, tapeflow as tf, tapeflow._C as C\n"
        "x = np.random.default_rng(2).standard_normal((301, 77))\n"
        "x[5, 7] = np.nan\n"
        "for dt in ('float32', 'float64'):\n"
        "    a = x.astype(dt); t = tf.constant(a)\n"
        "    for axis in (None, 0, 1):\n"
        "        s = tf.reduce_sum(t, axis=axis).numpy()\n"
        "        assert np.allclose(s, np.sum(a.astype('f8'), axis=axis), equal_nan=True)\n"
        "        m = tf.reduce_max(t, axis=axis).numpy()\n"
        "        assert np.array_equal(m, np.max(a, axis=axis), equal_nan=True)\n"
        "    for axis in (0, 1):\n"
        "        assert (tf.argmax(t, axis=axis).numpy() == np.argmax(a, axis=axis)).all()\n"
        "        b = np.nan_to_num(a)\n"
        "        e = np.exp(b - b.max(axis, keepdims=True)); e /= e.sum(axis, keepdims=True)\n"
        "        assert np.allclose(tf.nn.softmax(tf.constant(b), axis=axis).numpy(), e,\n"
        "                           rtol=1e-5, atol=1e-7)\n"
        "print('ok')\n"
    )
    env = dict(os.environ, TAPEFLOW_ISA="generic")
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "ok" in done.stdout, done.stderr[-2000:]


# ---- gradients beyond the op table's finite differences --------------------------------------


def _grad(fn, x):
    x = c(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x).numpy()


def test_prod_gradient_with_zeros():
    x = np.array([[2.0, 3.0, 4.0], [2.0, 0.0, 4.0], [0.0, 0.0, 4.0]])
    g = _grad(lambda t: tf.reduce_prod(t, axis=1), x)
    np.testing.assert_array_equal(g, [[12.0, 8.0, 6.0], [0.0, 8.0, 0.0], [0.0, 0.0, 0.0]])


def test_max_gradient_is_shared_among_ties_and_mean_divides():
    g = _grad(lambda t: tf.reduce_max(t, axis=0), np.array([[1.0, 5.0], [1.0, 2.0]]))
    np.testing.assert_array_equal(g, [[0.5, 1.0], [0.5, 0.0]])  # TF's rule
    g = _grad(lambda t: tf.reduce_mean(t, axis=[0, 1], keepdims=True), np.ones((2, 4)))
    np.testing.assert_array_equal(g, np.full((2, 4), 0.125))
    g = _grad(tf.reduce_sum, np.ones((0, 3)))
    assert g.shape == (0, 3)


def test_second_order_gradients_flow_through_reductions():
    x = c(np.array([1.0, 2.0, 3.0]))
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(x * x * x)  # dy/dx = 3x^2, d2y/dx2 summed = 6x
        dy = inner.gradient(y, x)
        z = tf.reduce_sum(dy)
    np.testing.assert_allclose(outer.gradient(z, x).numpy(), [6.0, 12.0, 18.0])


def test_softmax_gradients_sum_to_zero_along_the_axis(rng):
    a = rng.standard_normal((3, 5))
    w = c(rng.uniform(size=(3, 5)))
    g = _grad(lambda t: tf.reduce_sum(tf.nn.softmax(t, axis=0) * w), a)
    np.testing.assert_allclose(g.sum(axis=0), 0.0, atol=1e-15)
