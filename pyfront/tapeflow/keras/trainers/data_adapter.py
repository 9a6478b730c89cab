"""Turning what `fit`/`evaluate`/`predict` receive into batches of tensors.

Two sources:
  - arrays: NumPy arrays, tensors, lists and dicts of them (all with the same number of
    samples N); `ceil(N / batch_size)` batches per epoch, the last one partial; reshuffled
    every epoch when `shuffle` is on; `validation_split` keeps the last fraction aside
    (taken before shuffling, as Keras does).
  - iterables: a Python generator, or any iterable, yielding `(x,)`, `(x, y)` or
    `(x, y, sample_weight)` batches; `steps` bounds an epoch (needed for endless generators).

A batch is the tuple `(x,)`, `(x, y)` or `(x, y, sample_weight)`, as Keras hands it to
`train_step`, each part with the structure it was given.
"""

from __future__ import annotations

import math

import numpy as np

import tapeflow as tf
from tapeflow import _C, data_utils, nest


def unpack_x_y_sample_weight(data):
    """(x, y, sample_weight) from a batch given as x, (x,), (x, y) or (x, y, sample_weight)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError("Data is expected to be in format `x`, `(x,)`, `(x, y)`, or "
                     f"`(x, y, sample_weight)`, found a tuple of {len(data)} elements")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _is_array_like(x) -> bool:
    return isinstance(x, (np.ndarray, tf.Tensor, tf.Variable)) or (
        isinstance(x, (list, tuple)) and x and not isinstance(x[0], (list, tuple, np.ndarray,
                                                                     tf.Tensor, dict)))


def _as_array(x):
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, (tf.Tensor, tf.Variable)):
        return np.asarray(x)
    if isinstance(x, (list, tuple, int, float)):
        return np.asarray(x)
    raise TypeError(f"Unsupported data type {type(x).__name__}: expected a NumPy array, a "
                    "tensor, a list/dict of them, or a generator of batches")


def is_array_data(x) -> bool:
    """True for NumPy arrays, tensors, and (nested) lists/tuples/dicts of them."""
    if isinstance(x, dict):
        return all(is_array_data(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        if x and all(isinstance(v, (np.ndarray, tf.Tensor, tf.Variable, dict, list, tuple))
                     for v in x):
            return all(is_array_data(v) for v in x)
        return _is_array_like(x)
    return isinstance(x, (np.ndarray, tf.Tensor, tf.Variable))


def _arrays(structure):
    """The structure with every leaf as a NumPy array (lists of numbers become arrays)."""
    if structure is None:
        return None
    if isinstance(structure, dict):
        return {k: _arrays(v) for k, v in structure.items()}
    if isinstance(structure, (list, tuple)) and not _is_array_like(structure):
        return type(structure)(_arrays(v) for v in structure)
    return _as_array(structure)


class ArrayData:
    """Batches over in-memory arrays."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=False,
                 class_weight=None):
        self.x, self.y, self.sample_weight = _arrays(x), _arrays(y), _arrays(sample_weight)
        lengths = {a.shape[0] if a.ndim else None
                   for a in nest.flatten((self.x, self.y, self.sample_weight)) if a is not None}
        if None in lengths:
            raise ValueError("Expected arrays with a leading batch dimension, received a scalar")
        if len(lengths) > 1:
            sizes = {name: [a.shape[0] for a in nest.flatten(v)]
                     for name, v in (("x", self.x), ("y", self.y),
                                     ("sample_weight", self.sample_weight)) if v is not None}
            raise ValueError(f"Data cardinality is ambiguous: make sure all arrays contain the "
                             f"same number of samples. Received sizes {sizes}")
        self.num_samples = lengths.pop() if lengths else 0
        if batch_size is None:
            batch_size = 32
        if int(batch_size) <= 0:
            raise ValueError(f"batch_size must be a positive integer, received {batch_size}")
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        if class_weight is not None:
            self.sample_weight = _apply_class_weight(self.y, self.sample_weight, class_weight)

    @property
    def steps(self) -> int:
        return math.ceil(self.num_samples / self.batch_size)

    def split(self, validation_split: float):
        """(train, validation) ArrayData: the last `validation_split` of the samples apart."""
        if not 0.0 < validation_split < 1.0:
            raise ValueError(f"validation_split must be in (0, 1), received {validation_split}")
        split_at = int(math.floor(self.num_samples * (1.0 - validation_split)))
        if split_at == 0 or split_at == self.num_samples:
            raise ValueError(f"validation_split={validation_split} leaves no samples for "
                             f"{'training' if split_at == 0 else 'validation'} "
                             f"({self.num_samples} samples)")

        def part(structure, sl):
            return None if structure is None else nest.map_structure(lambda a: a[sl], structure)

        train = ArrayData(part(self.x, slice(None, split_at)), part(self.y, slice(None, split_at)),
                          part(self.sample_weight, slice(None, split_at)), self.batch_size,
                          self.shuffle)
        val = ArrayData(part(self.x, slice(split_at, None)), part(self.y, slice(split_at, None)),
                        part(self.sample_weight, slice(split_at, None)), self.batch_size)
        return train, val

    def batches(self):
        """One epoch of (x, y, sample_weight) batches as tensors."""
        n, size = self.num_samples, self.batch_size
        # The global NumPy generator, as Keras: np.random.seed makes the order repeatable.
        order = np.random.permutation(n) if self.shuffle else None  # noqa: NPY002
        parts = (self.x, self.y, self.sample_weight)
        if all(part is None or type(part) is np.ndarray for part in parts):
            yield from _plain_array_batches(parts, n, size, order)
            return
        for start in range(0, n, size):
            if order is None:
                index = slice(start, min(start + size, n))
                take = _slicer(index)
            else:
                take = _taker(order[start:start + size])
            yield pack_x_y_sample_weight(*(
                None if part is None else nest.map_structure(take, part)
                for part in (self.x, self.y, self.sample_weight)))


