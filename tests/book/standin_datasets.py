"""Real offline data shaped like the book's datasets, from scikit-learn's bundled sets, so the
book's chapter 2-7 code runs unchanged apart from its imports and the sizes it spells out.

    mnist_like()    digits (1,797 real 8x8 scans)        for keras.datasets.mnist
    imdb_like()     breast_cancer (569 tumours, 2 classes) for keras.datasets.imdb
    reuters_like()  wine (178 wines, 3 cultivars)        for keras.datasets.reuters
    boston_like()   diabetes (442 patients, regression)  for keras.datasets.boston_housing

Each returns ``(train_x, train_y), (test_x, test_y)`` with the dtypes and layout of the Keras
loader it stands for. The text datasets are "reviews": lists of word ids, one word per
(feature, decile) pair of the table, behind IMDB's start mark 1 and its 3 reserved ids, so
the book's ``vectorize_sequences`` multi-hot encodes them as it does IMDB. The splits are
fixed (a seeded shuffle), so a test's accuracy bound depends on the model seeds only.
"""

import numpy as np
from sklearn import datasets

START_CHAR = 1  # as keras.datasets.imdb: 0 padding, 1 start of sequence, 2 out of vocabulary
INDEX_FROM = 3
BINS_PER_FEATURE = 10


def _shuffled(x, y, seed=0):
    order = np.random.default_rng(seed).permutation(len(x))
    return x[order], y[order]


def mnist_like():
    """digits as MNIST: uint8 images (N, 8, 8) in 0..255 and uint8 labels; 1,437 train, 360
    test (MNIST: (60000, 28, 28) and (10000, 28, 28))."""
    digits = datasets.load_digits()
    images = (digits.images * (255.0 / 16.0)).round().astype("uint8")  # pixels 0..16 -> 0..255
    images, labels = _shuffled(images, digits.target.astype("uint8"))
    split = 1437
    return (images[:split], labels[:split]), (images[split:], labels[split:])


def _as_reviews(table, train_rows):
    """Each row of ``table`` (N, F) as a list of word ids: feature f in decile d (deciles of
    the training rows) is word ``INDEX_FROM + f * BINS_PER_FEATURE + d``."""
    quantiles = np.linspace(0, 1, BINS_PER_FEATURE + 1)[1:-1]
    edges = np.quantile(table[train_rows], quantiles, axis=0)  # (BINS - 1, F)
    deciles = np.stack(
        [np.searchsorted(edges[:, f], table[:, f]) for f in range(table.shape[1])], axis=1
    )
    words = INDEX_FROM + np.arange(table.shape[1]) * BINS_PER_FEATURE + deciles
    reviews = np.empty(len(table), dtype=object)  # a 1-D object array of lists, as imdb's
    for i, row in enumerate(words):
        reviews[i] = [START_CHAR, *row.tolist()]
    return reviews


def _text_like(bunch, n_train):
    table, labels = _shuffled(bunch.data, bunch.target.astype("int64"))
    reviews = _as_reviews(table, slice(0, n_train))
    return (reviews[:n_train], labels[:n_train]), (reviews[n_train:], labels[n_train:])


def imdb_like():
    """breast_cancer as IMDB: object arrays of word-id lists (31 ids each, all < 304) and int64
    labels 0/1 (1 benign, the majority class: 63 %); 400 train, 169 test."""
    return _text_like(datasets.load_breast_cancer(), 400)


def reuters_like():
    """wine as Reuters: object arrays of word-id lists (14 ids each, all < 134) and int64
    labels 0..2; 128 train, 50 test."""
    return _text_like(datasets.load_wine(), 128)


def boston_like():
    """diabetes as Boston housing: float64 features (N, 10) and float64 targets (disease
    progression a year on, 25..346, divided by 10 to sit in Boston's 5..50 range); 340 train,
    102 test (Boston: 404 and 102)."""
    diabetes = datasets.load_diabetes()
    data, targets = _shuffled(diabetes.data, diabetes.target / 10.0)
    split = 340
    return (data[:split], targets[:split]), (data[split:], targets[split:])
