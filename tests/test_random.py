"""tf.random: the Philox generator against Random123's known answers and a NumPy reference,
the stream layout, distributions, TensorFlow's seeding rules and hostile arguments."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from tapeflow import _C
from tapeflow.errors import InvalidArgumentError, ResourceExhaustedError

F32, F64, I32, I64 = _C.DType.float32, _C.DType.float64, _C.DType.int32, _C.DType.int64
CALL_STRIDE = 2**40


@pytest.fixture(autouse=True)
def fresh_seed_state():
    tf.random.set_seed(None)
    threads = _C.num_threads()
    yield
    tf.random.set_seed(None)
    _C.set_num_threads(threads)


# --- the generator -------------------------------------------------------------------------

# Random123 tests/kat_vectors, "philox4x32 10": counter[4], key[2] -> result[4].
KAT = [
    ([0, 0, 0, 0], [0, 0], [0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8]),
    ([0xFFFFFFFF] * 4, [0xFFFFFFFF] * 2, [0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD]),
    ([0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344], [0xA4093822, 0x299F31D0],
     [0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1]),
]


def philox_reference(counters: np.ndarray, key) -> np.ndarray:
    """Philox4x32-10 in NumPy: counters (n, 4) uint32 -> blocks (n, 4) uint32."""
    c = counters.astype(np.uint64)
    k0, k1 = np.uint64(key[0]), np.uint64(key[1])
    mask = np.uint64(0xFFFFFFFF)
    for _ in range(10):
        p0 = np.uint64(0xD2511F53) * c[:, 0]
        p1 = np.uint64(0xCD9E8D57) * c[:, 2]
        c = np.stack([(p1 >> np.uint64(32)) ^ c[:, 1] ^ k0, p1 & mask,
                      (p0 >> np.uint64(32)) ^ c[:, 3] ^ k1, p0 & mask], axis=1)
        k0 = (k0 + np.uint64(0x9E3779B9)) & mask
        k1 = (k1 + np.uint64(0xBB67AE85)) & mask
    return c.astype(np.uint32)


def stream_blocks(seed: int, seed2: int, call: int, count: int, first: int = 0) -> np.ndarray:
    """Blocks [first, first + count) of tapeflow's stream for (seed, seed2, call)."""
    position = np.uint64(call * CALL_STRIDE) + np.arange(first, first + count, dtype=np.uint64)
    s2 = seed2 % 2**64
    counters = np.stack([position & np.uint64(0xFFFFFFFF), position >> np.uint64(32),
                         np.full(count, s2 & 0xFFFFFFFF, np.uint64),
                         np.full(count, s2 >> 32, np.uint64)], axis=1)
    s = seed % 2**64
    return philox_reference(counters, (s & 0xFFFFFFFF, s >> 32))


@pytest.mark.parametrize("counter,key,expected", KAT)
def test_philox_known_answers(counter, key, expected):
    assert list(_C.philox4x32_10(counter, key)) == expected
    got = philox_reference(np.array([counter], np.uint32), key)[0]
    assert [int(v) for v in got] == expected


