"""keras.datasets, offline: small files in the real formats (npz with uint8 / float64 / object
arrays, gzipped IDX, JSON word indexes) served from 127.0.0.1 in place of Keras's bucket. Checks
the arrays, dtypes, shapes and splits, the imdb/reuters options against hand-worked lists, the
cache (a pre-filled one, a corrupted download), and that the npz reader never runs code."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import pickle
import struct
import zipfile

import numpy as np
import pytest
from local_http import LocalServer

from tapeflow import keras
from tapeflow.keras.datasets import _files, boston_housing, fashion_mnist, imdb, mnist, reuters

KERAS_BUCKET = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("bucket")
    with LocalServer(root) as running:
        running.root = root
        yield running


class Remote:
    """A per-test folder on the local server standing in for Keras's bucket."""

    def __init__(self, server, name, monkeypatch):
        self.folder = server.root / name
        self.folder.mkdir()
        self.monkeypatch = monkeypatch
        monkeypatch.setattr(_files, "ORIGIN_FOLDER", f"{server.url}/{name}/")

    def publish(self, name, data: bytes) -> None:
        (self.folder / name).write_bytes(data)
        self.monkeypatch.setitem(_files.FILE_HASHES, name, hashlib.sha256(data).hexdigest())


@pytest.fixture
def remote(server, request, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    return Remote(server, request.node.name.replace("[", "_").replace("]", ""), monkeypatch)


def npz_bytes(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def ragged(*sequences) -> np.ndarray:
    """A 1-D object array of lists, as imdb.npz / reuters.npz store them."""
    array = np.empty(len(sequences), dtype=object)
    for i, sequence in enumerate(sequences):
        array[i] = list(sequence)
    return array


def idx_gz(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def as_lists(x) -> list:
    return [list(s) for s in x]


# -- where the real files come from ------------------------------------------------------------
@pytest.mark.parametrize(
    "load, fname, file_hash, subdir",
    [
        (mnist.load_data, "mnist.npz", "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1", "datasets"),  # noqa: E501
        (fashion_mnist.load_data, "train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", os.path.join("datasets", "fashion-mnist")),  # noqa: E501
        (imdb.load_data, "imdb.npz", "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f", "datasets"),  # noqa: E501
        (imdb.get_word_index, "imdb_word_index.json", "bfafd718b763782e994055a2d397834f", "datasets"),  # noqa: E501
        (reuters.load_data, "reuters.npz", "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916", "datasets"),  # noqa: E501
        (reuters.get_word_index, "reuters_word_index.json", "4d44cc38712099c9e383dc6e5f11a921", "datasets"),  # noqa: E501
        (boston_housing.load_data, "boston_housing.npz", "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5", "datasets"),  # noqa: E501
    ],
)  # fmt: skip
def test_loaders_fetch_keras_files_with_keras_hashes(monkeypatch, load, fname, file_hash, subdir):
    calls = []

    def fake_get_file(name, origin, file_hash, cache_subdir):
        calls.append((name, origin, file_hash, cache_subdir))
        raise LookupError("stop here")

    monkeypatch.setattr(_files, "get_file", fake_get_file)
    with pytest.raises(LookupError):
        load()
    assert calls == [(fname, KERAS_BUCKET + fname, file_hash, subdir)]


def test_keras_namespace():
    assert keras.datasets.mnist is mnist
    assert keras.datasets.imdb.get_word_index is imdb.get_word_index


# -- mnist, fashion_mnist, boston_housing -------------------------------------------------------
def test_mnist_arrays_and_cache(remote, server, tmp_path):
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 6, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 3, dtype=np.uint8),
    }
    remote.publish("mnist.npz", npz_bytes(**arrays))
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    for got, name in [
        (x_train, "x_train"),
        (y_train, "y_train"),
        (x_test, "x_test"),
        (y_test, "y_test"),
    ]:
        assert got.dtype == np.uint8 and got.shape == arrays[name].shape
        np.testing.assert_array_equal(got, arrays[name])
    assert (tmp_path / "keras_home" / "datasets" / "mnist.npz").is_file()

    before = len(server.requests)
    (x_again, _), _ = mnist.load_data()  # from the cache
    assert len(server.requests) == before
    np.testing.assert_array_equal(x_again, arrays["x_train"])


def test_corrupted_download_raises_and_does_not_poison_the_cache(remote, tmp_path):
    good = npz_bytes(
        x_train=np.zeros((1, 28, 28), np.uint8),
        y_train=np.zeros(1, np.uint8),
        x_test=np.zeros((1, 28, 28), np.uint8),
        y_test=np.zeros(1, np.uint8),
    )
    remote.publish("mnist.npz", good)
    (remote.folder / "mnist.npz").write_bytes(good[:-7] + b"corrupt")  # the mirror is damaged
    cache = tmp_path / "keras_home" / "datasets"
    with pytest.raises(ValueError, match="Incomplete or corrupted file"):
        mnist.load_data()
    assert os.listdir(cache) == []
    (remote.folder / "mnist.npz").write_bytes(good)  # repaired: the next call succeeds
    (x_train, _), _ = mnist.load_data()
    assert x_train.shape == (1, 28, 28)


def test_mnist_from_a_prefilled_cache_needs_no_network(tmp_path, monkeypatch):
    data = npz_bytes(
        x_train=np.ones((2, 28, 28), np.uint8),
        y_train=np.arange(2, dtype=np.uint8),
        x_test=np.ones((1, 28, 28), np.uint8),
        y_test=np.arange(1, dtype=np.uint8),
    )
    cache = tmp_path / "seeded" / "datasets"
    cache.mkdir(parents=True)
    (cache / "mnist.npz").write_bytes(data)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "seeded"))
    monkeypatch.setattr(_files, "ORIGIN_FOLDER", "http://127.0.0.1:1/unreachable/")
    monkeypatch.setitem(_files.FILE_HASHES, "mnist.npz", hashlib.sha256(data).hexdigest())
    (_, y_train), _ = mnist.load_data()
    np.testing.assert_array_equal(y_train, [0, 1])


