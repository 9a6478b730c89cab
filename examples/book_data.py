"""The book's datasets for the examples: the real ones through `keras.datasets` when they can
be downloaded (or are already cached), otherwise real data bundled with scikit-learn, put in
the same format, with a printed notice.

    imdb = book_data.dataset("imdb", quick=args.quick)
    (train_data, train_labels), (test_data, test_labels) = imdb.load_data(num_words=10000)
    word_index = imdb.get_word_index()

so the book's code after the loading line runs unchanged on either; `stand_in(name)` gives a
stand-in directly (the book tests use it: fixed, seeded splits, no network). The stand-ins:

  mnist            scikit-learn's 1,797 handwritten digits (8x8, 0..16), scaled to 0..255 and
                   centred in a 28x28 frame, so the book's 28 * 28 inputs apply
  imdb             the 569 breast-cancer biopsies (benign 1 / malignant 0): each of the 30
                   measurements becomes a "word", its name and decile, so a sample is a
                   word-index sequence like a review
  reuters          the digits again as 10 "topics": each lit pixel is a word (position, ink)
  boston_housing   the 442 diabetes patients: 10 measurements, the disease progression a
                   year later, divided by 10 to sit in Boston's price range (5..50), as the
                   target

Offline the download fails fast: before downloading, a 3-second TCP probe of the dataset
host (or of the HTTPS proxy when one is set) must succeed. `quick=True` keeps a small subset.
"""

from __future__ import annotations

import os
import socket
import urllib.parse
import urllib.request

import numpy as np

from tapeflow import keras
from tapeflow.keras.datasets import _files
from tapeflow.keras.utils.file_utils import keras_home

# (train, test) sizes kept by quick=True
_QUICK_SIZES = {
    "mnist": (600, 200),
    "imdb": (300, 100),
    "reuters": (400, 100),
    "boston_housing": (80, 40),
}
_FILES = {
    "mnist": ["mnist.npz"],
    "imdb": ["imdb.npz", "imdb_word_index.json"],
    "reuters": ["reuters.npz", "reuters_word_index.json"],
    "boston_housing": ["boston_housing.npz"],
}
_STAND_INS = {
    "mnist": "scikit-learn's handwritten digits, centred in 28x28",
    "imdb": "scikit-learn's breast-cancer data as word sequences (1 = benign)",
    "reuters": "scikit-learn's handwritten digits as word sequences (10 topics)",
    "boston_housing": "scikit-learn's diabetes data (target: disease progression)",
}


def dataset(name: str, quick: bool = False) -> BookDataset:
    """`keras.datasets.<name>` with an offline fallback (see the module docstring)."""
    if name not in _FILES:
        raise ValueError(f"unknown dataset {name!r}; expected one of {sorted(_FILES)}")
    return BookDataset(name, quick)


class BookDataset:
    def __init__(self, name: str, quick: bool):
        self.name = name
        self.quick = quick
        self.offline = None  # set by load_data: True when the stand-in was used

    def load_data(self, **kwargs):
        """`keras.datasets.<name>.load_data(**kwargs)`, or the stand-in in the same format."""
        try:
            _check_reachable(self.name)
            data = getattr(keras.datasets, self.name).load_data(**kwargs)
            self.offline = False
        except (OSError, ValueError) as error:
            print(
                f"NOTICE: the {self.name} dataset could not be downloaded ({error}); "
                f"using {_STAND_INS[self.name]} instead (offline)."
            )
            data = stand_in(self.name, **kwargs)
            self.offline = True
        if self.quick:
            train_size, test_size = _QUICK_SIZES[self.name]
            (x_train, y_train), (x_test, y_test) = data
            data = (
                (x_train[:train_size], y_train[:train_size]),
                (x_test[:test_size], y_test[:test_size]),
            )
        return data

    def get_word_index(self) -> dict:
        """The word -> rank dict of the data `load_data` returned (imdb and reuters)."""
        if self.offline is None:
            raise RuntimeError("call load_data() first: the word index depends on the source")
        if self.offline:
            return _STAND_IN_WORD_INDEX[self.name]()
        return getattr(keras.datasets, self.name).get_word_index()