def blocks_for(n: int, per_block: int, seed, seed2, call=0):
    return stream_blocks(seed, seed2, call, -(-n // per_block))


def reference_uniform(n, dtype, seed, seed2, call=0):
    if dtype == F32:
        words = blocks_for(n, 4, seed, seed2, call).reshape(-1)[:n]
        return (words >> 8).astype(np.float32) * np.float32(2.0**-24)
    b = blocks_for(n, 2, seed, seed2, call).astype(np.uint64)
    bits = np.stack([(b[:, 0] << np.uint64(32)) | b[:, 1], (b[:, 2] << np.uint64(32)) | b[:, 3]],
                    axis=1).reshape(-1)[:n]
    return (bits >> np.uint64(11)).astype(np.float64) * 2.0**-53


def reference_normal(n, dtype, seed, seed2, call=0):
    """Box-Muller in float64, as kernels/philox.h does for both dtypes."""
    if dtype == F32:
        w = blocks_for(n, 4, seed, seed2, call).reshape(-1, 2)
        u = ((w[:, 0] >> 8).astype(np.float64) + 1) * 2.0**-24
        v = (w[:, 1] >> 8).astype(np.float64) * 2.0**-24
    else:
        b = blocks_for(n, 2, seed, seed2, call).astype(np.uint64)
        hi = ((b[:, 0] << np.uint64(32)) | b[:, 1]) >> np.uint64(11)
        u = (hi.astype(np.float64) + 1) * 2.0**-53
        v = (((b[:, 2] << np.uint64(32)) | b[:, 3]) >> np.uint64(11)).astype(np.float64) * 2.0**-53
    r = np.sqrt(-2.0 * np.log(u))
    z = np.stack([r * np.cos(2 * np.pi * v), r * np.sin(2 * np.pi * v)], axis=1).reshape(-1)[:n]
    return z.astype(np.float32 if dtype == F32 else np.float64)


SIZES = [1, 2, 3, 7, 33, 1025, 100_003]  # 100_003 spans several threading chunks


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", [F32, F64])
def test_uniform_is_the_documented_function_of_the_stream(n, dtype):
    seed, seed2, call = 123456789012, -77, 3
    got = np.asarray(_C.random_uniform([n], dtype, 0.0, 1.0, seed, seed2, call))
    assert_close(got, reference_uniform(n, dtype, seed, seed2, call), rtol=0, atol=0,
                 what="uniform vs NumPy Philox")


@pytest.mark.parametrize("n", [1, 5, 1025, 100_003])
def test_uniform_int_is_the_documented_function_of_the_stream(n):
    words = blocks_for(n, 4, 5, 6).reshape(-1)[:n].astype(np.int64)
    got = np.asarray(_C.random_uniform_int([n], I32, -3, 1000, 5, 6, 0))
    assert_close(got, (words % 1003 - 3).astype(np.int32), what="int32")
    b = blocks_for(n, 2, 5, 6).astype(np.uint64)
    bits = np.stack([(b[:, 0] << np.uint64(32)) | b[:, 1], (b[:, 2] << np.uint64(32)) | b[:, 3]],
                    axis=1).reshape(-1)[:n]
    got = np.asarray(_C.random_uniform_int([n], I64, 10, 10 + 10**15, 5, 6, 0))
    assert_close(got, (bits % np.uint64(10**15)).astype(np.int64) + 10, what="int64")


@pytest.mark.parametrize("n", [1, 7, 1025, 100_003])
@pytest.mark.parametrize("dtype", [F32, F64])
def test_normal_matches_box_muller_reference(n, dtype):
    got = np.asarray(_C.random_normal([n], dtype, 0.0, 1.0, 9, 10, 1))
    # libm and NumPy may differ by an ulp of float64 before rounding.
    tol = 1e-6 if dtype == F32 else 1e-13
    assert_close(got, reference_normal(n, dtype, 9, 10, 1), rtol=tol, atol=tol)


@pytest.mark.parametrize("dtype", [F32, F64])
def test_truncated_normal_keeps_first_draws_within_two_sigma(dtype):
    n = 20_000
    z = np.asarray(_C.random_normal([n], dtype, 0.0, 1.0, 4, 2, 0))
    t = np.asarray(_C.truncated_normal([n], dtype, 0.0, 1.0, 4, 2, 0))
    inside = np.abs(z) <= 2
    assert_close(t[inside], z[inside], rtol=0, atol=0)
    assert not np.any(t[~inside] == z[~inside])
    assert np.all(np.abs(t) <= 2)


@pytest.mark.parametrize("op", [_C.random_uniform, _C.random_normal, _C.truncated_normal])
@pytest.mark.parametrize("dtype", [F32, F64])
def test_thread_count_does_not_change_results(op, dtype):
    results = []
    for threads in (1, 2, 3):
        _C.set_num_threads(threads)
        results.append(np.asarray(op([300_001], dtype, 0.0, 1.0, 1, 2, 0)).copy())
    for r in results[1:]:
        assert_close(r, results[0], rtol=0, atol=0)


@pytest.mark.parametrize("n", [2, 3, 17, 1000])
def test_shuffle_is_fisher_yates_over_the_stream(n):
    b = stream_blocks(8, 9, 2, n).astype(np.uint64)
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j = int(((b[i, 0] << np.uint64(32)) | b[i, 1]) % np.uint64(i + 1))
        order[i], order[j] = order[j], order[i]
    got = np.asarray(_C.random_shuffle(tf.convert_to_tensor(np.arange(n)), 8, 9, 2))
    assert_close(got, np.array(order), rtol=0, atol=0)


def test_shuffle_thread_count_does_not_change_results():
    value = tf.convert_to_tensor(np.arange(200_000 * 3, dtype=np.int64).reshape(-1, 3))
    _C.set_num_threads(1)
    a = np.asarray(_C.random_shuffle(value, 1, 2, 0)).copy()
    _C.set_num_threads(2)
    assert_close(np.asarray(_C.random_shuffle(value, 1, 2, 0)), a, rtol=0, atol=0)


# --- distributions -------------------------------------------------------------------------

N = 1_000_000


def test_uniform_statistics():
    for dtype in (tf.float32, tf.float64):
        x = np.asarray(tf.random.uniform([N], -2.0, 6.0, dtype=dtype, seed=1), np.float64)
        assert x.min() >= -2 and x.max() < 6
        assert abs(x.mean() - 2.0) < 0.02  # sd of the mean: 8/sqrt(12e6) = 0.0023
        assert abs(x.std() - 8 / np.sqrt(12)) < 0.01
        counts = np.histogram(x, bins=16, range=(-2, 6))[0]
        assert np.all(np.abs(counts - N / 16) < 5 * np.sqrt(N / 16))


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_normal_statistics(dtype):
    x = np.asarray(tf.random.normal([N], mean=3.0, stddev=2.0, dtype=dtype, seed=2), np.float64)
    assert abs(x.mean() - 3.0) < 0.01  # sd of the mean: 0.002
    assert abs(x.std() - 2.0) < 0.01
    z = (x - 3) / 2
    assert abs(np.mean(z**3)) < 0.02 and abs(np.mean(z**4) - 3) < 0.05
    assert abs(np.mean(np.abs(z) < 1) - 0.682689) < 0.003


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64])
def test_truncated_normal_statistics_and_exact_bounds(dtype):
    mean, sd = -1.0, 0.5
    x = np.asarray(tf.random.truncated_normal([N], mean, sd, dtype=dtype, seed=3))
    np_dtype = dtype.as_numpy_dtype
    lo = np_dtype(mean) - np_dtype(2) * np_dtype(sd)
    hi = np_dtype(mean) + np_dtype(2) * np_dtype(sd)
    assert x.min() >= lo and x.max() <= hi
    z = (x.astype(np.float64) - mean) / sd
    assert abs(z.mean()) < 0.005
    assert abs(z.std() - 0.879626) < 0.005  # sd of a standard normal truncated at +-2


