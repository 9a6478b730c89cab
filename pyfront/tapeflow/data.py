"""``tf.data``: a Dataset of in-memory arrays cut into slices and batches, enough for the
book's custom training loop (§7.4.3) and for ``Model.fit``:

    dataset = tf.data.Dataset.from_tensor_slices((train_images, train_labels))
    dataset = dataset.batch(32)          # the last batch is partial unless drop_remainder
    for inputs_batch, targets_batch in dataset:   # tensors (32, 784) and (32,)
        ...
    model.fit(dataset, epochs=3)         # a Dataset is an iterable of (x, y) batches

Elements keep the structure given (tuples, dicts, nests of them); a Python list is one
tensor, as in TensorFlow. The arrays are held as NumPy arrays and each slice or batch
becomes a tensor when it is read.
"""

from __future__ import annotations

import numbers

import numpy as np

from tapeflow import nest
from tapeflow._convert import convert_to_tensor

__all__ = ["Dataset"]


class Dataset:
    """Slices (or batches of slices) of arrays that share their first dimension."""

    def __init__(self, arrays, num_slices: int, batch_size=None, drop_remainder=False):
        self._arrays = arrays  # a nest of np.ndarray, each (num_slices, ...)
        self._num_slices = num_slices
        self._batch_size = batch_size
        self._drop_remainder = drop_remainder

    @staticmethod
    def from_tensor_slices(tensors) -> Dataset:
        """A dataset whose i-th element is ``tensors`` with every component indexed by i."""
        arrays = _to_arrays(tensors)
        leaves = nest.flatten(arrays)
        if not leaves:
            raise ValueError(
                "from_tensor_slices: received an empty structure, expected at "
                "least one tensor or array"
            )
        for leaf in leaves:
            if leaf.ndim == 0:
                raise ValueError(
                    f"from_tensor_slices: cannot slice a scalar (shape ()); received {leaf!r}"
                )
        sizes = sorted({leaf.shape[0] for leaf in leaves})
        if len(sizes) > 1:
            shapes = [leaf.shape for leaf in leaves]
            raise ValueError(
                f"from_tensor_slices: all components must have the same size in "
                f"their first dimension; received shapes {shapes}"
            )
        return Dataset(arrays, sizes[0])

    def batch(self, batch_size, drop_remainder=False) -> Dataset:
        """Groups consecutive elements into batches of ``batch_size`` (the last one smaller
        unless ``drop_remainder``)."""
        if (
            not isinstance(batch_size, numbers.Integral)
            or isinstance(batch_size, bool)
            or batch_size < 1
        ):
            raise ValueError(f"batch: batch_size must be a positive integer, got {batch_size!r}")
        if self._batch_size is not None:
            raise NotImplementedError(
                "batch: this dataset is already batched; tapeflow's Dataset batches slices once"
            )
        return Dataset(self._arrays, self._num_slices, int(batch_size), bool(drop_remainder))

    def cardinality(self) -> int:
        """The number of elements (batches once batched)."""
        if self._batch_size is None:
            return self._num_slices
        if self._drop_remainder:
            return self._num_slices // self._batch_size
        return -(-self._num_slices // self._batch_size)

    def __len__(self) -> int:
        return self.cardinality()

    def __iter__(self):
        if self._batch_size is None:
            for i in range(self._num_slices):
                yield nest.map_structure(
                    lambda array, i=i: convert_to_tensor(array[i]), self._arrays
                )
            return
        size = self._batch_size
        for start in range(0, self.cardinality() * size, size):
            rows = slice(start, min(start + size, self._num_slices))
            yield nest.map_structure(
                lambda array, rows=rows: convert_to_tensor(np.ascontiguousarray(array[rows])),
                self._arrays,
            )

    def __repr__(self) -> str:
        return f"<Dataset cardinality={self.cardinality()}, batch_size={self._batch_size}>"


def _to_arrays(structure):
    """Tuples and dicts are structure; anything else (a list too) is one array, converted as
    tf.convert_to_tensor does (Python ints become int32, floats float32)."""
    if isinstance(structure, dict):
        return type(structure)((key, _to_arrays(value)) for key, value in structure.items())
    if isinstance(structure, tuple):
        return type(structure)(_to_arrays(item) for item in structure)
    if isinstance(structure, np.ndarray):
        return structure
    return np.asarray(convert_to_tensor(structure))
