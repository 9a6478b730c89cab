"""Where the built-in datasets come from and how their files are read safely.

Every dataset file is fetched from Keras's own bucket with the hash Keras publishes, so a file is
verified before it enters the cache and again each time it is read from there. ``ORIGIN_FOLDER``
and ``FILE_HASHES`` are module attributes read at call time: a mirror (or a test serving small
files from 127.0.0.1) replaces them.

npz files are read member by member without ``allow_pickle=True``:
- numeric arrays (mnist, boston_housing) with pickling disabled entirely;
- the ragged word-index sequences of imdb/reuters are ``dtype=object`` arrays, which NumPy can
  only store as a pickle stream. Keras 3 first used ``allow_pickle=True`` here, which runs any
  code a tampered file carries; it now uses a restricted unpickler, and so does tapeflow: the
  only globals it resolves are the three NumPy needs to rebuild an array (``ndarray``, ``dtype``,
  ``_reconstruct``). Lists and ints need no globals, so nothing else is ever imported or called.
  With the hash check in front, a pickle stream is only read from a file whose bytes are the ones
  Keras published.
"""

from __future__ import annotations

import io
import json
import pickle
import zipfile

import numpy as np

from tapeflow.keras.utils.file_utils import get_file

ORIGIN_FOLDER = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

# The hashes Keras 3 publishes for these files: sha256 (64 digits) or md5 (32 digits).
FILE_HASHES = {
    "mnist.npz": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
    "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",  # noqa: E501
    "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",  # noqa: E501
    "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
    "imdb.npz": "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f",
    "imdb_word_index.json": "bfafd718b763782e994055a2d397834f",
    "reuters.npz": "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916",
    "reuters_word_index.json": "4d44cc38712099c9e383dc6e5f11a921",
    "boston_housing.npz": "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5",
}

# An npz member declaring more than this many bytes AND expanding more than the ratio below from
# what is stored is refused as a decompression bomb (the real files are far below both).
_BOMB_FLOOR_BYTES = 1 << 32
_BOMB_MAX_EXPANSION = 100

_ARRAY_GLOBALS = frozenset(
    {
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("numpy.core.multiarray", "_reconstruct"),  # files written by NumPy 1.x
        ("numpy._core.multiarray", "_reconstruct"),  # files written by NumPy 2.x
    }
)


def fetch(remote_name, cache_name=None, cache_subdir="datasets"):
    """Downloads ``ORIGIN_FOLDER + remote_name`` (verified) and returns its cached path."""
    return get_file(
        cache_name or remote_name,
        origin=ORIGIN_FOLDER + remote_name,
        file_hash=FILE_HASHES[remote_name],
        cache_subdir=cache_subdir,
    )


def load_npz(path, allow_object_arrays=False) -> dict:
    """Reads every ``.npy`` member of an npz archive into ``{name: array}``.

    ``allow_object_arrays`` admits ``dtype=object`` members, rebuilt by the restricted unpickler.
    """
    arrays = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.filename.endswith(".npy"):
                    continue
                _refuse_bomb(path, info)
                with archive.open(info) as member:
                    buffer = io.BytesIO(member.read())
                name = info.filename[: -len(".npy")]
                arrays[name] = _read_npy(buffer, allow_object_arrays, f"{path}:{name}")
    except zipfile.BadZipFile as e:
        raise ValueError(f"{path} is not a valid npz archive: {e}") from e
    return arrays


def load_word_index(path) -> dict:
    """A ``{word: rank}`` JSON file, checked to be exactly that."""
    try:
        with open(path, encoding="utf-8") as file:
            index = json.load(file)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{path} is not a valid JSON word index: {e}") from e
    if not isinstance(index, dict) or not all(
        isinstance(rank, int) and not isinstance(rank, bool) for rank in index.values()
    ):
        raise ValueError(f"{path}: expected a JSON object mapping words to integer ranks")
    return index


def require(arrays, names, path) -> list:
    """The arrays called ``names``, or a ValueError naming the ones missing from ``path``."""
    missing = [name for name in names if name not in arrays]
    if missing:
        raise ValueError(f"{path} lacks the arrays {missing}; it holds {sorted(arrays)}")
    return [arrays[name] for name in names]


def _refuse_bomb(path, info) -> None:
    if (
        info.file_size > _BOMB_FLOOR_BYTES
        and info.file_size > _BOMB_MAX_EXPANSION * info.compress_size
    ):
        raise ValueError(
            f"{path}: refusing npz member {info.filename!r}: it declares {info.file_size} bytes "
            f"but stores only {info.compress_size} (a decompression bomb?)"
        )


def _read_npy(buffer, allow_object_arrays, where) -> np.ndarray:
    version = np.lib.format.read_magic(buffer)
    # The 3.0 header differs from 2.0 only in its text encoding (utf-8 vs latin-1), which the
    # 2.0 reader handles for every dtype NumPy writes.
    read_header = (
        np.lib.format.read_array_header_1_0
        if version == (1, 0)
        else np.lib.format.read_array_header_2_0
    )
    shape, _, dtype = read_header(buffer)
    if not dtype.hasobject:
        buffer.seek(0)
        return np.lib.format.read_array(buffer, allow_pickle=False)
    if not allow_object_arrays:
        raise ValueError(f"{where}: unexpected object array (dtype {dtype}); expected numbers")
    try:
        array = _ArrayOnlyUnpickler(buffer).load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError) as e:
        raise ValueError(f"{where}: cannot read the object array: {e}") from e
    if not isinstance(array, np.ndarray) or array.shape != shape:
        raise ValueError(f"{where}: the pickled payload is not the {shape} array its header says")
    return array


class _ArrayOnlyUnpickler(pickle.Unpickler):
    """Resolves only the globals NumPy needs to rebuild an ndarray; refuses every other one."""

    def find_class(self, module, name):
        if (module, name) in _ARRAY_GLOBALS:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"refusing to load `{module}.{name}` from a dataset file: only NumPy arrays of "
            "plain Python values are allowed (the file may be corrupted or malicious)"
        )
