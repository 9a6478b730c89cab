"""The vectorised transcendental kernels (csrc/kernels/cpu/isa/vecmath*.h) against NumPy: the
error in ulp over dense sweeps of the inputs, special values exactly, flushed denormals, and
the same bits for an element whatever the layout, its position or the thread count; pow (two
operands) over sweeps of both, every IEEE special case, and every operand layout.

The module runs once with the default ISA and once more, in a fresh process, under
TAPEFLOW_ISA=generic (the portable vector code)."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import _C

EXTENDED = np.longdouble if np.finfo(np.longdouble).nmant > 52 else None


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _softplus(x):
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


# name: (tapeflow function, reference in a wider type, max ulp float32, max ulp float64)
FUNCTIONS = {
    "exp": (tf.exp, np.exp, 1.0, 1.0),
    "expm1": (tf.math.expm1, np.expm1, 1.5, 2.0),
    "log": (tf.math.log, np.log, 1.0, 1.0),
    "log1p": (tf.math.log1p, np.log1p, 1.5, 1.5),
    "tanh": (tf.tanh, np.tanh, 1.5, 1.5),
    "sigmoid": (tf.sigmoid, _sigmoid, 2.5, 2.5),
    "softplus": (tf.math.softplus, _softplus, 2.5, 2.5),
    # float32 within 0.5 ulp and a hair where |x| <= 1e6 (test_trig_...); above, libm's sinf,
    # cosf, tanf (glibc's tanf: 1.12 ulp). float64 is libm's.
    "sin": (tf.sin, np.sin, 1.0, 1.0),
    "cos": (tf.cos, np.cos, 1.0, 1.0),
    "tan": (tf.tan, np.tan, 1.5, 1.0),
}
TRIG = ("sin", "cos", "tan")
POSITIVE_DOMAIN = {"log"}
ABOVE_MINUS_ONE = {"log1p"}


def _sweep(dtype, name):
    """Finite inputs: a stride through every bit pattern (all exponents), dense grids where
    the functions change fastest, and values next to each function's thresholds."""
    info = np.finfo(dtype)
    if dtype == np.float32:
        patterns = np.arange(0, 2**32, 4099, dtype=np.uint64).astype(np.uint32).view(np.float32)
    else:
        rng = np.random.default_rng(7)
        patterns = rng.integers(0, 2**64, size=400_000, dtype=np.uint64).view(np.float64)
    grids = [
        np.linspace(-20, 20, 400_001),
        np.linspace(-1, 1, 200_001),
        np.linspace(-750, 750, 100_001),
        np.geomspace(1e-12, 1, 20_001),
        -np.geomspace(1e-12, 1, 20_001),
    ]
    # fmt: off
    edges = [88.72283, 88.72284, -87.33654, -103.97, -104.0, 709.7827, 709.7828, -708.4,
             -745.13, 9.02, 19.07, -17.33, -37.43, 0.34657359, -0.34657359, 0.70710678,
             1.41421356, 1.0, -1.0, 2.0, 0.5]
    # fmt: on
    x = np.concatenate(
        [patterns.astype(dtype)] + [g.astype(dtype) for g in grids] + [np.array(edges, dtype)]
    )
    if name in TRIG:  # the floats nearest multiples of pi/2, where the reduction cancels most
        k = np.random.default_rng(11).integers(1, 700_000, 20_000)
        near = (k * (np.pi / 2)).astype(dtype)
        x = np.concatenate([x, near, np.nextafter(near, dtype(0)), np.nextafter(near, dtype(2e6))])
    x = x[np.isfinite(x) & ((x == 0) | (np.abs(x) >= info.smallest_normal))]
    if name in POSITIVE_DOMAIN:
        x = np.abs(x)
    if name in ABOVE_MINUS_ONE:
        x = np.where(x < -1, -1 / x, x).astype(dtype)  # folds (-inf, -1) into (-1, 0)
    return x


