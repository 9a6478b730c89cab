"""Data-pipeline helpers for the book's workflows and ``Model.fit`` (compiled in
tapeflow/_data.pyx):

- ``vectorize_sequences(sequences, dimension=10000, dtype="float32")``: multi-hot rows;
- ``to_categorical(y, num_classes=None, dtype="float32")``: one-hot, Keras's semantics;
- ``shuffled_indices(n, seed=None)``: a permutation of range(n) as int64;
- ``gather_rows(array, indices, out=None)``: ``np.take(array, indices, axis=0)`` by memcpy;
- ``batch_slices(n, batch_size)``: the slices of consecutive batches.

    x = vectorize_sequences(train_data)            # (25000, 10000) float32
    for batch in batch_slices(len(x), 128):
        rows = gather_rows(x, order[batch])
"""

from __future__ import annotations

from tapeflow import _data
from tapeflow.ops import random as _random

__all__ = ["vectorize_sequences", "to_categorical", "shuffled_indices", "gather_rows",
           "batch_slices"]

vectorize_sequences = _data.vectorize_sequences
to_categorical = _data.to_categorical
gather_rows = _data.gather_rows
batch_slices = _data.batch_slices

_MASK64 = 2**64 - 1


def shuffled_indices(n, seed=None):
    """A random permutation of range(n) (int64). With ``seed=None`` it follows
    ``tf.random.set_seed`` as an op would: a program re-run after the same ``set_seed``
    shuffles the same way, and without a global seed every call differs."""
    if seed is None:
        global_seed, op_seed = _random.get_seed(None)
        if global_seed is not None:
            seed = (global_seed & _MASK64) ^ ((op_seed * 0x9E3779B97F4A7C15) & _MASK64)
    return _data.shuffled_indices(n, seed)
