"""tensor[key] against NumPy: a table of keys, a few hundred random keys, views vs copies,
and the error cases (IndexError for bounds, ValueError for a zero step, TypeError for keys
that are not indices)."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf

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
def test_getitem_matches_numpy(key, dtype):
    a = (A % 3 == 0) if dtype == "bool" else A.astype(dtype)
    expected = a[key]
    got = tf.constant(a)[key]
    assert tuple(got.shape) == expected.shape
    np.testing.assert_array_equal(np.asarray(got), expected)


def _random_key(rng, rank):
    items, used = [], 0
    ellipsis = rng.random() < 0.3
    array_used = False
    while used < rank and rng.random() < 0.8:
        kind = rng.integers(0, 6)
        if kind == 0:
            items.append(int(rng.integers(-A.shape[used], A.shape[used])))
        elif kind == 1 and not array_used and rng.random() < 0.5:
            items.append(list(rng.integers(-A.shape[used], A.shape[used], size=rng.integers(0, 4))))
            array_used = True
        elif kind == 2:
            items.append(None)
            continue
        else:
            def bound():
                return None if rng.random() < 0.3 else int(rng.integers(-7, 8))
            step = int(rng.choice([-3, -2, -1, 1, 1, 2, 3])) if rng.random() < 0.7 else None
            items.append(slice(bound(), bound(), step))
        used += 1
    if ellipsis:
        items.insert(int(rng.integers(0, len(items) + 1)), Ellipsis)
    return tuple(items)


def test_random_keys_match_numpy():
    rng = np.random.default_rng(7)
    x = tf.constant(A)
    for _ in range(400):
        key = _random_key(rng, A.ndim)
        expected = A[key]
        got = x[key]
        assert tuple(got.shape) == expected.shape, key
        np.testing.assert_array_equal(np.asarray(got), expected, err_msg=repr(key))


def test_basic_indexing_is_a_view_and_arrays_copy():
    x = tf.constant(np.arange(12.0).reshape(3, 4))
    for key in (0, (slice(None), 1), (slice(None, None, -1), slice(1, 3)), (None, Ellipsis),
                slice(None)):
        view = x[key]
        assert view._storage_owners >= 2 and view._id != x._id, key
    assert x[[0, 2]]._storage_owners == 1
    assert x[x > 3.0]._storage_owners == 1


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
    (([0], [1]), NotImplementedError, "more than one integer array"),
    (np.array([True, False]), IndexError, "boolean index did not match"),
    (1.0, TypeError, "valid indices"),
    (True, TypeError, "valid indices"),
    ("a", TypeError, "valid indices"),
    ([0.5], TypeError, "valid indices"),
    (slice(0.5, None), TypeError, "slice indices must be integers"),
    ({}, TypeError, "valid indices"),
    ([[0, 1], [2]], TypeError, "valid indices"),
])
def test_getitem_errors(key, error, message):
    x = tf.constant(np.arange(12.0).reshape(3, 4))
    with pytest.raises(error, match=message):
        x[key]


def test_tensors_are_immutable():
    x = tf.constant([1.0, 2.0])
    with pytest.raises(TypeError, match="Variable"):
        x[0] = 3.0
