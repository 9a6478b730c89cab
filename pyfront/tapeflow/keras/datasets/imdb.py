"""``keras.datasets.imdb``: 50,000 movie reviews labelled by sentiment (1 positive, 0 negative),
each a list of word ids ranked by frequency (Maas et al., 2011).

    (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=10000)
    # x: object arrays (25000,) of lists of int; y: int64 (25000,)
    word_index = keras.datasets.imdb.get_word_index()          # {"the": 1, ...}
    words = {i + 3: w for w, i in word_index.items()}          # ids 0, 1, 2 are reserved

See ``_sequences`` for what each argument does to the lists.
"""

from __future__ import annotations

import numpy as np

from tapeflow.keras.datasets import _files, _sequences


def load_data(
    path="imdb.npz",
    num_words=None,
    skip_top=0,
    maxlen=None,
    seed=113,
    start_char=1,
    oov_char=2,
    index_from=3,
):
    """Loads the IMDB reviews, downloading ``imdb.npz`` (17 MB) the first time.

    Args:
        path: the file's name in the cache folder (``~/.keras/datasets``).
        num_words: keep the ``num_words`` most frequent words (ids below ``num_words``); the
            others become ``oov_char``. ``None`` keeps all.
        skip_top: the ids below ``skip_top`` (the most frequent words) become ``oov_char``.
        maxlen: drop the reviews whose length (start mark included) is ``maxlen`` or more.
        seed: seed of the ``np.random.RandomState`` shuffling train, then test.
        start_char: id put at the start of every review (``None``: none).
        oov_char: id of dropped words (``None``: dropped words are removed).
        index_from: offset added to every word rank (ranks start at 0 in the file).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: 1-D object arrays of Python lists of ints, and
        int64 labels; 25,000 reviews each when ``maxlen`` is None.
    """
    _sequences.check_arguments(num_words, skip_top, maxlen, start_char, oov_char, index_from)
    path = _files.fetch("imdb.npz", path)
    arrays = _files.load_npz(path, allow_object_arrays=True)
    x_train, y_train, x_test, y_test = _files.require(
        arrays, ["x_train", "y_train", "x_test", "y_test"], path
    )

    rng = np.random.RandomState(seed)
    x_train, y_train = _sequences.shuffle(rng, x_train, y_train)
    x_test, y_test = _sequences.shuffle(rng, x_test, y_test)
    x_train = _sequences.shift(x_train, start_char, index_from, f"{path}:x_train")
    x_test = _sequences.shift(x_test, start_char, index_from, f"{path}:x_test")

    if maxlen:
        x_train, y_train = _sequences.drop_long(maxlen, x_train, y_train)
        x_test, y_test = _sequences.drop_long(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(
                f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was "
                "kept. Increase maxlen."
            )

    sequences = _sequences.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    n_train = len(x_train)
    x_train = _sequences.object_array(sequences[:n_train])
    x_test = _sequences.object_array(sequences[n_train:])
    return (x_train, y_train), (x_test, y_test)


def get_word_index(path="imdb_word_index.json"):
    """The ``{word: rank}`` dict of the IMDB data (rank 1 = the most frequent word); a word of
    rank ``r`` appears as id ``r + index_from`` in ``load_data``'s lists."""
    path = _files.fetch("imdb_word_index.json", path)
    return _files.load_word_index(path)