@pytest.mark.parametrize("dtype", [tf.int32, tf.int64])
def test_uniform_int_statistics(dtype):
    x = np.asarray(tf.random.uniform([N], -3, 7, dtype=dtype, seed=4))
    assert x.dtype == dtype.as_numpy_dtype
    counts = np.bincount(x + 3, minlength=10)
    assert len(counts) == 10 and np.all(np.abs(counts - N / 10) < 5 * np.sqrt(N / 10))


def test_uniform_int_full_ranges():
    x = np.asarray(tf.random.uniform([1000], -(2**63), 2**63 - 1, dtype=tf.int64, seed=1))
    assert (x < 0).any() and (x > 0).any() and x.max() < 2**63 - 1
    x = np.asarray(tf.random.uniform([1000], -(2**31), 2**31 - 1, dtype=tf.int32, seed=1))
    assert (x < -(2**30)).any() and (x > 2**30).any()


def test_uniform_never_reaches_maxval():
    # The only float32 in [1, nextafter(1)) is 1 itself; u * scale + 1 rounds up for u >= 0.5.
    hi = float(np.nextafter(np.float32(1), np.float32(2)))
    x = np.asarray(tf.random.uniform([10_000], 1.0, hi, seed=1))
    assert np.all(x == 1.0)
    hi64 = float(np.nextafter(1.0, 2.0))
    assert np.all(np.asarray(tf.random.uniform([10_000], 1.0, hi64, tf.float64, seed=1)) == 1.0)