def test_fashion_mnist_reads_the_idx_files(remote, tmp_path):
    rng = np.random.default_rng(1)
    x_train, y_train = rng.integers(0, 256, (5, 28, 28)), rng.integers(0, 10, 5)
    x_test, y_test = rng.integers(0, 256, (2, 28, 28)), rng.integers(0, 10, 2)
    for name, array in [
        ("train-images-idx3-ubyte.gz", x_train),
        ("train-labels-idx1-ubyte.gz", y_train),
        ("t10k-images-idx3-ubyte.gz", x_test),
        ("t10k-labels-idx1-ubyte.gz", y_test),
    ]:
        remote.publish(name, idx_gz(array))
    (gx_train, gy_train), (gx_test, gy_test) = fashion_mnist.load_data()
    for got, want in [
        (gx_train, x_train),
        (gy_train, y_train),
        (gx_test, x_test),
        (gy_test, y_test),
    ]:
        assert got.dtype == np.uint8 and got.shape == want.shape
        np.testing.assert_array_equal(got, want)
    assert gx_train.flags.writeable  # like mnist's arrays
    assert len(os.listdir(tmp_path / "keras_home" / "datasets" / "fashion-mnist")) == 4


def test_fashion_mnist_rejects_a_malformed_idx_file(remote):
    for name, array in [
        ("train-images-idx3-ubyte.gz", np.zeros((2, 28, 28))),
        ("t10k-images-idx3-ubyte.gz", np.zeros((1, 28, 28))),
        ("t10k-labels-idx1-ubyte.gz", np.zeros(1)),
    ]:
        remote.publish(name, idx_gz(array))
    remote.publish("train-labels-idx1-ubyte.gz", idx_gz(np.zeros(2))[:-6])  # gzip cut short
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte.gz is not a valid gzip"):
        fashion_mnist.load_data()


def test_boston_housing_shuffle_and_split(remote):
    # row i is [i, 0, ..., 0] with target 100 + i, so a row and its target can be matched
    x = np.zeros((10, 13))
    x[:, 0] = np.arange(10)
    remote.publish("boston_housing.npz", npz_bytes(x=x, y=100.0 + np.arange(10)))
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    assert x_train.shape == (8, 13) and x_test.shape == (2, 13) and y_train.shape == (8,)
    assert x_train.dtype == np.float64 and y_train.dtype == np.float64
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)  # Keras's permutation for seed=113
    np.testing.assert_array_equal(np.concatenate([x_train[:, 0], x_test[:, 0]]), order)
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), 100.0 + order)
    (x_train, _), (x_test, _) = boston_housing.load_data(test_split=0.35)
    assert len(x_train) == 6 and len(x_test) == 4  # int(10 * 0.65) = 6
    with pytest.raises(ValueError, match=r"`test_split` must be a float in \[0, 1\)"):
        boston_housing.load_data(test_split=1.0)


