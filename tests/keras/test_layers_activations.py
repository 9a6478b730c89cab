"""Softmax, ReLU, LeakyReLU layers: values vs NumPy float64, masks, errors, configs."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from layer_checks import assert_config_round_trip
from tapeflow.keras import layers


@pytest.fixture
def x():
    return np.random.default_rng(5).normal(size=(3, 4, 5)) * 3.0


def _softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("axis", [-1, 1, 0, (1, 2), [0, 2]])
def test_softmax_matches_numpy(x, axis):
    numpy_axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    out = layers.Softmax(axis=axis, dtype="float64")(x).numpy()
    assert_close(out, _softmax(x, numpy_axis), rtol=1e-12, atol=1e-15)


def test_softmax_mask_gives_masked_entries_probability_zero():
    logits = np.array([[1.0, 2.0, 3.0, 4.0]], np.float32)
    mask = np.array([[True, False, True, False]])
    out = layers.Softmax()(logits, mask=mask).numpy()
    expected = np.zeros((1, 4))
    expected[0, [0, 2]] = _softmax(np.array([1.0, 3.0]), -1)
    assert_close(out, expected.astype(np.float32), rtol=1e-6, atol=1e-7)


def test_softmax_symbolic_config_and_errors():
    assert layers.Softmax()(layers.Input(shape=(7,))).shape == (None, 7)
    assert assert_config_round_trip(layers.Softmax(axis=[1, 2])).axis == [1, 2]
    with pytest.raises(TypeError, match="axis"):
        layers.Softmax(axis=1.5)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"max_value": 6.0},
        {"negative_slope": 0.1},
        {"threshold": 0.5},
        {"max_value": 2.0, "negative_slope": 0.2, "threshold": 1.0},
    ],
)
def test_relu_matches_the_piecewise_definition(x, kwargs):
    max_value = kwargs.get("max_value", np.inf)
    slope, threshold = kwargs.get("negative_slope", 0.0), kwargs.get("threshold", 0.0)
    expected = np.where(x > threshold, np.minimum(x, max_value), slope * (x - threshold))
    out = layers.ReLU(dtype="float64", **kwargs)(x).numpy()
    assert_close(out, expected, rtol=1e-12, atol=1e-12)


def test_relu_hand_values():
    out = layers.ReLU(max_value=6.0)(np.array([-1.0, 3.0, 9.0], np.float32))
    assert out.numpy().tolist() == [0.0, 3.0, 6.0]


@pytest.mark.parametrize(
    "kwargs,name",
    [
        ({"max_value": -1.0}, "max_value"),
        ({"negative_slope": -0.1}, "negative_slope"),
        ({"threshold": -2}, "threshold"),
        ({"threshold": None}, "threshold"),
    ],
)
def test_relu_rejects_negative_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        layers.ReLU(**kwargs)


def test_relu_config_round_trip_and_symbolic_shape():
    clone = assert_config_round_trip(layers.ReLU(max_value=6.0, negative_slope=0.1))
    assert (clone.max_value, clone.negative_slope, clone.threshold) == (6.0, 0.1, 0.0)
    assert layers.ReLU()(layers.Input(shape=(2, 3))).shape == (None, 2, 3)


def test_leaky_relu_matches_numpy_and_defaults_to_0_3(x):
    assert_close(
        layers.LeakyReLU(dtype="float64")(x).numpy(), np.where(x >= 0, x, 0.3 * x), rtol=1e-12
    )
    assert_close(
        layers.LeakyReLU(negative_slope=0.01, dtype="float64")(x).numpy(),
        np.where(x >= 0, x, 0.01 * x),
        rtol=1e-12,
    )
    assert layers.LeakyReLU(alpha=0.2).negative_slope == 0.2  # Keras 2's argument name


def test_leaky_relu_gradient():
    v = tf.constant([-2.0, 3.0])
    with tf.GradientTape() as tape:
        tape.watch(v)
        total = tf.reduce_sum(layers.LeakyReLU(0.1)(v))
    assert_close(tape.gradient(total, v).numpy(), np.array([0.1, 1.0], np.float32))


def test_leaky_relu_errors_and_config():
    with pytest.raises(ValueError, match="negative_slope=-1"):
        layers.LeakyReLU(-1)
    with pytest.raises(ValueError, match="negative_slope=None"):
        layers.LeakyReLU(None)
    assert assert_config_round_trip(layers.LeakyReLU(0.05)).negative_slope == 0.05
