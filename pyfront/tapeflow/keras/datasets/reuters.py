"""``keras.datasets.reuters``: 11,228 Reuters newswires labelled over 46 topics, each a list of
word ids ranked by frequency.

    (x_train, y_train), (x_test, y_test) = keras.datasets.reuters.load_data(num_words=10000)
    # x: object arrays (8982,) / (2246,) of lists of int; y: int64 topic ids 0-45
    keras.datasets.reuters.get_label_names()[3]   # 'earn'

See ``_sequences`` for what each argument does to the lists.
"""

from __future__ import annotations

import numbers

import numpy as np

from tapeflow.keras.datasets import _files, _sequences

_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)  # fmt: skip


def load_data(
    path="reuters.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    test_split=0.2,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
):
    """Loads the Reuters newswires, downloading ``reuters.npz`` (2 MB) the first time.

    Args:
        path: the file's name in the cache folder (``~/.keras/datasets``).
        num_words, skip_top, maxlen, start_char, oov_char, index_from: as in
            ``keras.datasets.imdb.load_data``.
        test_split: the fraction of the (shuffled, filtered) samples kept for the test set.
        seed: seed of the ``np.random.RandomState`` that shuffles the samples before splitting.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: 1-D object arrays of Python lists of ints and
        int64 topic ids; the first ``int(n * (1 - test_split))`` samples train (8,982 of
        11,228 by default).
    """
    _sequences.check_arguments(num_words, skip_top, maxlen, start_char, oov_char, index_from)
    if (
        not isinstance(test_split, numbers.Real)
        or isinstance(test_split, bool)
        or not 0 <= test_split <= 1
    ):
        raise ValueError(f"`test_split` must be a float in [0, 1], received {test_split!r}")
    path = _files.fetch("reuters.npz", path)
    xs, labels = _files.require(_files.load_npz(path, allow_object_arrays=True), ["x", "y"], path)

    xs, labels = _sequences.shuffle(np.random.RandomState(seed), xs, labels)
    xs = _sequences.shift(xs, start_char, index_from, f"{path}:x")
    if maxlen:
        xs, labels = _sequences.drop_long(maxlen, xs, labels)
        if not xs:
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was "
                "kept. Increase maxlen."
            )
    xs = _sequences.limit_vocabulary(xs, num_words, skip_top, oov_char)

    n_train = int(len(xs) * (1 - test_split))
    x_train = _sequences.object_array(xs[:n_train])
    x_test = _sequences.object_array(xs[n_train:])
    return (x_train, labels[:n_train]), (x_test, labels[n_train:])


def get_word_index(path="reuters_word_index.json"):
    """The ``{word: rank}`` dict of the Reuters data (rank 1 = the most frequent word); a word
    of rank ``r`` appears as id ``r + index_from`` in ``load_data``'s lists."""
    path = _files.fetch("reuters_word_index.json", path)
    return _files.load_word_index(path)


def get_label_names():
    """The 46 topic names, indexed by the labels of ``load_data``."""
    return _LABEL_NAMES
