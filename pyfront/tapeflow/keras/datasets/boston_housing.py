"""``keras.datasets.boston_housing``: 506 Boston suburbs (1970s), 13 features, median price in k$.

    (x_train, y_train), (x_test, y_test) = keras.datasets.boston_housing.load_data()
    # x: float64 (404, 13) / (102, 13); y: float64 (404,) / (102,)

WARNING (as Keras says): one of the 13 features, "B", encodes an assumption about racial
self-segregation; use this dataset only to illustrate such ethical problems in data science.
"""

from __future__ import annotations

import numbers

import numpy as np

from tapeflow.keras.datasets import _files


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Loads the Boston Housing regression data, shuffled and split as Keras does.

    Args:
        path: the file's name in the cache folder (``~/.keras/datasets``).
        test_split: the fraction of samples kept for the test set, in [0, 1).
        seed: seed of the ``np.random.RandomState`` that shuffles the samples before splitting.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``; the first ``int(506 * (1 - test_split))``
        shuffled samples train (404 with the default split).
    """
    if (
        not isinstance(test_split, numbers.Real)
        or isinstance(test_split, bool)
        or not 0 <= test_split < 1
    ):
        raise ValueError(f"`test_split` must be a float in [0, 1), received {test_split!r}")
    path = _files.fetch("boston_housing.npz", path)
    x, y = _files.require(_files.load_npz(path), ["x", "y"], path)

    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]

    n_train = int(len(x) * (1 - test_split))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])
