"""tapeflow.data_utils (Cython, tapeflow/_data.pyx) against plain NumPy versions, including
empty inputs, single rows and every kind of out-of-range index."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from tapeflow import data_utils as du


@pytest.fixture(autouse=True)
def fresh_seed_state():
    tf.random.set_seed(None)
    yield
    tf.random.set_seed(None)


# --- NumPy references (the book's listings and Keras's to_categorical) ----------------------

def vectorize_reference(sequences, dimension=10000, dtype=np.float32):
    results = np.zeros((len(sequences), dimension), dtype=dtype)
    for i, sequence in enumerate(sequences):
        for j in sequence:
            results[i, j] = 1
    return results


def to_categorical_reference(y, num_classes=None, dtype="float32"):
    y = np.array(y, dtype="int64")
    input_shape = y.shape
    if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
        input_shape = tuple(input_shape[:-1])
    y = y.reshape(-1)
    if not num_classes:
        num_classes = np.max(y) + 1
    out = np.zeros((y.shape[0], num_classes), dtype=dtype)
    out[np.arange(y.shape[0]), y] = 1
    return out.reshape(input_shape + (num_classes,))


def random_sequences(rng, count, dimension, max_len=50):
    return [list(rng.integers(0, dimension, size=rng.integers(0, max_len))) for _ in range(count)]


# --- vectorize_sequences -------------------------------------------------------------------

@pytest.mark.parametrize("count,dimension", [(0, 10), (1, 1), (1, 7), (33, 100), (200, 10000)])
def test_vectorize_sequences_matches_numpy(rng, count, dimension):
    seqs = [[int(t) for t in s] for s in random_sequences(rng, count, dimension)]
    got = du.vectorize_sequences(seqs, dimension)
    assert got.dtype == np.float32
    assert_close(got, vectorize_reference(seqs, dimension), rtol=0, atol=0)


@pytest.mark.parametrize("dtype", ["float64", np.int32, np.int64, np.uint8, bool, np.float16])
def test_vectorize_sequences_dtypes(rng, dtype):
    seqs = random_sequences(rng, 20, 50)
    got = du.vectorize_sequences(seqs, 50, dtype=dtype)
    assert got.dtype == np.dtype(dtype)
    assert_close(got, vectorize_reference(seqs, 50, dtype), rtol=0, atol=0)


def test_vectorize_sequences_accepts_arrays_tuples_and_numpy_ints(rng):
    seqs = [np.array([1, 4, 4], np.int32), (0, np.int64(3)), np.array([], np.int64),
            np.array([2, 2], np.uint8)]
    assert_close(du.vectorize_sequences(seqs, 5), vectorize_reference(seqs, 5), rtol=0, atol=0)
    padded = rng.integers(0, 9, size=(6, 4))  # a 2-D array is a list of rows
    assert_close(du.vectorize_sequences(padded, 9), vectorize_reference(padded, 9), rtol=0, atol=0)
    ragged = np.empty(2, dtype=object)  # what the IMDB loader returns
    ragged[0], ragged[1] = [1, 2], [3]
    assert_close(du.vectorize_sequences(ragged, 4), vectorize_reference(ragged, 4), rtol=0, atol=0)


@pytest.mark.parametrize("seqs,dimension,bad", [
    ([[1, 10]], 10, "index 10 in sequence 0"),
    ([[1], [-1]], 10, "index -1 in sequence 1"),
    ([[2**70]], 10, f"index {2**70} in sequence 0"),
    ([[1], np.array([3, 12])], 10, "index 12 in sequence 1"),
    ([[0]], 0, "index 0"),
])
def test_vectorize_sequences_names_bad_indices(seqs, dimension, bad):
    with pytest.raises(ValueError, match=bad):
        du.vectorize_sequences(seqs, dimension)


def test_vectorize_sequences_rejects_bad_types():
    for seqs in ([[1.0]], [[True]], [["a"]], [np.array([1.5])], 5, "abc", [5]):
        with pytest.raises(TypeError):
            du.vectorize_sequences(seqs, 10)
    with pytest.raises(ValueError, match="non-negative"):
        du.vectorize_sequences([[1]], -1)
    with pytest.raises(TypeError):
        du.vectorize_sequences([[1]], 10.0)
    with pytest.raises(TypeError):
        du.vectorize_sequences([[1]], 10, dtype=object)


# --- to_categorical ------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(0,), (1,), (7,), (7, 1), (3, 4), (2, 3, 1), (1, 1)])
@pytest.mark.parametrize("num_classes", [None, 0, 12])
def test_to_categorical_matches_keras(rng, shape, num_classes):
    y = rng.integers(0, 10, size=shape)
    if y.size == 0 and not num_classes:
        with pytest.raises(ValueError, match="num_classes"):
            du.to_categorical(y, num_classes)
        return
    got = du.to_categorical(y, num_classes)
    assert got.dtype == np.float32
    assert_close(got, to_categorical_reference(y, num_classes), rtol=0, atol=0)


def test_to_categorical_inputs_and_dtypes():
    assert_close(du.to_categorical(3, 5), to_categorical_reference(3, 5), rtol=0, atol=0)
    assert_close(du.to_categorical([1.0, 0.0]), to_categorical_reference([1, 0]), rtol=0, atol=0)
    assert_close(du.to_categorical(np.array([2, 0], np.uint8), 3, dtype="int64"),
                 to_categorical_reference([2, 0], 3, "int64"), rtol=0, atol=0)
    labels = tf.convert_to_tensor(np.array([0, 2], np.int32))  # a tensor converts via NumPy
    assert_close(du.to_categorical(labels), to_categorical_reference([0, 2]), rtol=0, atol=0)


@pytest.mark.parametrize("y,num_classes,message", [
    ([0, 3], 3, "label 3 at position 1"),
    ([0, -1], 3, "label -1 at position 1"),
    ([0, -1], None, "label -1 is negative"),
    ([1], None, None),  # fine: inferred
    ([0.5], None, "non-integral"),
    ([np.nan], 3, "non-integral"),
    ([2**64 - 1], 3, "out of range"),
    ([1], -2, "non-negative"),
])
def test_to_categorical_rejects_bad_labels(y, num_classes, message):
    y = np.array(y, dtype=np.uint64) if y == [2**64 - 1] else y
    if message is None:
        du.to_categorical(y, num_classes)
        return
    with pytest.raises(ValueError, match=message):
        du.to_categorical(y, num_classes)


def test_to_categorical_rejects_bad_types():
    for y in (["a"], [1 + 2j]):
        with pytest.raises(TypeError):
            du.to_categorical(y)
    with pytest.raises(TypeError):
        du.to_categorical([1], 2.5)


# --- shuffled_indices, gather_rows, batch_slices -------------------------------------------

@pytest.mark.parametrize("n", [0, 1, 2, 7, 1000])
def test_shuffled_indices_is_a_permutation(n):
    p = du.shuffled_indices(n, seed=3)
    assert p.dtype == np.int64 and sorted(p) == list(range(n))
    assert_close(du.shuffled_indices(n, seed=3), p, rtol=0, atol=0)


def test_shuffled_indices_is_uniform_and_seeded():
    counts = {}
    for seed in range(3000):
        key = tuple(du.shuffled_indices(3, seed))
        counts[key] = counts.get(key, 0) + 1
    assert len(counts) == 6 and all(abs(c - 500) < 100 for c in counts.values())
    assert not np.array_equal(du.shuffled_indices(50, 1), du.shuffled_indices(50, 2))
    assert not np.array_equal(du.shuffled_indices(50), du.shuffled_indices(50))
    # seed=None follows tf.random.set_seed like an op without op seed
    tf.random.set_seed(7)
    a, b = du.shuffled_indices(50), du.shuffled_indices(50)
    tf.random.set_seed(7)
    assert_close(du.shuffled_indices(50), a, rtol=0, atol=0)
    assert not np.array_equal(a, b)


def test_shuffled_indices_rejects_bad_arguments():
    for n, seed, exc in [(-1, 0, ValueError), (2.0, 0, TypeError), (3, 1.5, TypeError),
                         (True, 0, TypeError), (3, "s", TypeError)]:
        with pytest.raises(exc):
            du.shuffled_indices(n, seed)
    assert len(du.shuffled_indices(5, -(2**100))) == 5  # big seeds are reduced mod 2^64


@pytest.mark.parametrize("shape", [(1,), (5,), (7, 3), (33, 2, 4), (4, 0)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8, np.int64, np.bool_,
                                   np.complex64])
def test_gather_rows_matches_take(rng, shape, dtype):
    array = rng.integers(-50, 50, size=shape).astype(dtype)
    n = shape[0]
    for indices in (rng.integers(-n, n, size=11), np.array([], np.int64), np.arange(n)[::-1],
                    np.array([n - 1], np.uint32)):
        expected = np.take(array, indices, axis=0)
        np.testing.assert_array_equal(du.gather_rows(array, indices), expected, strict=True)
        out = np.empty_like(expected)
        assert du.gather_rows(array, indices, out=out) is out
        np.testing.assert_array_equal(out, expected)


def test_gather_rows_strided_object_and_list_inputs(rng):
    base = rng.standard_normal((10, 6))
    strided = base[::2, ::3]
    idx = np.array([4, 0, 2])
    assert_close(du.gather_rows(strided, idx), strided[idx], rtol=0, atol=0)
    objects = np.array([{"a": 1}, "b", 3], dtype=object)
    got = du.gather_rows(objects, [2, 0, 0])
    assert list(got) == [3, {"a": 1}, {"a": 1}]
    assert_close(du.gather_rows([[1, 2], [3, 4]], [1]), np.array([[3, 4]]), rtol=0, atol=0)
    readonly = np.arange(6.0).reshape(3, 2)
    readonly.flags.writeable = False
    assert_close(du.gather_rows(readonly, [2]), np.array([[4.0, 5.0]]), rtol=0, atol=0)


def test_gather_rows_rejects_bad_indices_and_outputs():
    a = np.arange(12.0).reshape(4, 3)
    for indices, exc, message in [
        ([4], IndexError, "index 4 at position 0"),
        ([0, -5], IndexError, "index -5 at position 1"),
        (np.array([2**64 - 1], np.uint64), IndexError, "out of bounds"),
        ([1.0], TypeError, "integer"),
        ([True], TypeError, "integer"),
        ([[0, 1]], TypeError, "1-D"),
    ]:
        with pytest.raises(exc, match=message):
            du.gather_rows(a, indices)
    with pytest.raises(IndexError):
        du.gather_rows(np.zeros((0, 3)), [0])
    with pytest.raises(ValueError, match="scalar"):
        du.gather_rows(np.float32(1), [0])
    for out, message in [(np.empty((2, 3), np.float32), "dtype"), (np.empty((3, 3)), "shape"),
                         (np.empty((3, 2)).T, "contiguous"), (a[:2], "overlap")]:
        with pytest.raises(ValueError, match=message):
            du.gather_rows(a, [0, 1], out=out)
    with pytest.raises(TypeError):
        du.gather_rows(a, [0], out=[[0, 0, 0]])


def test_batch_slices():
    assert du.batch_slices(0, 4) == []
    assert du.batch_slices(1, 4) == [slice(0, 1)]
    assert du.batch_slices(10, 4) == [slice(0, 4), slice(4, 8), slice(8, 10)]
    assert du.batch_slices(8, 4) == [slice(0, 4), slice(4, 8)]
    for n, size in [(-1, 2), (3, 0), (3, -2)]:
        with pytest.raises(ValueError):
            du.batch_slices(n, size)
    with pytest.raises(TypeError):
        du.batch_slices(3, 2.0)
