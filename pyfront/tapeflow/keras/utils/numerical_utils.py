"""``keras.utils.to_categorical``: integer class labels to one-hot rows.

to_categorical([0, 2, 1])          # [[1, 0, 0], [0, 0, 1], [0, 1, 0]] as float32
to_categorical(labels, 46)         # the Reuters labels of the book's chapter 4
"""

from __future__ import annotations

import numpy as np

import tapeflow as tf


def to_categorical(x, num_classes=None):
    """One-hot encodes integer class labels.

    Args:
        x: integer labels in [0, num_classes), any shape (an array, a list or a Tensor). A
            trailing axis of size 1, as in labels of shape (N, 1), is dropped.
        num_classes: the number of classes; None means `max(x) + 1`.

    Returns:
        float32 array of shape `x.shape + (num_classes,)` (a Tensor when `x` is one), with a 1
        at each label's index.
    """
    labels = np.asarray(x)
    if labels.dtype == np.bool_ or not np.issubdtype(labels.dtype, np.number):
        raise TypeError(
            f"to_categorical: expected integer class labels, received dtype {labels.dtype}"
        )
    if not np.array_equal(labels, np.floor(labels)):
        raise ValueError(
            "to_categorical: expected integer class labels, received non-integer values"
        )
    labels = labels.astype(np.int64)
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    if num_classes is None:
        if labels.size == 0:
            raise ValueError("to_categorical: cannot infer `num_classes` from empty labels")
        num_classes = int(labels.max()) + 1
    num_classes = int(num_classes)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"to_categorical: labels must lie in [0, {num_classes}); received labels from "
            f"{labels.min()} to {labels.max()}"
        )
    one_hot = np.zeros((labels.size, num_classes), dtype=np.float32)
    one_hot[np.arange(labels.size), labels] = 1.0
    one_hot = one_hot.reshape(shape + (num_classes,))
    return tf.constant(one_hot) if isinstance(x, tf.Tensor) else one_hot