def test_shuffle_is_a_uniform_permutation_of_rows():
    tf.random.set_seed(5)
    counts = {}
    for _ in range(1200):
        p = tuple(np.asarray(tf.random.shuffle([0, 1, 2], seed=7)))
        counts[p] = counts.get(p, 0) + 1
    assert sorted(counts) == sorted(itertools.permutations(range(3)))
    assert all(abs(c - 200) < 60 for c in counts.values())


@pytest.mark.parametrize("np_dtype", [np.float32, np.float64, np.int32, np.int64, np.bool_])
@pytest.mark.parametrize("shape", [(2,), (9, 3), (1025, 2, 2), (33,)])
def test_shuffle_permutes_rows_of_any_dtype(np_dtype, shape):
    rng = np.random.default_rng(0)
    base = rng.integers(0, 1000, size=shape)
    base = (base % 2 == 0) if np_dtype is np.bool_ else base.astype(np_dtype)
    rows = np.arange(shape[0])
    key = np.broadcast_to(rows.reshape((-1,) + (1,) * (len(shape) - 1)), shape)
    tf.random.set_seed(3)
    out = np.asarray(tf.random.shuffle(key.copy(), seed=1))  # rows tagged by their index
    order = out.reshape(shape[0], -1)[:, 0]
    assert sorted(order) == list(rows)
    value = tf.convert_to_tensor(base)
    tf.random.set_seed(3)  # the same stream again: the permutation depends on rows alone
    got = np.asarray(tf.random.shuffle(value, seed=1))
    assert got.dtype == np_dtype
    assert_close(got, base[order], rtol=0, atol=0)
    assert_close(np.asarray(value), base, rtol=0, atol=0)  # the input is untouched


@pytest.mark.parametrize("shape", [(), (1,), (1, 4), (0,), (0, 3), (5, 0)])
def test_shuffle_of_trivial_shapes_returns_the_value(shape):
    base = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    got = tf.random.shuffle(tf.convert_to_tensor(base), seed=1)
    assert tuple(got._shape) == shape
    assert_close(np.asarray(got), base, rtol=0, atol=0)


# --- TensorFlow's seeding rules ------------------------------------------------------------

def draws():
    return [np.asarray(tf.random.normal([3])).copy(), np.asarray(tf.random.uniform([3])).copy(),
            np.asarray(tf.random.uniform([3], seed=5)).copy(),
            np.asarray(tf.random.uniform([3], seed=5)).copy(),
            np.asarray(tf.random.shuffle(np.arange(10))).copy()]


def test_set_seed_makes_a_program_repeatable():
    tf.random.set_seed(1234)
    first = draws()
    tf.random.set_seed(1234)
    again = draws()
    for a, b in zip(first, again, strict=True):
        assert_close(a, b, rtol=0, atol=0)
    tf.random.set_seed(4321)
    other = draws()
    assert not np.array_equal(first[0], other[0])


def test_ops_without_op_seed_draw_different_numbers():
    tf.random.set_seed(1)
    a, b = np.asarray(tf.random.uniform([4])), np.asarray(tf.random.uniform([4]))
    assert not np.array_equal(a, b)


def test_repeated_calls_with_one_op_seed_continue_the_stream():
    tf.random.set_seed(1)
    a = np.asarray(tf.random.uniform([4], seed=1)).copy()
    b = np.asarray(tf.random.uniform([4], seed=1)).copy()
    assert not np.array_equal(a, b)
    assert_close(a, reference_uniform(4, F32, 1, 1, call=0), rtol=0, atol=0)
    assert_close(b, reference_uniform(4, F32, 1, 1, call=1), rtol=0, atol=0)
    tf.random.set_seed(1)  # restarts every kernel's stream
    assert_close(np.asarray(tf.random.uniform([4], seed=1)), a, rtol=0, atol=0)


def test_different_op_seeds_and_dtypes_differ():
    tf.random.set_seed(3)
    a = np.asarray(tf.random.uniform([8], seed=1))
    b = np.asarray(tf.random.uniform([8], seed=2))
    assert not np.array_equal(a, b)


