"""``tf.data.Dataset``: the input pipelines the book builds (section 7.4.4), eagerly.

    dataset = tf.data.Dataset.from_tensor_slices((images, labels))   # one element per row
    dataset = dataset.shuffle(buffer_size=1024).batch(32).prefetch(tf.data.AUTOTUNE)
    for inputs, targets in dataset: ...                               # tensors
    model.fit(dataset, epochs=3)

A Dataset is a recipe; iterating it runs the recipe again (so each epoch reshuffles).
Pipelines over `from_tensor_slices` shuffle and batch row *indices* and gather each batch
from the arrays in one step, instead of moving rows one at a time. `shuffle` keeps
TensorFlow's buffer semantics (a buffer smaller than the data gives a windowed shuffle).
"""

from __future__ import annotations

import math

import numpy as np

import tapeflow as tf
from tapeflow import nest

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


def _to_tensor(value):
    return value if isinstance(value, tf.Tensor) else tf.convert_to_tensor(np.asarray(value))


class _Iterator:
    """A dataset's iterator. Elements are made in Python at each `next`: a tf.function traced
    while reading one would replay the element it saw, so such a call runs eagerly."""

    __slots__ = ("_elements",)

    def __init__(self, elements):
        self._elements = elements

    def __iter__(self):
        return self

    def __next__(self):
        if tf._C.recording():
            tf._C.poison_recording("a tf.data.Dataset was read inside the function")
        return next(self._elements)


class Dataset:
    """Base class: subclasses give `_elements()` (and, over slices, `_indices()`)."""

    _rows = None  # the arrays (a nest) when the elements are rows of in-memory arrays

    # -- sources -----------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None):
        """One element per row of the arrays (lists, tuples and dicts of them keep their
        structure); every array must have the same number of rows."""
        return _Slices(tensors)

    @staticmethod
    def from_tensors(tensors, name=None):
        """A dataset of one element: `tensors` itself."""
        return _Generated(lambda: iter([nest.map_structure(_to_tensor, tensors)]), 1)

    @staticmethod
    def range(*args, output_type=None, name=None):
        values = range(*args)
        dtype = output_type or tf.int64
        return _Generated(lambda: (tf.constant(v, dtype=dtype) for v in values), len(values))

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None):
        """Elements from calling `generator()` (again for every iteration)."""
        if not callable(generator):
            raise TypeError("from_generator: `generator` must be a callable returning an "
                            f"iterator, received {type(generator).__name__}")
        call_args = tuple(args or ())
        return _Generated(lambda: (nest.map_structure(_to_tensor, e)
                                   for e in generator(*call_args)), UNKNOWN_CARDINALITY)

    # -- transformations ---------------------------------------------------------------------
    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None):
        if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size <= 0:
            raise ValueError(f"batch: batch_size must be a positive integer, received "
                             f"{batch_size!r}")
        return _Batch(self, int(batch_size), bool(drop_remainder))

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None):
        if isinstance(buffer_size, bool) or int(buffer_size) != buffer_size or buffer_size <= 0:
            raise ValueError(f"shuffle: buffer_size must be a positive integer, received "
                             f"{buffer_size!r}")
        return _Shuffle(self, int(buffer_size), seed, reshuffle_each_iteration)

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None):
        return _Map(self, map_func)

    def filter(self, predicate, name=None):
        return _Filter(self, predicate)

    def take(self, count, name=None):
        return _Take(self, int(count))

    def skip(self, count, name=None):
        return _Skip(self, int(count))

    def repeat(self, count=None, name=None):
        return _Repeat(self, None if count is None or count < 0 else int(count))

    def prefetch(self, buffer_size, name=None):
        return self  # eager: nothing runs ahead

    def cache(self, filename="", name=None):
        return self  # the elements are already in memory or recomputed cheaply

    # -- reading -----------------------------------------------------------------------------
    def __iter__(self):
        return _Iterator(self._elements())

    def as_numpy_iterator(self):
        return (nest.map_structure(np.asarray, e) for e in self._elements())

    def cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def __len__(self) -> int:
        n = self.cardinality()
        if n == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return n

    def __repr__(self) -> str:
        return f"<{type(self).__name__.lstrip('_')}Dataset cardinality={self.cardinality()}>"

    # -- internals ---------------------------------------------------------------------------
    def _elements(self):
        raise NotImplementedError

    def _indices(self):
        """Row indices, for datasets whose elements are rows of `_rows` (else None)."""
        return None


class _Slices(Dataset):
    def __init__(self, tensors):
        arrays = nest.map_structure(np.asarray, tensors)
        lengths = {a.shape[0] if a.ndim else None for a in nest.flatten(arrays)}
        if None in lengths:
            raise ValueError("from_tensor_slices: every component needs a leading dimension "
                             "to slice, received a scalar")
        if len(lengths) != 1:
            raise ValueError(f"from_tensor_slices: all components must have the same number "
                             f"of rows, received {sorted(lengths)}")
        self._rows = arrays
        self._count = lengths.pop()

    def cardinality(self) -> int:
        return self._count

    def _indices(self):
        return iter(range(self._count))

    def _elements(self):
        for i in range(self._count):
            yield nest.map_structure(lambda a, i=i: tf.convert_to_tensor(a[i]), self._rows)


