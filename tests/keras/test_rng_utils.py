"""keras.utils.set_random_seed: Python, NumPy and tf.random seeded by one call."""

import random

import numpy as np
import pytest

import tapeflow as tf
from tapeflow import keras


@pytest.fixture(autouse=True)
def unseeded_afterwards():
    yield
    tf.random.set_seed(None)


def _draws():
    return (random.random(), np.random.random(), float(tf.random.uniform(())))  # noqa: NPY002


def _trained_weights():
    x = np.linspace(-1.0, 1.0, 40, dtype="float32").reshape(20, 2)
    y = (x[:, :1] > x[:, 1:]).astype("float32")
    model = keras.Sequential(
        [
            keras.layers.Dense(4, activation="relu"),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="rmsprop", loss="binary_crossentropy")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)  # shuffled batches, dropout masks
    return [w.numpy() for w in model.weights]


def test_the_same_seed_repeats_python_numpy_tf_draws_and_a_training_run():
    keras.utils.set_random_seed(7)
    first, first_weights = _draws(), _trained_weights()
    keras.utils.set_random_seed(7)
    assert _draws() == first
    for a, b in zip(first_weights, _trained_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    keras.utils.set_random_seed(8)
    assert _draws() != first


@pytest.mark.parametrize("seed", [1.5, "3", None, True, -1, 2**32])
def test_a_seed_that_is_not_an_int_in_range_raises(seed):
    with pytest.raises(ValueError, match="seed"):
        keras.utils.set_random_seed(seed)