_NATIVE_DTYPES = frozenset(
    np.dtype(t) for t in (np.float32, np.float64, np.int32, np.int64, np.bool_))


def _plain_array_batches(arrays, n, size, order):
    """The batches of single arrays (no lists or dicts). Shuffled rows of float32, float64,
    int32, int64 and bool arrays are gathered by C++ straight into the batch tensor (one
    copy); other dtypes go through a NumPy buffer reused from batch to batch (the tensor takes
    a copy, widening the dtype)."""
    buffers = [None] * len(arrays)
    direct = [a is not None and a.dtype in _NATIVE_DTYPES for a in arrays]
    for start in range(0, n, size):
        stop = min(start + size, n)
        rows = None if order is None else order[start:stop]
        batch = []
        for i, array in enumerate(arrays):
            if array is None:
                batch.append(None)
            elif rows is None:
                batch.append(tf.convert_to_tensor(array[start:stop]))
            elif direct[i]:
                batch.append(_C.from_buffer_rows(array, rows))
            else:
                buffer = buffers[i]
                if buffer is None or buffer.shape[0] != stop - start:
                    buffer = buffers[i] = np.empty((stop - start,) + array.shape[1:], array.dtype)
                batch.append(tf.convert_to_tensor(data_utils.gather_rows(array, rows, out=buffer)))
        yield pack_x_y_sample_weight(*batch)


def _slicer(index):
    def take(array):
        return tf.convert_to_tensor(np.ascontiguousarray(array[index]))
    return take


def _taker(indices):
    def take(array):
        return tf.convert_to_tensor(np.take(array, indices, axis=0))
    return take


def _apply_class_weight(y, sample_weight, class_weight):
    if isinstance(y, (list, tuple, dict)):
        raise ValueError("class_weight is only supported for models with a single output")
    labels = y if y.ndim == 1 or y.shape[-1] == 1 else np.argmax(y, axis=-1)
    labels = labels.reshape(labels.shape[0], -1)[:, 0] if labels.ndim > 1 else labels
    labels = labels.astype(np.int64)
    table = np.ones(max(int(labels.max(initial=0)) + 1, max(class_weight) + 1), np.float32)
    for cls, weight in class_weight.items():
        table[int(cls)] = weight
    weights = table[labels]
    return weights if sample_weight is None else sample_weight * weights


class IterableData:
    """Batches from a generator or iterable of (x, y, sample_weight) tuples."""

    def __init__(self, source, steps=None):
        self.source = source
        self._steps = steps
        self._iterator = None

    @property
    def steps(self):
        if self._steps is not None:
            return self._steps
        return len(self.source) if hasattr(self.source, "__len__") else None

    def batches(self):
        if self._iterator is None or hasattr(self.source, "__len__") or not hasattr(
                self.source, "__next__"):
            # Re-iterable sources (lists, Sequences) restart every epoch; a generator
            # continues where the previous epoch stopped.
            self._iterator = iter(self.source)
        count = 0
        while self._steps is None or count < self._steps:
            try:
                batch = next(self._iterator)
            except StopIteration:
                self._iterator = None
                return
            count += 1
            x, y, sw = unpack_x_y_sample_weight(batch)
            yield pack_x_y_sample_weight(*(
                None if part is None else nest.map_structure(_to_tensor, part)
                for part in (x, y, sw)))


def _to_tensor(value):
    if isinstance(value, tf.Tensor):
        return value
    return tf.convert_to_tensor(np.asarray(value))


def make_data(x, y=None, sample_weight=None, batch_size=None, shuffle=False, steps=None,
              class_weight=None):
    """ArrayData for arrays, IterableData for generators and iterables of batches."""
    if is_array_data(x):
        return ArrayData(x, y, sample_weight, batch_size, shuffle, class_weight)
    if y is not None or sample_weight is not None:
        raise ValueError("When `x` is a generator or dataset, `y` and `sample_weight` must not "
                         "be given: the batches carry them")
    if hasattr(x, "__iter__") or hasattr(x, "__next__"):
        return IterableData(x, steps)
    raise TypeError(f"Unrecognized data type: x={type(x).__name__}; expected NumPy arrays, "
                    "tensors, lists or dicts of them, or a generator of batches")