class _Generated(Dataset):
    def __init__(self, make_iterator, count):
        self._make_iterator = make_iterator
        self._count = count

    def cardinality(self) -> int:
        return self._count

    def _elements(self):
        return self._make_iterator()


class _Derived(Dataset):
    def __init__(self, parent):
        self._parent = parent
        self._rows = parent._rows


class _Shuffle(_Derived):
    def __init__(self, parent, buffer_size, seed, reshuffle):
        super().__init__(parent)
        self._buffer_size = buffer_size
        self._seed = seed if seed is not None else (
            None if reshuffle else int(np.random.randint(2**31)))  # noqa: NPY002
        self._reshuffle = reshuffle

    def cardinality(self) -> int:
        return self._parent.cardinality()

    def _generator(self):
        if self._seed is not None and not self._reshuffle:
            return np.random.default_rng(self._seed)
        # The global NumPy generator seeds each pass, so np.random.seed makes it repeatable.
        base = self._seed if self._seed is not None else 0
        return np.random.default_rng([base, int(np.random.randint(2**31))])  # noqa: NPY002

    def _shuffled(self, items):
        rng, buffer = self._generator(), []
        for item in items:
            if len(buffer) < self._buffer_size:
                buffer.append(item)
                continue
            j = int(rng.integers(len(buffer)))
            yield buffer[j]
            buffer[j] = item
        rng.shuffle(buffer)  # draining the buffer in random order
        yield from buffer

    def _indices(self):
        parent = self._parent._indices()
        if parent is None:
            return None
        count = self._parent.cardinality()
        if self._buffer_size >= count >= 0:  # a full shuffle: one permutation
            order = np.fromiter(parent, dtype=np.int64, count=count)
            self._generator().shuffle(order)
            return iter(order.tolist())
        return self._shuffled(parent)

    def _elements(self):
        return self._shuffled(self._parent._elements())


class _Batch(_Derived):
    def __init__(self, parent, size, drop_remainder):
        super().__init__(parent)
        self._rows = None  # a batch is not a row
        self._size = size
        self._drop = drop_remainder

    def cardinality(self) -> int:
        n = self._parent.cardinality()
        if n < 0:
            return n
        return n // self._size if self._drop else math.ceil(n / self._size)

    def _elements(self):
        indices = self._parent._indices()
        if indices is not None:
            rows = self._parent._rows
            for chunk in _chunks(indices, self._size, self._drop):
                index = np.asarray(chunk, dtype=np.int64)
                yield nest.map_structure(lambda a, i=index: tf.convert_to_tensor(np.take(a, i, 0)),
                                         rows)
            return
        for chunk in _chunks(self._parent._elements(), self._size, self._drop):
            yield nest.pack_sequence_as(chunk[0], [
                tf.convert_to_tensor(np.stack([np.asarray(leaf) for leaf in leaves]))
                for leaves in zip(*(nest.flatten(e) for e in chunk), strict=True)])


def _chunks(items, size, drop_remainder):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk and not drop_remainder:
        yield chunk


class _Map(_Derived):
    def __init__(self, parent, fn):
        super().__init__(parent)
        self._rows = None
        self._fn = fn

    def cardinality(self) -> int:
        return self._parent.cardinality()

    def _elements(self):
        for element in self._parent._elements():
            yield self._fn(*element) if isinstance(element, tuple) else self._fn(element)


class _Filter(_Map):
    def cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _elements(self):
        for element in self._parent._elements():
            keep = self._fn(*element) if isinstance(element, tuple) else self._fn(element)
            if bool(keep):
                yield element


class _Take(_Derived):
    def __init__(self, parent, count):
        super().__init__(parent)
        self._n = count

    def cardinality(self) -> int:
        n = self._parent.cardinality()
        if self._n < 0:
            return n
        return self._n if n == INFINITE_CARDINALITY else (n if n < 0 else min(n, self._n))

    def _limit(self, items):
        if items is None:
            return None
        return items if self._n < 0 else (x for _, x in zip(range(self._n), items,
                                                            strict=False))

    def _indices(self):
        return self._limit(self._parent._indices())

    def _elements(self):
        return self._limit(self._parent._elements())


class _Skip(_Take):
    def cardinality(self) -> int:
        n = self._parent.cardinality()
        return n if n < 0 else max(n - max(self._n, 0), 0)

    def _limit(self, items):
        if items is None:
            return None
        for _ in zip(range(self._n), items, strict=False):
            pass
        return items


class _Repeat(_Derived):
    def __init__(self, parent, count):
        super().__init__(parent)
        self._count = count

    def cardinality(self) -> int:
        n = self._parent.cardinality()
        if self._count is None:
            return INFINITE_CARDINALITY if n != 0 else 0
        return n * self._count if n >= 0 else n

    def _passes(self):
        return iter(int, 1) if self._count is None else range(self._count)

    def _indices(self):
        if self._parent._indices() is None:
            return None
        return (i for _ in self._passes() for i in self._parent._indices())

    def _elements(self):
        return (e for _ in self._passes() for e in self._parent._elements())
