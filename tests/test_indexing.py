"""Tensor.__getitem__ against NumPy over tables of index expressions and a few hundred random
keys, views, and errors (IndexError for bounds, ValueError for a zero step, TypeError for keys
that are not indices)."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf


class _Keys:
    """``K[1:, None]`` returns the key itself, so the table reads like the code it tests."""

    def __getitem__(self, key):
        return key


K = _Keys()
X = np.arange(4 * 5 * 6, dtype=np.float32).reshape(4, 5, 6)

BASIC = [
    K[0], K[-1], K[3], K[1, 2], K[1, 2, 3], K[-4, -5, -6], K[:], K[1:3], K[::2], K[::-1],
    K[3:0:-1], K[-2:], K[:-1, 1:], K[10:], K[-10:2], K[:100], K[5:1], K[::-3, ::2, 1::4],
    K[...], K[..., 0], K[0, ...], K[1, ..., 2], K[..., ::-2], K[None], K[:, None],
    K[..., None], K[None, 1, None, 2:4], K[0, :, None, 1], K[2:, ..., None, ::3],
    K[0:0], K[:, 4:1], K[np.int64(1)], K[1, np.int32(-1)], K[:, -1:-6:-2],
    K[(slice(None, None, 2**62),)], K[(slice(-2**62, 2**62),)],
]
ADVANCED = [
    K[[0, 2]], K[[3, 0, 3]], K[[-1]], K[:, [1, 4]], K[..., [0, 5, 5]], K[1, [0, 1], 2:],
    K[[0, 1], [2, 3]], K[[0, 1], :, [2, 3]], K[:, [0, 1], [2, 3]], K[[[0, 1], [2, 3]]],
    K[[0, 2], None], K[[[1], [2]], :, [0, 1, 2]], K[np.array([1, 2])], K[[]],
    K[X[:, 0, 0] > 10], K[X[:, :, 0] > 7], K[1, X[0, :, 0] > 2], K[X > 100], K[None, [1, 2]],
]


def _key_id(key):
    text = repr(key).replace("\n", "")
    return text if len(text) < 40 else text[:37] + "..."


@pytest.mark.parametrize("key", BASIC + ADVANCED, ids=_key_id)
def test_getitem_matches_numpy(key):
    out = tf.constant(X)[key]
    expected = X[key]
    assert out.shape == expected.shape
    np.testing.assert_array_equal(np.asarray(out), expected)


@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.int64, np.bool_])
@pytest.mark.parametrize("key", [K[1:, ::-2], K[0], K[:, [2, 0]], K[..., None]], ids=_key_id)
def test_getitem_every_dtype(dtype, key):
    x = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
    np.testing.assert_array_equal(np.asarray(tf.constant(x)[key]), x[key])


def test_getitem_on_strided_inputs():
    base = tf.transpose(tf.constant(X))  # (6, 5, 4), non-contiguous
    xt = X.T
    for key in [K[1:, ::2, -1], K[::-1, 3], K[[0, 5], :, [1, 2]], K[xt[:, 0, 0] > 30]]:
        np.testing.assert_array_equal(np.asarray(base[key]), xt[key])


def test_scalar_and_tensor_keys():
    x = tf.constant(X)
    np.testing.assert_array_equal(np.asarray(x[tf.constant(2)]), X[2])
    np.testing.assert_array_equal(np.asarray(x[tf.constant(1, tf.int64), 2]), X[1, 2])
    np.testing.assert_array_equal(np.asarray(x[tf.constant([3, 1])]), X[[3, 1]])
    np.testing.assert_array_equal(np.asarray(x[tf.constant(X[:, 0, 0] > 40)]), X[X[:, 0, 0] > 40])
    assert float(tf.constant(7.5)[...]) == 7.5
    assert tf.constant(7.5)[None].shape == (1,)


def test_basic_indexing_returns_a_view():
    x = tf.constant(X)
    owners = x._storage_owners
    itemsize = 4
    for key in [K[1], K[1:3, ::2], K[..., ::-1], K[None, 2, :, 3]]:
        view = x[key]
        assert view._storage_owners == owners + 1  # shares x's storage
        offset = (view._data_ptr - x._data_ptr) // itemsize
        assert offset == X[key].__array_interface__["data"][0] // itemsize - X.__array_interface__[
            "data"][0] // itemsize
        del view
    assert x._storage_owners == owners


def test_advanced_indexing_copies():
    x = tf.constant(X)
    owners = x._storage_owners
    y = x[[0, 1]]
    assert x._storage_owners == owners
    assert y._is_contiguous


def test_iteration_yields_rows():
    rows = list(tf.constant(X))
    assert len(rows) == 4
    np.testing.assert_array_equal(np.asarray(rows[3]), X[3])


@pytest.mark.parametrize("key,error,message", [
    (K[4], IndexError, "index 4 is out of bounds for axis 0 with size 4"),
    (K[0, -6], IndexError, "index -6 is out of bounds for axis 1 with size 5"),
    (K[0, 0, 0, 0], IndexError, "too many indices"),
    (K[..., ...], IndexError, "single ellipsis"),
    (K[::0], ValueError, "slice step cannot be zero"),
    (K[[0, 4]], IndexError, "index 4 is out of bounds for axis 0 with size 4"),
    (K[:, [-6]], IndexError, "index -6 is out of bounds for axis 1 with size 5"),
    (K[[0, 1], [0, 1, 2]], IndexError, "could not be broadcast"),
    (K[X[0] > 3], IndexError, "boolean index did not match"),
    (K[1.5], TypeError, "valid indices"),
    (K["a"], TypeError, "valid indices"),
    (K[1.0:2], TypeError, "slice indices must be integers"),
    (K[True], TypeError, "boolean scalar"),
    (K[[0.5]], IndexError, "float32"),
    (K[2**70], IndexError, "out of bounds"),
])
def test_getitem_errors(key, error, message):
    with pytest.raises(error, match=message):
        tf.constant(X)[key]


def test_float_tensor_index_is_rejected():
    with pytest.raises(IndexError, match="float32"):
        tf.constant(X)[tf.constant([1.0])]


def test_index_into_scalar_fails():
    with pytest.raises(IndexError, match="too many indices"):
        tf.constant(3.0)[0]


def test_tensors_are_immutable():
    x = tf.constant(X)
    with pytest.raises(TypeError):
        x[0, 0] = 1.0


# --- a 4-D table on every dtype, random keys, tensor keys, Variables ------------------------

A = np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5)

KEYS = [
    0, -1, 1, (1, 2), (-1, -3, 0, 4), slice(None), slice(1, None), slice(None, None, -1),
    slice(None, None, -2), slice(5, -5, -1), slice(-100, 100, 3), slice(2, 1),
    (slice(None), 0), (Ellipsis,), (Ellipsis, 1), (0, Ellipsis), (1, Ellipsis, 2),
    (None,), (None, 0, None), (Ellipsis, None), (0, None, slice(None, None, -1), None),
    (slice(1, 2), slice(0, 3, 2), slice(None, None, -3), 4),
    [1, 0], (slice(None), [2, 0, 2]), (0, [1, 2]), (0, slice(None), [1, 2]),
    (slice(None), slice(None), [-1, 0]), ([[1, 0], [0, 1]],), (Ellipsis, [4, 0]),
    (0, None, [1]), (slice(None, None, -1), 1, [0, 2]), (1, [2, 1], 3),
    np.int64(1), (np.int32(0), slice(np.int64(1), None)), np.array([1, 0]),
    np.array([True, False]), (0, np.array([True, False, True])), (slice(None), A[0, :, :, 0] > 30),
    (Ellipsis, np.array([False, True, True, False, True])), [],
]


@pytest.mark.parametrize("key", KEYS, ids=[repr(k)[:40] for k in KEYS])
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_getitem_on_4d_every_dtype(key, dtype):
    a = (A % 3 == 0) if dtype == "bool" else A.astype(dtype)
    expected = a[key]
    got = tf.constant(a)[key]
    assert tuple(got.shape) == expected.shape
    np.testing.assert_array_equal(np.asarray(got), expected)


def _random_key(rng, rank):
    """Ints, slices (any bounds and steps), None, one Ellipsis, and either integer arrays that
    broadcast together (length n or 1) or one boolean mask over an axis."""
    items, used = [], 0
    mode = rng.choice(["basic", "arrays", "mask"])
    n = int(rng.integers(0, 4))
    mask_used = False
    while used < rank and rng.random() < 0.8:
        size = A.shape[used]
        kind = rng.integers(0, 6)
        if kind == 0:
            items.append(int(rng.integers(-size, size)))
        elif kind == 1 and mode == "arrays":
            items.append(list(rng.integers(-size, size, size=n if rng.random() < 0.7 else 1)))
        elif kind == 1 and mode == "mask" and not mask_used:
            items.append(rng.random(size) < 0.5)
            mask_used = True
        elif kind == 2:
            items.append(None)
            continue
        else:
            def bound():
                return None if rng.random() < 0.3 else int(rng.integers(-7, 8))
            step = int(rng.choice([-3, -2, -1, 1, 1, 2, 3])) if rng.random() < 0.7 else None
            items.append(slice(bound(), bound(), step))
        used += 1
    if mode != "mask" and rng.random() < 0.3:  # (a mask was drawn for a fixed axis)
        items.insert(int(rng.integers(0, len(items) + 1)), Ellipsis)
    return tuple(items)


def test_random_keys_match_numpy():
    rng = np.random.default_rng(7)
    x = tf.constant(A)
    for _ in range(600):
        key = _random_key(rng, A.ndim)
        expected = A[key]
        got = x[key]
        assert tuple(got.shape) == expected.shape, key
        np.testing.assert_array_equal(np.asarray(got), expected, err_msg=repr(key))


def test_indices_may_be_tensors_and_numpy_scalars():
    x = tf.constant(np.arange(12).reshape(3, 4))
    assert int(x[tf.constant(1), np.int64(2)]) == 6
    np.testing.assert_array_equal(x[tf.constant([2, 0])].numpy(), [[8, 9, 10, 11], [0, 1, 2, 3]])
    np.testing.assert_array_equal(x[tf.constant(1):, :tf.constant(2)].numpy(), [[4, 5], [8, 9]])
    np.testing.assert_array_equal(x[:, tf.constant([True, False, False, True])].numpy(),
                                  [[0, 3], [4, 7], [8, 11]])
    assert [int(row[0]) for row in x] == [0, 4, 8]
    assert x[2**70:].shape == (0, 4)  # slice bounds clamp, however large


def test_slicing_a_variable_assigns_through():
    v = tf.Variable(np.zeros((3, 4)))
    v[1:, ::2].assign(np.ones((2, 2)))
    np.testing.assert_array_equal(v.numpy()[1:, ::2], np.ones((2, 2)))
    assert float(tf.reduce_sum(v.value())) == 4.0


@pytest.mark.parametrize("key,error,message", [
    (5, IndexError, "index 5 is out of bounds for axis 0 with size 3"),
    (-4, IndexError, "index -4 is out of bounds for axis 0 with size 3"),
    ((0, 4), IndexError, "index 4 is out of bounds for axis 1 with size 4"),
    (2**70, IndexError, "out of bounds"),
    ((0, 0, 0), IndexError, "too many indices for tensor: tensor is 2-dimensional, but 3 were "
     "indexed"),
    ((Ellipsis, Ellipsis), IndexError, "single ellipsis"),
    (slice(None, None, 0), ValueError, "slice step cannot be zero"),
    ([0, 3], IndexError, "index 3 is out of bounds for axis 0 with size 3"),
    ((slice(None), [-5]), IndexError, "index -5 is out of bounds for axis 1 with size 4"),
    (([0, 1], [0, 1, 2]), IndexError, "could not be broadcast"),
    ((tf.constant([0, 1]), tf.constant([True, True, True, False])), IndexError,
     "could not be broadcast"),
    (np.array([True, False]), IndexError, "boolean index did not match"),
    (1.0, TypeError, "valid indices"),
    (True, TypeError, "boolean scalar"),
    ("a", TypeError, "valid indices"),
    ([0.5], IndexError, "must be of integer"),
    (slice(0.5, None), TypeError, "slice indices must be integers"),
    ({}, TypeError, "valid indices"),
    ([[0, 1], [2]], TypeError, "valid indices"),
])
def test_getitem_errors_on_a_matrix(key, error, message):
    x = tf.constant(np.arange(12.0).reshape(3, 4))
    with pytest.raises(error, match=message):
        x[key]