# -- imdb and reuters: hand-worked sequences ----------------------------------------------------
def publish_imdb(remote, train, test, train_labels=None, test_labels=None):
    train_labels = np.arange(len(train)) if train_labels is None else train_labels
    test_labels = np.arange(len(test)) if test_labels is None else test_labels
    remote.publish(
        "imdb.npz",
        npz_bytes(
            x_train=ragged(*train),
            y_train=np.asarray(train_labels),
            x_test=ragged(*test),
            y_test=np.asarray(test_labels),
        ),
    )


# Stored ranks train [0, 1, 2, 5, 9], test [0, 3]; start_char=1 and index_from=3 give
# train [1, 3, 4, 5, 8, 12] and test [1, 3, 6]. The largest id is 12.
@pytest.mark.parametrize(
    "kwargs, train, test",
    [
        # num_words=None: the bound is the largest id (12), exclusive, so 12 itself becomes 2
        ({}, [1, 3, 4, 5, 8, 2], [1, 3, 6]),
        ({"num_words": 13}, [1, 3, 4, 5, 8, 12], [1, 3, 6]),
        ({"num_words": 6}, [1, 3, 4, 5, 2, 2], [1, 3, 2]),
        # skip_top counts the shifted ids: 1 and 3 are below 4, so they become oov as well
        ({"num_words": 6, "skip_top": 4}, [2, 2, 4, 5, 2, 2], [2, 2, 2]),
        ({"num_words": 6, "skip_top": 4, "oov_char": None}, [4, 5], []),
        ({"num_words": 6, "oov_char": 0}, [1, 3, 4, 5, 0, 0], [1, 3, 0]),
        ({"start_char": None, "num_words": 100}, [3, 4, 5, 8, 12], [3, 6]),
        ({"start_char": None, "index_from": 0, "num_words": 100}, [0, 1, 2, 5, 9], [0, 3]),
        (
            {"start_char": 7, "index_from": 10, "num_words": 100},
            [7, 10, 11, 12, 15, 19],
            [7, 10, 13],
        ),
    ],
)
def test_imdb_vocabulary_options(remote, kwargs, train, test):
    publish_imdb(remote, train=[[0, 1, 2, 5, 9]], test=[[0, 3]], train_labels=[1], test_labels=[0])
    (x_train, y_train), (x_test, y_test) = imdb.load_data(**kwargs)
    assert as_lists(x_train) == [train] and as_lists(x_test) == [test]
    assert y_train.tolist() == [1] and y_test.tolist() == [0]


def test_imdb_types_shapes_and_shuffle(remote):
    # sample i holds the single rank i and the label i: shuffling must keep them together
    publish_imdb(remote, train=[[i] for i in range(7)], test=[[i] for i in range(5)])
    (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=100)
    assert x_train.dtype == object and x_train.shape == (7,) and x_test.shape == (5,)
    assert y_train.dtype == np.int64 and y_train.shape == (7,)
    assert all(type(s) is list and all(type(w) is int for w in s) for s in x_train)
    assert as_lists(x_train) == [[1, 3 + label] for label in y_train]
    assert as_lists(x_test) == [[1, 3 + label] for label in y_test]
    # Keras's stream: one RandomState(seed) shuffles the train indices, then the test indices
    rng = np.random.RandomState(113)
    train_order, test_order = np.arange(7), np.arange(5)
    rng.shuffle(train_order)
    rng.shuffle(test_order)
    assert y_train.tolist() == train_order.tolist() and y_test.tolist() == test_order.tolist()
    (_, y_other), _ = imdb.load_data(num_words=100, seed=1)
    assert y_other.tolist() != y_train.tolist() and sorted(y_other) == list(range(7))


def test_imdb_maxlen_drops_sequences_that_are_not_shorter(remote):
    # with the start mark the lengths are 2, 3, 4 (train) and 3, 5 (test)
    publish_imdb(remote, train=[[0], [0, 0], [0, 0, 0]], test=[[0, 0], [0, 0, 0, 0]])
    (x_train, y_train), (x_test, y_test) = imdb.load_data(maxlen=4, num_words=100)
    assert sorted(y_train.tolist()) == [0, 1] and y_test.tolist() == [0]
    assert sorted(len(s) for s in x_train) == [2, 3] and as_lists(x_test) == [[1, 3, 3]]
    with pytest.raises(ValueError, match="no sequence was kept. Increase maxlen"):
        imdb.load_data(maxlen=2)