def _ulp_errors(got, want, dtype):
    """|got - want| in units of the last place of want rounded to dtype. A result below the
    smallest normal number may be flushed to zero (the kernels flush denormals)."""
    info = np.finfo(dtype)
    rounded = np.abs(want).astype(dtype)
    ulp = np.maximum(np.spacing(rounded), np.spacing(dtype(0))).astype(want.dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        err = (np.abs(got.astype(want.dtype) - want) / ulp).astype(np.float64)
    exact = (got.astype(want.dtype) == want) | (np.isnan(got) & np.isnan(want))
    flushed = (got == 0) & (np.abs(want) < info.smallest_normal)
    overflowed = np.isinf(got) & (np.abs(want) > info.max) & (np.sign(got) == np.sign(want))
    err[exact | flushed | overflowed] = 0
    return err


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_error_in_ulp_over_a_dense_sweep(name, dtype):
    function, reference, max_ulp32, max_ulp64 = FUNCTIONS[name]
    wide = np.float64 if dtype == np.float32 else EXTENDED
    if wide is None:
        pytest.skip("no extended-precision long double to measure float64 against")
    x = _sweep(dtype, name)
    got = np.asarray(function(tf.constant(x)))
    with np.errstate(all="ignore"):
        want = reference(x.astype(wide))
    err = _ulp_errors(got, want, dtype)
    limit = max_ulp32 if dtype == np.float32 else max_ulp64
    worst = int(np.argmax(err))
    assert err[worst] <= limit, (
        f"{name} {np.dtype(dtype).name}: {err[worst]:.2f} ulp at x={x[worst]!r}: "
        f"got {got[worst]!r}, expected {want[worst]!r}; {int((err > limit).sum())} of "
        f"{x.size} inputs above {limit} ulp"
    )


INF, NAN = np.inf, np.nan
# fmt: off
SPECIALS = {  # input: result, checked bit for bit (sign of zero included)
    "exp": [(INF, INF), (-INF, 0.0), (NAN, NAN), (0.0, 1.0), (-0.0, 1.0), (1000.0, INF),
            (-1000.0, 0.0)],
    "expm1": [(INF, INF), (-INF, -1.0), (NAN, NAN), (0.0, 0.0), (-0.0, -0.0), (1000.0, INF),
              (-1000.0, -1.0)],
    "log": [(INF, INF), (-INF, NAN), (NAN, NAN), (0.0, -INF), (-0.0, -INF), (-1.0, NAN),
            (1.0, 0.0)],
    "log1p": [(INF, INF), (-INF, NAN), (NAN, NAN), (0.0, 0.0), (-0.0, -0.0), (-1.0, -INF),
              (-2.0, NAN)],
    "tanh": [(INF, 1.0), (-INF, -1.0), (NAN, NAN), (0.0, 0.0), (-0.0, -0.0), (50.0, 1.0),
             (-50.0, -1.0)],
    "sigmoid": [(INF, 1.0), (-INF, 0.0), (NAN, NAN), (0.0, 0.5), (-0.0, 0.5), (1000.0, 1.0),
                (-1000.0, 0.0)],
    "softplus": [(INF, INF), (-INF, 0.0), (NAN, NAN), (1000.0, 1000.0), (-1000.0, 0.0)],
    "sin": [(INF, NAN), (-INF, NAN), (NAN, NAN), (0.0, 0.0), (-0.0, -0.0), (1e-30, 1e-30),
            (-1e-30, -1e-30)],
    "cos": [(INF, NAN), (-INF, NAN), (NAN, NAN), (0.0, 1.0), (-0.0, 1.0), (1e-30, 1.0)],
    "tan": [(INF, NAN), (-INF, NAN), (NAN, NAN), (0.0, 0.0), (-0.0, -0.0), (1e-30, 1e-30),
            (-1e-30, -1e-30)],
}
# fmt: on


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(SPECIALS))
def test_special_values(name, dtype):
    function = FUNCTIONS[name][0]
    inputs = np.array([x for x, _ in SPECIALS[name]], dtype)
    want = np.array([y for _, y in SPECIALS[name]], dtype)
    # Each special also sits among ordinary values in one vector (the slower lanes path).
    padded = np.concatenate([np.full(37, 0.25, dtype), inputs, np.full(37, -0.75, dtype)])
    got = np.asarray(function(tf.constant(padded)))[37:-37]
    for x, g, w in zip(inputs, got, want, strict=True):
        assert (np.isnan(g) and np.isnan(w)) or (g == w and np.signbit(g) == np.signbit(w)), (
            f"{name}({x!r}) = {g!r}, expected {w!r}"
        )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_subnormal_inputs_read_as_zero(name, dtype):
    """Kernels run with denormals flushed (FTZ/DAZ, as TensorFlow's CPU kernels do): a
    subnormal x gives f(0), or x itself where f(x) = x near 0 and x passes through unchanged."""
    function = FUNCTIONS[name][0]
    tiny = np.finfo(dtype).smallest_normal
    x = np.array([tiny / 2, -tiny / 4, tiny / 1024], dtype)
    zeros = np.copysign(np.zeros(3, dtype), x)
    got = np.asarray(function(tf.constant(x)))
    want = np.asarray(function(tf.constant(zeros)))
    identity = name in ("expm1", "log1p", "tanh", "sin", "tan")
    ok = (got == want) | (identity & (_bits(got) == _bits(x)))
    assert ok.all(), f"{name}({x!r}) = {got!r}, expected {want!r}"


