"""Flatten, Reshape, RepeatVector, Permute: values vs NumPy, shapes, symbolic shapes, errors."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from layer_checks import assert_config_round_trip
from tapeflow.keras import layers


@pytest.fixture
def x():
    return np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)


# -- Flatten -------------------------------------------------------------------------------------
def test_flatten_matches_numpy_reshape(x):
    assert_close(layers.Flatten()(x).numpy(), x.reshape(2, 12))
    assert layers.Flatten()(np.ones(5, np.float32)).shape == (5, 1)


def test_flatten_channels_first_moves_channels_last(x):
    out = layers.Flatten(data_format="channels_first")(x).numpy()
    assert_close(out, np.transpose(x, (0, 2, 1)).reshape(2, 12))


def test_flatten_gradient_has_the_input_shape(x):
    inputs = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        total = tf.reduce_sum(layers.Flatten()(inputs) * np.arange(12.0, dtype=np.float32))
    assert_close(
        tape.gradient(total, inputs).numpy(),
        np.tile(np.arange(12.0, dtype=np.float32).reshape(3, 4), (2, 1, 1)),
    )


def test_flatten_symbolic_shapes_and_errors():
    assert layers.Flatten()(layers.Input(shape=(28, 28))).shape == (None, 784)
    assert layers.Flatten()(layers.Input(shape=(None, 3))).shape == (None, None)
    assert layers.Flatten()(layers.Input(shape=(2, 3), dtype="int32")).dtype == tf.int32
    with pytest.raises(ValueError, match="data_format='nchw'"):
        layers.Flatten(data_format="nchw")
    assert assert_config_round_trip(layers.Flatten("channels_first")).data_format == (
        "channels_first"
    )


# -- Reshape -------------------------------------------------------------------------------------
@pytest.mark.parametrize("target", [(12,), (4, 3), (-1, 2), (2, -1, 3), (1, 12, 1)])
def test_reshape_matches_numpy(x, target):
    out = layers.Reshape(target)(x)
    assert_close(out.numpy(), x.reshape((2,) + target))


def test_reshape_symbolic_shapes():
    inputs = layers.Input(shape=(6, 4))
    assert layers.Reshape((3, 8))(inputs).shape == (None, 3, 8)
    assert layers.Reshape((-1, 2))(inputs).shape == (None, 12, 2)
    unknown = layers.Input(shape=(None, 4))
    assert layers.Reshape((-1, 2))(unknown).shape == (None, None, 2)


@pytest.mark.parametrize("target", [(-1, -1), (0, 2), (2, "a"), (-2, 3), (2.5,)])
def test_reshape_rejects_bad_target_shapes(target):
    with pytest.raises(ValueError, match="target_shape"):
        layers.Reshape(target)


def test_reshape_size_mismatch_names_the_shapes(x):
    with pytest.raises(ValueError, match=r"\(3, 4\).*target_shape=\(5,\)"):
        layers.Reshape((5,))(x)
    with pytest.raises(ValueError, match="cannot reshape"):
        layers.Reshape((-1, 5))(x)
    with pytest.raises(ValueError, match="total size"):
        layers.Reshape((5, 2))(layers.Input(shape=(3, 3)))


def test_reshape_config_round_trip():
    clone = assert_config_round_trip(layers.Reshape((-1, 7)))
    assert clone.target_shape == (-1, 7)
    assert layers.Reshape(6).target_shape == (6,)


# -- RepeatVector --------------------------------------------------------------------------------
def test_repeat_vector_matches_numpy():
    v = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    out = layers.RepeatVector(3)(v)
    assert_close(out.numpy(), np.repeat(v[:, None, :], 3, axis=1))
    assert layers.RepeatVector(5)(layers.Input(shape=(8,))).shape == (None, 5, 8)


def test_repeat_vector_gradient_sums_the_copies():
    v = tf.constant([[1.0, 2.0]])
    with tf.GradientTape() as tape:
        tape.watch(v)
        total = tf.reduce_sum(layers.RepeatVector(4)(v))
    assert_close(tape.gradient(total, v).numpy(), np.array([[4.0, 4.0]], np.float32))


def test_repeat_vector_errors_and_config():
    with pytest.raises(ValueError, match="n=0"):
        layers.RepeatVector(0)
    with pytest.raises(ValueError, match="expected ndim=2"):
        layers.RepeatVector(2)(np.ones((2, 3, 4), np.float32))
    assert assert_config_round_trip(layers.RepeatVector(9)).n == 9


# -- Permute -------------------------------------------------------------------------------------
def test_permute_matches_numpy_transpose(x):
    assert_close(layers.Permute((2, 1))(x).numpy(), np.transpose(x, (0, 2, 1)))
    y = np.arange(120, dtype=np.float32).reshape(2, 3, 4, 5)
    assert_close(layers.Permute((3, 1, 2))(y).numpy(), np.transpose(y, (0, 3, 1, 2)))


def test_permute_symbolic_shape_errors_and_config():
    assert layers.Permute((2, 1))(layers.Input(shape=(10, 64))).shape == (None, 64, 10)
    for dims in [(0, 1), (1, 1), (1, 3), ("a",)]:
        with pytest.raises(ValueError, match="permutation"):
            layers.Permute(dims)
    with pytest.raises(ValueError, match="expected ndim=3"):
        layers.Permute((2, 1))(np.ones((2, 3), np.float32))
    assert assert_config_round_trip(layers.Permute((2, 3, 1))).dims == (2, 3, 1)
