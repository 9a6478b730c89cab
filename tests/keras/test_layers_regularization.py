"""Dropout, GaussianNoise, GaussianDropout: identity at inference, the right statistics and
scaling while training."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from layer_checks import assert_config_round_trip
from tapeflow.keras import layers

N = 200_000  # elements for the statistical checks: 5 sigma of a rate is ~0.6%


def test_dropout_is_identity_unless_training():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    layer = layers.Dropout(0.5)
    assert_close(layer(x).numpy(), x)
    assert_close(layer(x, training=False).numpy(), x)


@pytest.mark.parametrize("rate", [0.5, 0.3, 0.9])
def test_dropout_training_keeps_values_scaled_by_inverse_keep_probability(rate):
    out = layers.Dropout(rate)(np.ones((N // 100, 100), np.float32), training=True).numpy()
    scale = np.float32(1.0) / np.float32(1.0 - rate)
    assert set(np.unique(out)) <= {0.0, scale}
    dropped = np.mean(out == 0.0)
    sigma = np.sqrt(rate * (1 - rate) / N)
    assert abs(dropped - rate) < 5 * sigma
    assert abs(out.mean() - 1.0) < 5 * sigma * scale  # the expected sum is unchanged


def test_dropout_rate_zero_and_one():
    x = np.full((4, 4), 3.0, np.float32)
    assert_close(layers.Dropout(0.0)(x, training=True).numpy(), x)
    assert_close(layers.Dropout(1.0)(x, training=True).numpy(), np.zeros_like(x))


def test_dropout_gradient_is_the_mask_times_the_scale():
    x = tf.constant(np.ones((50, 40), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layers.Dropout(0.25)(x, training=True)
        total = tf.reduce_sum(y)
    # y = x * mask * scale, so dy/dx = mask * scale = y for x = 1
    assert_close(tape.gradient(total, x).numpy(), y.numpy())


def test_dropout_noise_shape_shares_the_mask():
    x = np.ones((8, 5, 6), np.float32)
    out = layers.Dropout(0.5, noise_shape=(None, 1, 6))(x, training=True).numpy()
    assert np.all(out == out[:, :1, :])  # one mask per (sample, feature) for all 5 steps
    assert 0 < np.mean(out == 0) < 1
    with pytest.raises(ValueError, match="rank"):
        layers.Dropout(0.5, noise_shape=(1, 6))(x, training=True)


def test_dropout_seed_makes_masks_repeatable():
    x = np.ones((10, 10), np.float32)
    tf.random.set_seed(11)
    first = layers.Dropout(0.5, seed=3)
    a1, a2 = first(x, training=True).numpy(), first(x, training=True).numpy()
    tf.random.set_seed(11)
    second = layers.Dropout(0.5, seed=3)
    b1, b2 = second(x, training=True).numpy(), second(x, training=True).numpy()
    assert np.array_equal(a1, b1) and np.array_equal(a2, b2)
    assert not np.array_equal(a1, a2)  # each call draws a new mask


@pytest.mark.parametrize("rate", [1.5, -0.1, "half", None, True])
def test_dropout_rejects_rates_outside_0_1(rate):
    with pytest.raises(ValueError, match=f"rate={rate!r}"):
        layers.Dropout(rate)


def test_dropout_stays_active_when_frozen_and_follows_the_outer_training_flag():
    class Block(layers.Layer):
        def __init__(self):
            super().__init__()
            self.dropout = layers.Dropout(0.5, trainable=False)

        def call(self, inputs):
            return self.dropout(inputs)

    x = np.ones((100, 100), np.float32)
    block = Block()
    assert np.any(block(x, training=True).numpy() == 0.0)
    assert np.all(block(x).numpy() == 1.0)


def test_dropout_config_round_trip_and_symbolic_shape():
    clone = assert_config_round_trip(layers.Dropout(0.2, noise_shape=(None, 1), seed=5))
    assert clone.rate == 0.2 and clone.noise_shape == (None, 1) and clone.seed == 5
    assert layers.Dropout(0.5)(layers.Input(shape=(7, 3))).shape == (None, 7, 3)


def test_gaussian_noise_statistics():
    x = np.full((N // 100, 100), 2.0, np.float32)
    layer = layers.GaussianNoise(0.3)
    assert_close(layer(x).numpy(), x)
    noise = layer(x, training=True).numpy() - 2.0
    assert abs(noise.mean()) < 5 * 0.3 / np.sqrt(N)
    assert abs(noise.std() - 0.3) < 0.01
    clone = assert_config_round_trip(layers.GaussianNoise(0.1, seed=2))
    assert clone.stddev == 0.1 and clone.seed == 2
    with pytest.raises(ValueError, match="stddev=-1"):
        layers.GaussianNoise(-1)


def test_gaussian_dropout_statistics():
    x = np.ones((N // 100, 100), np.float32)
    layer = layers.GaussianDropout(0.2)
    assert_close(layer(x).numpy(), x)
    out = layer(x, training=True).numpy()
    expected_std = np.sqrt(0.2 / 0.8)  # the variance of inverted dropout's multiplier
    assert abs(out.mean() - 1.0) < 5 * expected_std / np.sqrt(N)
    assert abs(out.std() - expected_std) < 0.01
    assert layers.GaussianDropout(0.2)(layers.Input(shape=(4,))).shape == (None, 4)
    assert assert_config_round_trip(layers.GaussianDropout(0.4)).rate == 0.4
    with pytest.raises(ValueError, match="rate=2"):
        layers.GaussianDropout(2)


def test_bad_seeds_and_noise_shapes_are_refused_at_construction():
    for cls, args in (
        (layers.Dropout, (0.5,)),
        (layers.GaussianNoise, (0.1,)),
        (layers.GaussianDropout, (0.1,)),
    ):
        with pytest.raises(TypeError, match="seed='x'"):
            cls(*args, seed="x")
    with pytest.raises(ValueError, match=r"noise_shape=\(0, 1\)"):
        layers.Dropout(0.5, noise_shape=(0, 1))
    with pytest.raises(ValueError, match="noise_shape=3"):
        layers.Dropout(0.5, noise_shape=3)
