"""``keras.datasets.mnist``: 70,000 28x28 grayscale handwritten digits (LeCun, Cortes, Burges).

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
# x: uint8 (60000, 28, 28) / (10000, 28, 28), values 0-255; y: uint8 (60000,) / (10000,)
"""

from __future__ import annotations

from tapeflow.keras.datasets import _files


def load_data(path="mnist.npz"):
    """Loads MNIST, downloading ``mnist.npz`` (11 MB) into the Keras cache the first time.

    Args:
        path: the file's name in the cache folder (``~/.keras/datasets``).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 arrays of shapes (60000, 28, 28),
        (60000,), (10000, 28, 28), (10000,).

    License: the MNIST data are available under the Creative Commons Attribution-Share Alike 3.0
    license.
    """
    path = _files.fetch("mnist.npz", path)
    arrays = _files.load_npz(path)
    x_train, y_train, x_test, y_test = _files.require(
        arrays, ["x_train", "y_train", "x_test", "y_test"], path
    )
    return (x_train, y_train), (x_test, y_test)
