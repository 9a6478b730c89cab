# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Data-pipeline helpers that would be slow Python loops: multi-hot and one-hot encoding,
index shuffling, row gathering for batches. tapeflow.data_utils is the public face.

Bounds checks are off in this module: every index is checked explicitly, with an error that
names it, before it is used to address memory.
"""

import operator
import secrets

import numpy as np

cimport numpy as cnp
from libc.stdint cimport int64_t, uint64_t
from libc.string cimport memcpy

cnp.import_array()


cdef inline Py_ssize_t _non_negative_int(value, str what) except -1:
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{what} must be an integer, got {value!r}")
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an integer, got {type(value).__name__} {value!r}") from None
    if value < 0:
        raise ValueError(f"{what} must be non-negative, got {value}")
    return value


cdef object _one_bytes(dtype):
    """The bytes of the value 1 in `dtype` (any numeric or bool dtype)."""
    return np.ones(1, dtype=dtype).view(np.uint8)


cdef object _byte_view(array):
    """A flat uint8 view of a C-contiguous array."""
    return array.reshape(-1).view(np.uint8)


cdef object _output_dtype(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind not in "biufc":
        raise TypeError(f"dtype must be a numeric or bool dtype, got {dtype}")
    return dtype


cdef inline Py_ssize_t _token_index(token, Py_ssize_t i, Py_ssize_t dim) except -1:
    """One token of sequence i as an index checked to lie in [0, dim)."""
    cdef Py_ssize_t j
    if type(token) is not int:
        if isinstance(token, (bool, np.bool_)) or not hasattr(token, "__index__"):
            raise TypeError(f"vectorize_sequences: sequence {i} holds {token!r}; expected ints")
        token = operator.index(token)
    try:
        j = token
    except OverflowError:
        j = -1
    if j < 0 or j >= dim:
        raise ValueError(f"vectorize_sequences: index {token} in sequence {i} is out of range "
                         f"[0, {dim})")
    return j


def vectorize_sequences(sequences, dimension=10000, dtype="float32"):
    """Multi-hot encoding: row i has a 1 at every index that sequence i holds.

    sequences: a list (or array) of sequences of ints in [0, dimension).
    Returns an array of shape (len(sequences), dimension), float32 unless `dtype` says
    otherwise (the book's listing 4.3 builds float64 through np.zeros).
    """
    cdef Py_ssize_t dim = _non_negative_int(dimension, "dimension")
    dtype = _output_dtype(dtype)
    if isinstance(sequences, (str, bytes)) or not hasattr(sequences, "__len__"):
        raise TypeError(f"sequences must be a list of sequences of ints, got "
                        f"{type(sequences).__name__}")
    cdef Py_ssize_t n = len(sequences)
    out = np.zeros((n, dim), dtype=dtype)
    if out.size == 0:
        for seq in sequences:  # still reject indices that a zero-width row cannot hold
            for token in seq:
                raise ValueError(f"vectorize_sequences: index {token!r} is out of range for "
                                 f"dimension {dim}")
        return out
    cdef unsigned char[::1] flat = _byte_view(out)
    cdef unsigned char[::1] one = _one_bytes(dtype)
    cdef Py_ssize_t itemsize = dtype.itemsize
    cdef Py_ssize_t row, i = 0, j, k
    cdef int64_t[::1] tokens
    for seq in sequences:
        if i >= n:
            raise ValueError("vectorize_sequences: sequences changed length while being read")
        row = i * dim * itemsize
        if isinstance(seq, np.ndarray):
            if seq.ndim != 1 or seq.dtype.kind not in "iu":
                raise TypeError(f"vectorize_sequences: sequence {i} must hold ints, got an "
                                f"array of dtype {seq.dtype} and shape {seq.shape}")
            tokens = np.ascontiguousarray(seq, dtype=np.int64)
            for k in range(tokens.shape[0]):
                j = tokens[k]
                if j < 0 or j >= dim:
                    raise ValueError(f"vectorize_sequences: index {seq[k]} in sequence {i} is "
                                     f"out of range [0, {dim})")
                memcpy(&flat[row + j * itemsize], &one[0], itemsize)
        else:
            for token in seq:
                j = _token_index(token, i, dim)
                memcpy(&flat[row + j * itemsize], &one[0], itemsize)
        i += 1
    if i != n:
        raise ValueError("vectorize_sequences: sequences changed length while being read")
    return out


def to_categorical(y, num_classes=None, dtype="float32"):
    """One-hot encoding with Keras's semantics: labels of any shape gain a trailing axis of
    size num_classes (a trailing axis of size 1 is replaced); num_classes defaults to
    max(y) + 1. Labels must be integers (integral floats accepted) in [0, num_classes)."""
    dtype = _output_dtype(dtype)
    y = np.asarray(y)
    if y.dtype.kind == "f":
        if y.size and not np.all(np.isfinite(y) & (y == np.floor(y))):
            raise ValueError("to_categorical: labels must be integers, got non-integral "
                             f"values such as {y[~(np.isfinite(y) & (y == np.floor(y)))][0]!r}")
    elif y.dtype.kind not in "biu":
        raise TypeError(f"to_categorical: labels must be integers, got dtype {y.dtype}")
    if y.dtype.kind == "u" and y.size and y.max() > np.iinfo(np.int64).max:
        raise ValueError(f"to_categorical: label {y.max()} is out of range")
    shape = y.shape
    cdef Py_ssize_t rank = len(shape)
    if rank > 1 and shape[rank - 1] == 1:  # NOTE: no negative indices with wraparound off
        shape = shape[:rank - 1]
    labels_array = np.ascontiguousarray(y.reshape(-1), dtype=np.int64)
    cdef int64_t[::1] labels = labels_array
    cdef Py_ssize_t n = labels_array.shape[0]
    cdef Py_ssize_t classes
    classes = 0 if num_classes is None else _non_negative_int(num_classes, "num_classes")
    if classes == 0:  # Keras infers the count for None and 0 alike
        if n == 0:
            raise ValueError("to_categorical: cannot infer num_classes from an empty y; "
                             "pass num_classes")
        if labels_array.min() < 0:
            raise ValueError(f"to_categorical: label {labels_array.min()} is negative")
        classes = labels_array.max() + 1
    out = np.zeros((n, classes), dtype=dtype)
    cdef Py_ssize_t itemsize = dtype.itemsize, i
    cdef int64_t c
    cdef unsigned char[::1] flat
    cdef unsigned char[::1] one
    if out.size:
        flat = _byte_view(out)
        one = _one_bytes(dtype)
        for i in range(n):
            c = labels[i]
            if c < 0 or c >= classes:
                raise ValueError(f"to_categorical: label {c} at position {i} is out of range "
                                 f"[0, {classes})")
            memcpy(&flat[(i * classes + c) * itemsize], &one[0], itemsize)
    elif n:  # zero classes: every label is out of range
        raise ValueError(f"to_categorical: label {labels[0]} at position 0 is out of range "
                         f"[0, {classes})")
    return out.reshape(tuple(shape) + (classes,))


cdef inline uint64_t _splitmix64(uint64_t* state) nogil:
    state[0] += 0x9E3779B97F4A7C15ULL
    cdef uint64_t z = state[0]
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL
    return z ^ (z >> 31)


def shuffled_indices(n, seed=None):
    """A random permutation of range(n) as int64 (Fisher-Yates driven by SplitMix64).
    The same (n, seed) gives the same permutation on every platform; seed None draws one
    from the OS."""
    cdef Py_ssize_t count = _non_negative_int(n, "n")
    if seed is None:
        seed = secrets.randbits(64)
    elif isinstance(seed, (bool, np.bool_)):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    else:
        try:
            seed = operator.index(seed)
        except TypeError:
            raise TypeError(f"seed must be an integer, got {type(seed).__name__} "
                            f"{seed!r}") from None
    cdef uint64_t state = <uint64_t>(seed & 0xFFFFFFFFFFFFFFFF)
    result = np.arange(count, dtype=np.int64)
    cdef int64_t[::1] order = result
    cdef Py_ssize_t i, j
    cdef int64_t tmp
    with nogil:
        i = count - 1
        while i > 0:
            j = <Py_ssize_t>(_splitmix64(&state) % <uint64_t>(i + 1))
            tmp = order[i]
            order[i] = order[j]
            order[j] = tmp
            i -= 1
    return result


def gather_rows(array, indices, out=None):
    """out[k] = array[indices[k]] along axis 0 (np.take(array, indices, axis=0)), copying whole
    rows with memcpy. Negative indices count from the end; anything outside [-n, n) raises
    IndexError naming it. `out`, when given, must be a C-contiguous writable array of the
    result's shape and dtype that does not overlap `array`."""
    if not isinstance(array, np.ndarray):
        array = np.asarray(array)
    if array.ndim == 0:
        raise ValueError("gather_rows: array must have at least one dimension, got a scalar")
    idx = np.asarray(indices)
    if idx.dtype.kind not in "iu" or idx.ndim != 1:
        if idx.size == 0 and idx.ndim == 1:
            idx = idx.astype(np.int64)
        else:
            raise TypeError(f"gather_rows: indices must be a 1-D integer array, got dtype "
                            f"{idx.dtype} and shape {idx.shape}")
    cdef Py_ssize_t rows = array.shape[0]
    cdef Py_ssize_t count = idx.shape[0]
    shape = (count,) + array.shape[1:]
    if out is None:
        out = np.empty(shape, dtype=array.dtype)
    else:
        if not isinstance(out, np.ndarray):
            raise TypeError(f"gather_rows: out must be a NumPy array, got {type(out).__name__}")
        if out.shape != shape or out.dtype != array.dtype:
            raise ValueError(f"gather_rows: out must have shape {shape} and dtype "
                             f"{array.dtype}, got shape {out.shape} and dtype {out.dtype}")
        if not out.flags.c_contiguous or not out.flags.writeable:
            raise ValueError("gather_rows: out must be C-contiguous and writable")
        if _may_overlap(out, array):
            raise ValueError("gather_rows: out must not overlap array")
    if idx.dtype.kind == "u" and count and idx.max() > np.iinfo(np.int64).max:
        raise IndexError(f"gather_rows: index {idx.max()} is out of bounds for axis 0 with "
                         f"size {rows}")
    # int64 C-contiguous indices (a slice of a permutation) are read in place, not copied.
    positions_array = idx if idx.dtype == np.int64 and idx.flags.c_contiguous else \
        np.ascontiguousarray(idx, dtype=np.int64)
    cdef const int64_t[::1] positions = positions_array
    cdef Py_ssize_t k
    cdef int64_t p
    for k in range(count):
        p = positions[k]
        if p < -rows or p >= rows:
            raise IndexError(f"gather_rows: index {idx[k]} at position {k} is out of bounds "
                             f"for axis 0 with size {rows}")
    if array.dtype.hasobject or not array.flags.c_contiguous:
        # Object rows hold references that memcpy must not duplicate; strided rows are not
        # one block of memory. NumPy's take handles both (indices are already checked).
        np.take(array, positions_array, axis=0, out=out)
        return out
    if out.size == 0:
        return out
    cdef Py_ssize_t row_bytes = array.itemsize
    for d in array.shape[1:]:
        row_bytes *= d
    # Raw pointers: both arrays are C-contiguous and every index was checked above.
    cdef const char* src = <const char*> cnp.PyArray_DATA(array)
    cdef char* dst = <char*> cnp.PyArray_DATA(out)
    with nogil:
        for k in range(count):
            p = positions[k]
            if p < 0:
                p += rows
            memcpy(dst + k * row_bytes, src + p * row_bytes, row_bytes)
    return out


cdef bint _may_overlap(cnp.ndarray out, cnp.ndarray array):
    """Whether two arrays may share memory; C-contiguous ones by comparing their byte ranges
    (np.may_share_memory costs a microsecond per batch), others through NumPy."""
    cdef const char* a
    cdef const char* b
    cdef Py_ssize_t a_bytes, b_bytes
    if not array.flags.c_contiguous:
        return np.may_share_memory(out, array)
    a, a_bytes = <const char*> cnp.PyArray_DATA(out), cnp.PyArray_NBYTES(out)
    b, b_bytes = <const char*> cnp.PyArray_DATA(array), cnp.PyArray_NBYTES(array)
    return a < b + b_bytes and b < a + a_bytes


def batch_slices(n, batch_size):
    """[slice(0, b), slice(b, 2b), ...] covering range(n); the last may be shorter."""
    cdef Py_ssize_t count = _non_negative_int(n, "n")
    cdef Py_ssize_t size = _non_negative_int(batch_size, "batch_size")
    if size == 0:
        raise ValueError("batch_size must be positive, got 0")
    return [slice(start, min(start + size, count)) for start in range(0, count, size)]
