"""BatchNormalization and LayerNormalization: the maths vs NumPy float64 in training and
inference, the moving-statistics update, weights, gradients vs finite differences."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from layer_checks import assert_config_round_trip, assert_gradients_match_finite_differences
from tapeflow.keras import layers


@pytest.fixture
def rng():
    return np.random.default_rng(9)


def _batch_norm(x, mean, variance, gamma, beta, epsilon, shape):
    return (x - mean.reshape(shape)) / np.sqrt(variance.reshape(shape) + epsilon) * (
        gamma.reshape(shape)
    ) + beta.reshape(shape)


def _random_bn(rng, features, **kwargs):
    layer = layers.BatchNormalization(dtype="float64", **kwargs)
    gamma, beta = rng.uniform(0.5, 2.0, features), rng.normal(size=features)
    moving_mean, moving_variance = rng.normal(size=features), rng.uniform(0.5, 2.0, features)
    return layer, [gamma, beta, moving_mean, moving_variance]


# -- BatchNormalization --------------------------------------------------------------------------
def test_batch_norm_weights_in_keras_order():
    layer = layers.BatchNormalization(name="bn")
    layer.build((None, 3))
    assert [w.name for w in layer.weights] == [
        "bn/gamma:0",
        "bn/beta:0",
        "bn/moving_mean:0",
        "bn/moving_variance:0",
    ]
    assert [w.name for w in layer.trainable_weights] == ["bn/gamma:0", "bn/beta:0"]
    assert [w.name for w in layer.non_trainable_weights] == [
        "bn/moving_mean:0",
        "bn/moving_variance:0",
    ]
    assert [w.numpy().tolist() for w in layer.weights] == [
        [1.0] * 3,
        [0.0] * 3,
        [0.0] * 3,
        [1.0] * 3,
    ]
    assert layer.count_params() == 12
    bare = layers.BatchNormalization(center=False, scale=False)
    bare.build((None, 3))
    assert len(bare.weights) == 2 and bare.trainable_weights == []


def test_batch_norm_inference_uses_the_moving_statistics(rng):
    x = rng.normal(size=(6, 4)) * 3.0 + 1.0
    layer, values = _random_bn(rng, 4)
    layer.build((None, 4))
    layer.set_weights(values)
    gamma, beta, mean, variance = values
    expected = _batch_norm(x, mean, variance, gamma, beta, 1e-3, (1, 4))
    assert_close(layer(x).numpy(), expected, rtol=1e-12, atol=1e-12)
    assert_close(layer(x, training=False).numpy(), expected, rtol=1e-12, atol=1e-12)
    assert_close(layer.moving_mean.numpy(), mean)  # inference changes nothing
    assert_close(layer.moving_variance.numpy(), variance)


def test_batch_norm_training_uses_batch_statistics_and_updates_moving_ones(rng):
    x = rng.normal(size=(8, 3)) * 2.0 + 5.0
    layer, values = _random_bn(rng, 3, momentum=0.9, epsilon=1e-2)
    layer.build((None, 3))
    layer.set_weights(values)
    gamma, beta, moving_mean, moving_variance = values
    batch_mean, batch_variance = x.mean(axis=0), x.var(axis=0)  # biased variance
    out = layer(x, training=True).numpy()
    expected = _batch_norm(x, batch_mean, batch_variance, gamma, beta, 1e-2, (1, 3))
    assert_close(out, expected, rtol=1e-12, atol=1e-12)
    assert_close(layer.moving_mean.numpy(), 0.9 * moving_mean + 0.1 * batch_mean, rtol=1e-12)
    assert_close(
        layer.moving_variance.numpy(), 0.9 * moving_variance + 0.1 * batch_variance, rtol=1e-12
    )


def test_batch_norm_moving_statistics_after_two_steps_by_hand():
    layer = layers.BatchNormalization(momentum=0.5)
    layer(np.array([[1.0], [3.0]], np.float32), training=True)  # mean 2, variance 1
    layer(np.array([[4.0], [4.0]], np.float32), training=True)  # mean 4, variance 0
    # mean: 0 -> 0.5*0 + 0.5*2 = 1 -> 0.5*1 + 0.5*4 = 2.5
    # variance: 1 -> 0.5*1 + 0.5*1 = 1 -> 0.5*1 + 0.5*0 = 0.5
    assert_close(layer.moving_mean.numpy(), np.array([2.5], np.float32))
    assert_close(layer.moving_variance.numpy(), np.array([0.5], np.float32))


def test_batch_norm_default_training_output_is_standardised(rng):
    x = rng.normal(size=(500, 2)) * [10.0, 0.1] + [3.0, -7.0]
    out = layers.BatchNormalization(dtype="float64")(x, training=True).numpy()
    assert_close(out.mean(axis=0), np.zeros(2), atol=1e-12)
    assert_close(out.std(axis=0), np.sqrt(x.var(axis=0) / (x.var(axis=0) + 1e-3)), rtol=1e-10)


def test_batch_norm_channels_first_axis(rng):
    x = rng.normal(size=(2, 3, 4, 5))
    layer = layers.BatchNormalization(axis=1, epsilon=1e-5, dtype="float64")
    out = layer(x, training=True).numpy()
    mean, variance = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
    expected = _batch_norm(x, mean, variance, np.ones(3), np.zeros(3), 1e-5, (1, 3, 1, 1))
    assert_close(out, expected, rtol=1e-10, atol=1e-12)
    assert layer.gamma.shape == (3,)
    assert layer.input_spec.axes == {1: 3} and layer.input_spec.ndim == 4


def test_batch_norm_frozen_runs_in_inference_mode(rng):
    x = rng.normal(size=(4, 2)) + 10.0
    layer = layers.BatchNormalization(dtype="float64")
    layer.build((None, 2))
    layer.trainable = False
    out = layer(x, training=True).numpy()
    assert_close(out, x / np.sqrt(1.0 + 1e-3), rtol=1e-12)
    assert_close(layer.moving_mean.numpy(), np.zeros(2))


def test_batch_norm_training_flag_reaches_a_nested_layer(rng):
    class Block(layers.Layer):
        def __init__(self):
            super().__init__()
            self.norm = layers.BatchNormalization(momentum=0.0)

        def call(self, inputs):
            return self.norm(inputs)

    block = Block()
    x = np.array([[1.0], [5.0]], np.float32)
    block(x, training=True)
    assert_close(block.norm.moving_mean.numpy(), np.array([3.0], np.float32))


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradients_match_finite_differences(rng, training):
    layer, values = _random_bn(rng, 3)
    layer.build((None, 3))
    layer.set_weights(values)
    assert_gradients_match_finite_differences(
        layer, rng.normal(size=(4, 3)), training=training, rtol=1e-5, atol=1e-6
    )


def test_batch_norm_gradient_of_the_moving_statistics_is_none(rng):
    layer = layers.BatchNormalization()
    x = tf.constant(rng.normal(size=(4, 2)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(layer(x, training=True))
    assert tape.gradient(total, layer.moving_mean) is None


def test_batch_norm_errors():
    with pytest.raises(TypeError, match="axis"):
        layers.BatchNormalization(axis=[1, 2])
    with pytest.raises(ValueError, match="axis 3 is out of range"):
        layers.BatchNormalization(axis=3).build((None, 4))
    with pytest.raises(ValueError, match="known size"):
        layers.BatchNormalization().build((None, None))
    with pytest.raises(ValueError, match="momentum=1.5"):
        layers.BatchNormalization(momentum=1.5)
    layer = layers.BatchNormalization()
    layer(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer(np.ones((2, 4), np.float32))


def test_batch_norm_regularizer_config_and_symbolic_shape():
    layer = layers.BatchNormalization(
        axis=1,
        momentum=0.9,
        epsilon=1e-5,
        center=False,
        gamma_regularizer="l2",
        gamma_initializer="zeros",
    )
    clone = assert_config_round_trip(layer)
    assert (clone.axis, clone.momentum, clone.epsilon, clone.center) == (1, 0.9, 1e-5, False)
    layer.build((None, 4))
    assert len(layer.losses) == 1 and float(layer.losses[0]) == 0.0
    assert layers.BatchNormalization()(layers.Input(shape=(5, 6))).shape == (None, 5, 6)


# -- LayerNormalization --------------------------------------------------------------------------
def _layer_norm(x, axes, gamma, beta, epsilon):
    mean = x.mean(axis=axes, keepdims=True)
    variance = x.var(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(variance + epsilon) * gamma + beta


@pytest.mark.parametrize("axis,numpy_axes", [(-1, (2,)), ([1, 2], (1, 2)), (1, (1,))])
def test_layer_norm_matches_numpy(rng, axis, numpy_axes):
    x = rng.normal(size=(2, 3, 4)) * 5.0 + 2.0
    layer = layers.LayerNormalization(axis=axis, dtype="float64")
    layer.build(x.shape)
    param_shape = tuple(x.shape[a] for a in numpy_axes)
    gamma, beta = rng.uniform(0.5, 2.0, param_shape), rng.normal(size=param_shape)
    layer.set_weights([gamma, beta])
    broadcast = [x.shape[a] if a in numpy_axes else 1 for a in range(3)]
    expected = _layer_norm(x, numpy_axes, gamma.reshape(broadcast), beta.reshape(broadcast), 1e-3)
    assert_close(layer(x).numpy(), expected, rtol=1e-12, atol=1e-12)
    assert_close(layer(x, training=True).numpy(), expected, rtol=1e-12, atol=1e-12)


def test_layer_norm_weights_gamma_then_beta():
    layer = layers.LayerNormalization(axis=[1, 2], name="ln")
    layer.build((None, 3, 4))
    assert [w.name for w in layer.weights] == ["ln/gamma:0", "ln/beta:0"]
    assert [tuple(w.shape) for w in layer.weights] == [(3, 4), (3, 4)]
    assert layer.non_trainable_weights == []
    only_scale = layers.LayerNormalization(center=False)
    only_scale.build((None, 5))
    assert [w.name.split("/")[-1] for w in only_scale.weights] == ["gamma:0"]


def test_layer_norm_rms_scaling(rng):
    x = rng.normal(size=(3, 6))
    out = layers.LayerNormalization(rms_scaling=True, dtype="float64")(x).numpy()
    expected = x / np.sqrt((x**2).mean(axis=-1, keepdims=True) + 1e-3)
    assert_close(out, expected, rtol=1e-12)


def test_layer_norm_gradients_match_finite_differences(rng):
    layer = layers.LayerNormalization(
        dtype="float64", gamma_initializer="random_normal", beta_initializer="random_normal"
    )
    assert_gradients_match_finite_differences(layer, rng.normal(size=(3, 4)))
    per_sample = layers.LayerNormalization(axis=[1, 2], dtype="float64")
    assert_gradients_match_finite_differences(per_sample, rng.normal(size=(2, 2, 3)))


def test_layer_norm_errors_config_and_symbolic_shape():
    with pytest.raises(TypeError, match="axis"):
        layers.LayerNormalization(axis="last")
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        layers.LayerNormalization(axis=2).build((None, 4))
    with pytest.raises(ValueError, match="known sizes"):
        layers.LayerNormalization().build((None, None))
    clone = assert_config_round_trip(layers.LayerNormalization(axis=[1, 2], epsilon=1e-6))
    assert clone.axis == [1, 2] and clone.epsilon == 1e-6
    assert layers.LayerNormalization()(layers.Input(shape=(4, 8))).shape == (None, 4, 8)
