"""The word-index sequence preparation shared by ``imdb`` and ``reuters``, step by step as Keras
does it, so the same arguments give the same lists.

A stored sequence holds word ranks (0 = the most frequent word). Loading:
1. shuffle the samples with ``np.random.RandomState(seed)``;
2. shift every rank by ``index_from`` and prepend ``start_char``; ids 0, 1, 2 are left for
   padding, start and out-of-vocabulary, which is why the book decodes with ``i - 3``;
3. with ``maxlen``, drop (not truncate) every sequence whose length, start mark included, is
   ``>= maxlen``;
4. ids outside ``[skip_top, num_words)`` become ``oov_char`` (or are removed when ``oov_char``
   is None). The bounds apply to the shifted ids, so ``skip_top`` also counts the reserved ids.
"""

from __future__ import annotations

import numbers

import numpy as np


def check_arguments(num_words, skip_top, maxlen, start_char, oov_char, index_from) -> None:
    _check_int("num_words", num_words, minimum=1, optional=True)
    _check_int("skip_top", skip_top, minimum=0)
    _check_int("maxlen", maxlen, minimum=1, optional=True)
    _check_int("start_char", start_char, minimum=0, optional=True)
    _check_int("oov_char", oov_char, minimum=0, optional=True)
    _check_int("index_from", index_from, minimum=0)


def shuffle(rng, *arrays):
    """Applies one permutation, drawn as Keras draws it, to arrays of the same length."""
    indices = np.arange(len(arrays[0]))
    rng.shuffle(indices)
    return [array[indices] for array in arrays]


def shift(sequences, start_char, index_from, where) -> list:
    """Step 2: new Python lists, ranks shifted by ``index_from``, ``start_char`` first."""
    head = [] if start_char is None else [start_char]
    shifted = []
    for i, sequence in enumerate(sequences):
        try:
            if not isinstance(sequence, list):
                raise TypeError(type(sequence).__name__)
            # NOTE: no per-word type check: it doubled the time of this step on IMDB, and the
            # files are hash-verified; a word that is not a number still raises TypeError here.
            shifted.append(head + [w + index_from for w in sequence])
        except TypeError as e:
            raise ValueError(f"{where}: sample {i} is not a list of ints ({e})") from e
    return shifted


def drop_long(maxlen, sequences, labels):
    """Step 3: keeps the samples whose sequence is strictly shorter than ``maxlen``."""
    keep = np.array([len(s) < maxlen for s in sequences], dtype=bool)
    return [s for s, k in zip(sequences, keep, strict=True) if k], labels[keep]


def limit_vocabulary(sequences, num_words, skip_top, oov_char) -> list:
    """Step 4, over all samples (train and test together, as Keras does)."""
    if not num_words:
        # NOTE: Keras's default bound is the largest id itself, and the bound is exclusive, so
        # with num_words=None the single largest id still becomes oov_char. Kept for identical
        # arrays.
        num_words = max((max(s) for s in sequences if s), default=0)
    if oov_char is None:
        return [[w for w in s if skip_top <= w < num_words] for s in sequences]
    return [[w if skip_top <= w < num_words else oov_char for w in s] for s in sequences]


def object_array(sequences) -> np.ndarray:
    """A 1-D object array of lists, even when all lists happen to have the same length (where
    ``np.array(lists, dtype=object)`` would build a 2-D array)."""
    array = np.empty(len(sequences), dtype=object)
    for i, sequence in enumerate(sequences):
        array[i] = sequence
    return array


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_int(name, value, minimum, optional=False) -> None:
    if value is None and optional:
        return
    if not _is_int(value) or value < minimum:
        expected = f"an int >= {minimum}" + (" or None" if optional else "")
        raise ValueError(f"`{name}` must be {expected}, received {value!r}")