def _check_reachable(name: str, seconds: float = 3.0) -> None:
    """Raises OSError unless the dataset's files are cached or its host answers quickly."""
    cache = os.path.join(keras_home(), "datasets")
    if all(os.path.exists(os.path.join(cache, f)) for f in _FILES[name]):
        return
    url = urllib.parse.urlsplit(_files.ORIGIN_FOLDER)
    proxy = urllib.request.getproxies().get(url.scheme)
    if proxy and not urllib.request.proxy_bypass(url.hostname):
        url = urllib.parse.urlsplit(proxy)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname, port), timeout=seconds).close()
    except OSError as error:
        raise OSError(f"cannot reach {url.hostname}:{port}: {error}") from error


# -- the stand-ins ---------------------------------------------------------------------------
def stand_in(name: str, **kwargs):
    """The offline stand-in for `keras.datasets.<name>.load_data(**kwargs)`, in its format."""
    if name not in _STAND_IN_LOADERS:
        raise ValueError(f"unknown dataset {name!r}; expected one of {sorted(_STAND_IN_LOADERS)}")
    return _STAND_IN_LOADERS[name](**kwargs)


def _split(x, y, train_fraction=0.8, seed=113):
    """Shuffled (x_train, y_train), (x_test, y_test)."""
    order = np.random.RandomState(seed).permutation(len(x))
    x, y = x[order], y[order]
    cut = int(round(len(x) * train_fraction))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])


def _digits_as_mnist(**_):
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = np.round(digits.images * (255.0 / 16.0)).astype(np.uint8)  # (1797, 8, 8)
    # Centred in MNIST's 28x28 frame, not enlarged: the book's models then see the same ink
    # (64 pixels' worth) as on the 8x8 scans, and its from-scratch init does not saturate.
    images = np.pad(images, ((0, 0), (10, 10), (10, 10)))  # (1797, 28, 28)
    return _split(images, digits.target.astype(np.uint8), train_fraction=6 / 7)


def _as_sequences(ranks_per_sample, num_words=None, start_char=1, oov_char=2, index_from=3, **_):
    """Word ranks (from 1) -> Keras's id sequences: [start_char, rank + index_from, ...], ids
    >= num_words replaced by oov_char (so `reverse_word_index[id - 3]` decodes, as in 4.1.1)."""
    sequences = np.empty(len(ranks_per_sample), dtype=object)
    for i, ranks in enumerate(ranks_per_sample):
        ids = [int(r) + index_from for r in ranks]
        if num_words is not None:
            ids = [x if x < num_words else oov_char for x in ids]
        sequences[i] = ([start_char] if start_char is not None else []) + ids
    return sequences


def _cancer_deciles():
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    edges = np.quantile(data.data, np.linspace(0.1, 0.9, 9), axis=0)  # (9, 30)
    deciles = (data.data[:, None, :] > edges[None]).sum(axis=1)  # (569, 30) in 0..9
    return data, deciles


def _cancer_as_imdb(**kwargs):
    data, deciles = _cancer_deciles()
    ranks = np.arange(30) * 10 + deciles + 1  # measurement j at decile d: rank 10 j + d + 1
    return _split(_as_sequences(ranks, **kwargs), data.target.astype(np.int64))


def _cancer_word_index():
    from sklearn.datasets import load_breast_cancer

    names = load_breast_cancer().feature_names
    return {
        f"{name.replace(' ', '_')}:decile{d}": 10 * j + d + 1
        for j, name in enumerate(names)
        for d in range(10)
    }


def _digits_as_reuters(**kwargs):
    from sklearn.datasets import load_digits

    digits = load_digits()
    pixels = digits.data.astype(np.int64)  # (1797, 64) ink in 0..16
    ranks = [np.flatnonzero(p) * 16 + p[p > 0] for p in pixels]  # pixel k with ink v: 16k + v
    return _split(_as_sequences(ranks, **kwargs), digits.target.astype(np.int64))


def _digits_word_index():
    return {f"pixel{k // 8}{k % 8}:ink{v}": 16 * k + v for k in range(64) for v in range(1, 17)}


def _diabetes_as_boston_housing(**_):
    from sklearn.datasets import load_diabetes

    data = load_diabetes(scaled=False)
    return _split(data.data.astype(np.float64), data.target.astype(np.float64) / 10.0)


_STAND_IN_LOADERS = {
    "mnist": _digits_as_mnist,
    "imdb": _cancer_as_imdb,
    "reuters": _digits_as_reuters,
    "boston_housing": _diabetes_as_boston_housing,
}
_STAND_IN_WORD_INDEX = {"imdb": _cancer_word_index, "reuters": _digits_word_index}
