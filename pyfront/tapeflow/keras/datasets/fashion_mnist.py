"""``keras.datasets.fashion_mnist``: 70,000 28x28 grayscale images of 10 kinds of clothing
(Zalando), a drop-in replacement for MNIST.

    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    # x: uint8 (60000, 28, 28) / (10000, 28, 28); y: uint8 (60000,) / (10000,)

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker,
8 Bag, 9 Ankle boot.
"""

from __future__ import annotations

import gzip
import os
import zlib

import numpy as np

from tapeflow.keras.datasets import _files

# IDX format (big-endian): magic = 0x0000 | type code (0x08 = uint8) | number of dimensions,
# then one uint32 per dimension, then the data.
_UINT8_CODE = 0x08


def load_data():
    """Loads Fashion-MNIST from its four gzipped IDX files (30 MB), cached in
    ``~/.keras/datasets/fashion-mnist``.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 arrays of shapes (60000, 28, 28),
        (60000,), (10000, 28, 28), (10000,).

    License: Fashion-MNIST is copyright Zalando SE, under the MIT license.
    """
    subdir = os.path.join("datasets", "fashion-mnist")

    def read(name, ndim):
        return _read_idx(_files.fetch(name, cache_subdir=subdir), ndim)

    y_train = read("train-labels-idx1-ubyte.gz", ndim=1)
    x_train = read("train-images-idx3-ubyte.gz", ndim=3)
    y_test = read("t10k-labels-idx1-ubyte.gz", ndim=1)
    x_test = read("t10k-images-idx3-ubyte.gz", ndim=3)
    for x, y, split in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        if len(x) != len(y):
            raise ValueError(f"fashion_mnist: {split} has {len(x)} images but {len(y)} labels")
    return (x_train, y_train), (x_test, y_test)


def _read_idx(path, ndim) -> np.ndarray:
    """A gzipped IDX file of uint8 with ``ndim`` dimensions, as an array of its shape."""
    try:
        with gzip.open(path, "rb") as file:
            data = bytearray(file.read())  # writable arrays, like mnist's
    except (OSError, EOFError, zlib.error) as e:
        raise ValueError(f"{path} is not a valid gzip file: {e}") from e
    header_bytes = 4 + 4 * ndim
    if len(data) < header_bytes or data[:2] != b"\0\0" or data[2] != _UINT8_CODE or data[3] != ndim:
        raise ValueError(f"{path}: not an IDX file of uint8 with {ndim} dimension(s)")
    shape = tuple(int(d) for d in np.frombuffer(data, ">u4", count=ndim, offset=4))
    if len(data) - header_bytes != int(np.prod(shape)):
        raise ValueError(
            f"{path}: the header declares shape {shape} but {len(data) - header_bytes} bytes follow"
        )
    return np.frombuffer(data, np.uint8, offset=header_bytes).reshape(shape)