def _bits(a):
    """The bits of a, every NaN made one NaN (a NaN's sign and payload carry no meaning)."""
    a = np.where(np.isnan(a), a.dtype.type(np.nan), a)
    return a.view(np.uint32 if a.dtype == np.float32 else np.uint64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_an_element_gets_the_same_bits_wherever_it_is(name, dtype):
    """Contiguous, strided, reversed, alone, or split across 1 or 2 threads: the same bits
    (vectors with an out-of-range lane take another path; tails are padded vectors)."""
    function = FUNCTIONS[name][0]
    rng = np.random.default_rng(3)
    specials = np.array([x for x, _ in SPECIALS[name]], dtype)
    x = np.concatenate([rng.standard_normal(150_001).astype(dtype) * 30, np.resize(specials, 3001)])
    rng.shuffle(x)
    before = _C.num_threads()
    try:
        _C.set_num_threads(1)
        reference = _bits(np.asarray(function(tf.constant(x))))
        _C.set_num_threads(2)
        two_threads = _bits(np.asarray(function(tf.constant(x))))
    finally:
        _C.set_num_threads(before)
    np.testing.assert_array_equal(two_threads, reference)
    wide = np.zeros(2 * x.size, dtype)
    wide[::2] = x
    strided = np.asarray(function(tf.constant(wide)[::2]))
    np.testing.assert_array_equal(_bits(strided), reference)
    reversed_ = np.asarray(function(tf.constant(x[::-1].copy())[::-1]))
    np.testing.assert_array_equal(_bits(reversed_), reference)
    for i in rng.integers(0, x.size, 50):
        alone = np.asarray(function(tf.constant(x[i : i + 1])))
        np.testing.assert_array_equal(_bits(alone), reference[i : i + 1])


@pytest.mark.parametrize("n", [*range(1, 34), 1000])
def test_tails_of_every_length(n):
    x = np.linspace(-3, 3, n).astype(np.float32)
    for name, (function, reference, _, _) in FUNCTIONS.items():
        arg = np.abs(x) + 0.5 if name in POSITIVE_DOMAIN else x
        got = np.asarray(function(tf.constant(arg)))
        np.testing.assert_allclose(got, reference(arg.astype(np.float64)), rtol=3e-7, err_msg=name)


@pytest.mark.parametrize("name", TRIG)
def test_trig_within_half_an_ulp_and_a_hair_where_reduced(name):
    """|x| <= 1e6 takes the vector path (Cody-Waite in double lanes, rounded once)."""
    function, reference, _, _ = FUNCTIONS[name]
    x = _sweep(np.float32, name)
    x = x[np.abs(x) <= 1e6]
    err = _ulp_errors(
        np.asarray(function(tf.constant(x))), reference(x.astype(np.float64)), np.float32
    )
    worst = int(np.argmax(err))
    assert err[worst] <= 0.501, f"{name}: {err[worst]:.4f} ulp at x={x[worst]!r}"


# ---- pow (two operands) ------------------------------------------------------------------------


def _pow_sweep():
    """x: a stride through every positive and negative float; y: wide, small, integer and half
    integer values, paired at random (results from 0 through overflow)."""
    rng = np.random.default_rng(5)
    bits = np.arange(0, 2**32, 2053, dtype=np.uint64).astype(np.uint32).view(np.float32)
    x = bits[np.isfinite(bits) & (np.abs(bits) >= np.finfo(np.float32).smallest_normal)]
    n = x.size
    y = np.concatenate(
        [
            rng.standard_normal(n // 4) * 3,
            rng.standard_normal(n // 4) * 1e-3,
            np.round(rng.standard_normal(n // 4) * 20),
            np.round(rng.standard_normal(n - 3 * (n // 4)) * 20) + 0.5,
        ]
    ).astype(np.float32)
    near_one = (1 + rng.standard_normal(200_000) * 1e-3).astype(np.float32)  # log2 x near 0
    big_y = (rng.standard_normal(200_000) * 2e4).astype(np.float32)
    return np.concatenate([x, near_one]), np.concatenate([rng.permutation(y), big_y])


def _pow_reference(x, y):
    with np.errstate(all="ignore"):
        return np.power(x.astype(np.float64), y.astype(np.float64))


def test_pow_error_in_ulp_over_a_sweep():
    x, y = _pow_sweep()
    got = np.asarray(tf.pow(tf.constant(x), tf.constant(y)))
    with np.errstate(over="ignore"):
        err = _ulp_errors(got, _pow_reference(x, y), np.float32)
    worst = int(np.argmax(err))
    assert err[worst] <= 0.501, (
        f"pow: {err[worst]:.4f} ulp at x={x[worst]!r}, y={y[worst]!r}: got {got[worst]!r}"
    )


# Every pair of these: zeros, ones, infinities and NaN, odd, even and non-integer exponents,
# the largest odd float integer (2^24 - 1) and an even one beyond, over- and underflow.
POW_X = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0, 3.0, -3.0, INF, -INF, NAN, 1e-30, -1e30]
POW_Y = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    2.0,
    -2.0,
    3.0,
    -3.0,
    0.5,
    -0.5,
    2.5,
    INF,
    -INF,
    NAN,
    1e30,
    -1e30,
    16777215.0,
    16777216.0,
    -16777215.0,
    8388609.0,
    200.0,
    -200.0,
]


def test_pow_special_cases_match_the_c_library():
    x, y = (a.ravel().astype(np.float32) for a in np.meshgrid(POW_X, POW_Y))
    # Each pair also sits among ordinary lanes (1.5 ** 1.5) in one vector.
    pad = np.full(37, 1.5, np.float32)
    got = np.asarray(
        tf.pow(
            tf.constant(np.concatenate([pad, x, pad])), tf.constant(np.concatenate([pad, y, pad]))
        )
    )[37:-37]
    want = _pow_reference(x, y)
    with np.errstate(over="ignore"):
        err = _ulp_errors(got, want, np.float32)
        want32 = want.astype(np.float32)
    exact_kind = np.isnan(got) == np.isnan(want)
    signed = (want == 0) | np.isinf(want)  # the sign of zeros and infinities, bit for bit
    exact_kind &= ~signed | (np.signbit(got) == np.signbit(want)) & (got == want32)
    bad = ~exact_kind | ~(err <= 0.501)
    assert not bad.any(), "\n".join(
        f"pow({a!r}, {b!r}) = {g!r}, expected {w!r}"
        for a, b, g, w in zip(x[bad], y[bad], got[bad], want[bad], strict=True)
    )


def test_pow_gets_the_same_bits_for_every_layout_and_thread_count():
    """Both operands contiguous, either a scalar (broadcast), strided, reversed, 1 or 2 threads."""
    rng = np.random.default_rng(9)
    x = (rng.standard_normal(100_003) * 4).astype(np.float32)
    y = np.round(rng.standard_normal(100_003) * 8).astype(np.float32) / 2
    x[::97], y[::89] = INF, NAN
    tx, ty = tf.constant(x), tf.constant(y)
    before = _C.num_threads()
    try:
        _C.set_num_threads(1)
        reference = _bits(np.asarray(tf.pow(tx, ty)))
        _C.set_num_threads(2)
        np.testing.assert_array_equal(_bits(np.asarray(tf.pow(tx, ty))), reference)
    finally:
        _C.set_num_threads(before)
    wide = np.zeros((x.size, 3), np.float32)
    wide[:, 1] = x
    strided = np.asarray(tf.pow(tf.constant(wide)[:, 1], ty))
    np.testing.assert_array_equal(_bits(strided), reference)
    reversed_ = np.asarray(
        tf.pow(tf.constant(x[::-1].copy())[::-1], tf.constant(y[::-1].copy())[::-1])
    )
    np.testing.assert_array_equal(_bits(reversed_), reference)
    for scalar in (np.float32(2.5), np.float32(-3.0), np.float32(0.5)):
        by_exponent = np.asarray(tf.pow(tx, scalar))
        np.testing.assert_array_equal(
            _bits(by_exponent), _bits(np.asarray(tf.pow(tx, tf.fill(x.shape, scalar))))
        )
        by_base = np.asarray(tf.pow(scalar, ty))
        np.testing.assert_array_equal(
            _bits(by_base), _bits(np.asarray(tf.pow(tf.fill(y.shape, scalar), ty)))
        )
    # A row broadcast against a column: neither operand contiguous along the output.
    grid = np.asarray(tf.pow(tf.constant(x[:300, None]), tf.constant(y[None, :200])))
    err = _ulp_errors(
        grid.ravel(), _pow_reference(np.repeat(x[:300], 200), np.tile(y[:200], 300)), np.float32
    )
    assert err.max() <= 0.501


@pytest.mark.parametrize("n", range(1, 34))
def test_pow_tails_of_every_length(n):
    x = np.linspace(0.1, 3, n).astype(np.float32)
    y = np.linspace(-2.5, 4, n).astype(np.float32)
    got = np.asarray(tf.pow(tf.constant(x), tf.constant(y)))
    assert _ulp_errors(got, _pow_reference(x, y), np.float32).max() <= 0.501


@pytest.mark.skipif(os.environ.get("TAPEFLOW_ISA") == "generic", reason="already generic")
def test_the_generic_isa_passes_the_same_tests():
    env = dict(os.environ, TAPEFLOW_ISA="generic")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", __file__, "-q", "-p", "no:cacheprovider"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    script = "from tapeflow import _C; print(_C.cpu_isa())"
    isa = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert isa.stdout.strip() == "generic"
