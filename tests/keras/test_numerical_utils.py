"""keras.utils.to_categorical: one-hot rows checked against hand-written arrays."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras


def test_to_categorical_infers_the_class_count_and_gives_float32():
    one_hot = keras.utils.to_categorical([0, 2, 1, 2])
    expected = np.array([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 1]], dtype=np.float32)
    assert one_hot.dtype == np.float32
    np.testing.assert_array_equal(one_hot, expected)


def test_to_categorical_num_classes_and_shapes():
    # The book's Reuters labels: 46 classes, uint8 input.
    one_hot = keras.utils.to_categorical(np.array([3, 45], dtype=np.uint8), 46)
    assert one_hot.shape == (2, 46)
    assert one_hot[0, 3] == 1 and one_hot[1, 45] == 1 and one_hot.sum() == 2
    # (N, 1) labels give (N, C), not (N, 1, C); other shapes keep every axis.
    assert keras.utils.to_categorical(np.array([[1], [0]])).shape == (2, 2)
    grid = keras.utils.to_categorical(np.array([[0, 1, 2], [2, 1, 0]]))
    assert grid.shape == (2, 3, 3)
    np.testing.assert_array_equal(grid[1, 0], [0, 0, 1])
    # Integer-valued floats are labels too.
    np.testing.assert_array_equal(keras.utils.to_categorical([1.0, 0.0]), [[0, 1], [1, 0]])


def test_to_categorical_of_a_tensor_is_a_tensor():
    one_hot = keras.utils.to_categorical(tf.constant([1, 0]), num_classes=3)
    assert isinstance(one_hot, tf.Tensor) and one_hot.dtype == tf.float32
    np.testing.assert_array_equal(one_hot.numpy(), [[0, 1, 0], [1, 0, 0]])


@pytest.mark.parametrize(
    ("labels", "num_classes", "error", "message"),
    [
        ([0, 3], 3, ValueError, r"labels must lie in \[0, 3\); received labels from 0 to 3"),
        ([-1, 0], None, ValueError, r"labels must lie in \[0, 1\); received labels from -1 to 0"),
        ([0.5, 1.0], None, ValueError, "non-integer values"),
        ([], None, ValueError, "empty labels"),
        (["a", "b"], None, TypeError, "received dtype <U1"),
        ([True, False], None, TypeError, "received dtype bool"),
    ],
)
def test_to_categorical_rejects_bad_labels(labels, num_classes, error, message):
    with pytest.raises(error, match=message):
        keras.utils.to_categorical(labels, num_classes)


def test_to_categorical_of_no_labels_with_a_class_count():
    assert keras.utils.to_categorical(np.zeros(0, dtype=np.int64), 4).shape == (0, 4)