def test_op_seed_alone_uses_the_default_global_seed():
    a = np.asarray(tf.random.normal([5], seed=11)).copy()
    tf.random.set_seed(None)
    b = np.asarray(tf.random.normal([5], seed=11))
    assert_close(a, b, rtol=0, atol=0)
    assert_close(a, reference_normal(5, F32, 87654321, 11), rtol=1e-6, atol=1e-6)


def test_no_seed_at_all_is_nondeterministic():
    a, b = np.asarray(tf.random.uniform([8])), np.asarray(tf.random.uniform([8]))
    assert not np.array_equal(a, b)


def test_get_seed_rules():
    from tapeflow.ops.random import get_seed
    assert get_seed(None) == (None, None)
    assert get_seed(7) == (87654321, 7)
    tf.random.set_seed(0)
    assert get_seed(0) == (0, 2**31 - 1)  # (0, 0) would mean "nondeterministic" to TF
    tf.random.set_seed(9)
    s1, s2 = get_seed(None)[1], get_seed(None)[1]
    tf.random.set_seed(9)
    assert (get_seed(None)[1], get_seed(None)[1]) == (s1, s2) and s1 != s2


def test_stateless_ops_are_pure_functions_of_the_seed():
    for op in (tf.random.stateless_normal, tf.random.stateless_uniform,
               tf.random.stateless_truncated_normal):
        a = np.asarray(op([6], seed=[1, 2]))
        assert_close(np.asarray(op([6], seed=(1, 2))), a, rtol=0, atol=0)
        assert_close(np.asarray(op((6,), seed=tf.convert_to_tensor([1, 2]))), a, rtol=0, atol=0)
        assert not np.array_equal(np.asarray(op([6], seed=[2, 1])), a)
    assert_close(np.asarray(tf.random.stateless_uniform([5], seed=[3, 4])),
                 reference_uniform(5, F32, 3, 4), rtol=0, atol=0)


# --- arguments -----------------------------------------------------------------------------

def test_book_call_minval_int_maxval_float_gives_float32():
    x = tf.random.uniform((2, 3), minval=0, maxval=1e-1)
    assert x.dtype == tf.float32 and tuple(x._shape) == (2, 3)
    assert np.all((np.asarray(x) >= 0) & (np.asarray(x) < 0.1))


@pytest.mark.parametrize("shape", [[2, 3], (2, 3), tf.TensorShape([2, 3]), np.array([2, 3]),
                                   "tensor", [np.int64(2), 3]])
def test_shape_spellings(shape):
    if isinstance(shape, str):
        shape = tf.convert_to_tensor([2, 3])
    for op in (tf.random.normal, tf.random.uniform, tf.random.truncated_normal):
        assert tuple(op(shape, seed=1)._shape) == (2, 3)


@pytest.mark.parametrize("shape", [[], [0], [3, 0, 2], [1]])
def test_scalar_and_empty_shapes(shape):
    for op in (tf.random.normal, tf.random.uniform, tf.random.truncated_normal):
        assert tuple(op(shape)._shape) == tuple(shape)
    assert tuple(tf.random.uniform(shape, maxval=4, dtype=tf.int64)._shape) == tuple(shape)


def test_tensor_parameters():
    x = tf.random.normal([4], mean=tf.convert_to_tensor(5.0), stddev=tf.convert_to_tensor(0.0))
    assert_close(np.asarray(x), np.full(4, 5.0, np.float32))
    x = tf.random.uniform([3], tf.convert_to_tensor(2), tf.convert_to_tensor(3), dtype=tf.int32)
    assert_close(np.asarray(x), np.full(3, 2, np.int32))
    # Tensor bounds with elements broadcast with the output, as in TensorFlow.
    lo = tf.convert_to_tensor(np.array([0.0, 10.0], np.float32))
    x = np.asarray(tf.random.uniform([1000, 2], minval=lo, maxval=11.0, seed=1))
    assert x[:, 0].min() >= 0 and x[:, 0].max() < 11 and x[:, 1].min() >= 10
    x = np.asarray(tf.random.normal([3, 2], mean=lo, stddev=0.0))
    assert_close(x, np.array([[0, 10]] * 3, np.float32))