def test_equal_length_sequences_still_give_a_1d_object_array(remote):
    publish_imdb(remote, train=[[0, 1], [1, 0]], test=[[2, 2]])
    (x_train, _), _ = imdb.load_data(num_words=100)
    assert x_train.shape == (2,) and sorted(as_lists(x_train)) == [[1, 3, 4], [1, 4, 3]]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_words": 0}, "num_words"),
        ({"skip_top": -1}, "skip_top"),
        ({"maxlen": 2.5}, "maxlen"),
        ({"oov_char": "?"}, "oov_char"),
        ({"index_from": True}, "index_from"),
    ],
)
def test_imdb_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=f"`{message}` must be an int"):
        imdb.load_data(**kwargs)


def test_imdb_rejects_samples_that_are_not_lists_of_ints(remote):
    remote.publish(
        "imdb.npz",
        npz_bytes(
            x_train=ragged([0, "1"]),
            y_train=np.zeros(1, np.int64),
            x_test=ragged([0]),
            y_test=np.zeros(1, np.int64),
        ),
    )
    with pytest.raises(ValueError, match="x_train: sample 0 is not a list of ints"):
        imdb.load_data()


def test_imdb_word_index(remote):
    index = {"the": 1, "and": 2, "movie": 17}
    remote.publish("imdb_word_index.json", json.dumps(index).encode())
    assert imdb.get_word_index() == index
    remote.publish("reuters_word_index.json", b'["not", "a", "dict"]')
    with pytest.raises(ValueError, match="mapping words to integer ranks"):
        reuters.get_word_index()


def test_reuters_split_and_options(remote):
    # sample i holds ranks [i, 50] with topic i; 10 samples
    xs = ragged(*[[i, 50] for i in range(10)])
    remote.publish("reuters.npz", npz_bytes(x=xs, y=np.arange(10)))
    (x_train, y_train), (x_test, y_test) = reuters.load_data()
    assert x_train.shape == (8,) and x_test.shape == (2,) and y_train.dtype == np.int64
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)
    assert np.concatenate([y_train, y_test]).tolist() == order.tolist()
    # num_words=None: the largest id (50 + 3) becomes oov_char
    assert as_lists(x_train) == [[1, 3 + t, 2] for t in y_train]

    (x_train, y_train), (x_test, _) = reuters.load_data(num_words=8, skip_top=4, test_split=0.25)
    assert len(x_train) == 7 and len(x_test) == 3  # int(10 * 0.75) = 7
    assert as_lists(x_train) == [[2, 3 + t if 4 <= 3 + t < 8 else 2, 2] for t in y_train]
    with pytest.raises(ValueError, match="no sequence was kept"):
        reuters.load_data(maxlen=3)


def test_reuters_label_names():
    names = reuters.get_label_names()
    assert len(names) == 46 and len(set(names)) == 46
    assert (names[0], names[3], names[4], names[45]) == ("cocoa", "earn", "acq", "lead")


# -- the npz reader never runs code -------------------------------------------------------------
class _RunsCode:
    def __reduce__(self):
        return (os.system, ("touch tapeflow_pwned",))


def _npz_with_object_payload(tmp_path, payload) -> str:
    npy = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        npy, {"descr": "|O", "fortran_order": False, "shape": (1,)}
    )
    npy.write(pickle.dumps(payload, protocol=2))
    path = tmp_path / "hostile.npz"
    with zipfile.ZipFile(path, mode="w") as archive:
        archive.writestr("x.npy", npy.getvalue())
    return str(path)


def test_npz_object_arrays_only_rebuild_numpy_arrays(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = _npz_with_object_payload(tmp_path, _RunsCode())
    with pytest.raises(ValueError, match=r"refusing to load `(posix|nt)\.system`"):
        _files.load_npz(path, allow_object_arrays=True)
    assert not (tmp_path / "tapeflow_pwned").exists()

    path = _npz_with_object_payload(tmp_path, [1, 2, 3])  # not an array at all
    with pytest.raises(ValueError, match=r"not the \(1,\) array its header says"):
        _files.load_npz(path, allow_object_arrays=True)


def test_npz_numeric_loaders_refuse_object_arrays(tmp_path):
    path = tmp_path / "mixed.npz"
    path.write_bytes(npz_bytes(x=np.arange(3), y=ragged([1], [2])))
    with pytest.raises(ValueError, match="mixed.npz:y: unexpected object array"):
        _files.load_npz(path)
    arrays = _files.load_npz(path, allow_object_arrays=True)
    assert arrays["x"].tolist() == [0, 1, 2] and as_lists(arrays["y"]) == [[1], [2]]


def test_npz_that_is_not_a_zip_archive(tmp_path):
    path = tmp_path / "bad.npz"
    path.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="is not a valid npz archive"):
        _files.load_npz(path)