def raises(exc, fn, *args, match=None, **kwargs):
    with pytest.raises(exc, match=match):
        fn(*args, **kwargs)


@pytest.mark.parametrize("op", [tf.random.normal, tf.random.uniform, tf.random.truncated_normal])
def test_bad_shapes(op):
    raises(InvalidArgumentError, op, [2, -1], match="negative")
    raises(ResourceExhaustedError, op, [2**40, 2**40])  # overflows int64
    raises(ResourceExhaustedError, op, [2**20, 2**20])  # over the 2^34 elements a call draws
    raises(ResourceExhaustedError, op, [2**70])
    raises(InvalidArgumentError, op, [-(2**70)])
    raises(ValueError, op, [1] * 13, match="rank")
    raises(TypeError, op, [2.0, 3])
    raises(TypeError, op, [True, 3])
    raises(ValueError, op, [None, 3])
    raises(ValueError, op, 3)
    raises(ValueError, op, "abc")
    raises(ValueError, op, np.zeros((2, 2), np.int32))
    raises(ValueError, op, np.array([2.0, 3.0]))


def test_bad_dtypes_and_values():
    raises(ValueError, tf.random.normal, [2], dtype=tf.int32, match="float32 or float64")
    raises(ValueError, tf.random.truncated_normal, [2], dtype=tf.bool)
    raises(ValueError, tf.random.uniform, [2], dtype=tf.bool)
    raises(TypeError, tf.random.uniform, [2], dtype="complex64")
    raises(ValueError, tf.random.uniform, [2], dtype=tf.int32, match="maxval")
    raises(ValueError, tf.random.uniform, [2], 5, 5, dtype=tf.int32, match="minval < maxval")
    raises(ValueError, tf.random.uniform, [2], 7, 5, dtype=tf.int64, match="minval < maxval")
    raises(ValueError, tf.random.uniform, [2], 0, 2**31, dtype=tf.int32)
    raises(TypeError, tf.random.uniform, [2], 0, 5.5, dtype=tf.int32)
    raises(TypeError, tf.random.uniform, [2], True, 5, dtype=tf.int32)
    raises(ValueError, tf.random.uniform, [2], tf.convert_to_tensor([0, 1]), 5, dtype=tf.int32)
    raises(ValueError, tf.random.normal, [2], mean=tf.convert_to_tensor(np.float64(1)))
    raises(TypeError, tf.random.normal, [2], mean="a")
    raises(TypeError, tf.random.normal, [2], stddev=True)


def test_bad_seeds():
    raises(TypeError, tf.random.set_seed, 1.5)
    raises(TypeError, tf.random.set_seed, "1")
    raises(ValueError, tf.random.set_seed, 2**64)
    raises(TypeError, tf.random.normal, [2], seed=1.0)
    raises(ValueError, tf.random.stateless_normal, [2], seed=[1])
    raises(ValueError, tf.random.stateless_normal, [2], seed=5)
    raises(TypeError, tf.random.stateless_uniform, [2], seed=[1.0, 2.0])
    tf.random.set_seed(-5)  # negative seeds are int64 values like any other
    assert tuple(tf.random.normal([2])._shape) == (2,)


def test_c_entry_points_validate_everything():
    raises(InvalidArgumentError, _C.random_normal, [2], F32, 0.0, 1.0, 1, 2, -1, match="call")
    raises(InvalidArgumentError, _C.random_normal, [2], F32, 0.0, 1.0, 1, 2, 2**24)
    raises(InvalidArgumentError, _C.random_uniform, [2], I32, 0.0, 1.0, 1, 2, 0)
    raises(InvalidArgumentError, _C.random_uniform_int, [2], F32, 0, 1, 1, 2, 0)
    raises(InvalidArgumentError, _C.random_uniform_int, [2], I32, 0, 2**40, 1, 2, 0)
    raises(InvalidArgumentError, _C.random_uniform_int, [2], I64, 3, 3, 1, 2, 0)
    raises(InvalidArgumentError, _C.random_uniform, [-1], F32, 0.0, 1.0, 1, 2, 0)
    raises(InvalidArgumentError, _C.random_shuffle, tf.convert_to_tensor([1, 2]), 1, 2, -3)
