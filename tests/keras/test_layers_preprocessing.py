"""Normalization (given statistics and adapt) and Rescaling: values by hand and vs NumPy."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from layer_checks import assert_config_round_trip
from tapeflow.keras import layers

ADAPT_DATA = np.array(
    [[0.0, 7.0, 4.0], [2.0, 9.0, 6.0], [0.0, 7.0, 4.0], [2.0, 9.0, 6.0]], np.float32
)  # mean [1, 8, 5], variance [1, 1, 1]


# -- Normalization -------------------------------------------------------------------------------
def test_normalization_with_given_scalar_statistics():
    out = layers.Normalization(mean=3.0, variance=2.0)(np.array([[1.0], [2.0], [3.0]]))
    assert_close(
        out.numpy(), np.array([[-np.sqrt(2)], [-np.sqrt(0.5)], [0.0]], np.float32), rtol=1e-6
    )


def test_normalization_with_given_per_feature_statistics():
    layer = layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[1.0, 4.0, 9.0])
    out = layer(np.array([[2.0, 6.0, 12.0]], np.float32))
    assert_close(out.numpy(), np.array([[1.0, 2.0, 3.0]], np.float32))
    assert layer.weights == []  # given statistics are constants, not weights


def test_normalization_adapt_per_feature():
    layer = layers.Normalization()
    layer.adapt(ADAPT_DATA)
    assert_close(layer(np.array([[0.0, 7.0, 4.0]])).numpy(), np.full((1, 3), -1.0, np.float32))
    assert_close(layer.adapt_mean.numpy(), np.array([1.0, 8.0, 5.0], np.float32))
    assert_close(layer.adapt_variance.numpy(), np.ones(3, np.float32))
    assert [w.name.split("/")[-1] for w in layer.non_trainable_weights] == [
        "mean:0",
        "variance:0",
        "count:0",
    ]
    assert int(layer.count.numpy()) == 4 and layer.trainable_weights == []


def test_normalization_adapt_axis_none_gives_one_scalar():
    layer = layers.Normalization(axis=None)
    layer.adapt(np.array([1.0, 2.0, 3.0, 4.0, 5.0], np.float32))  # mean 3, variance 2
    out = layer(np.array([1.0, 2.0, 3.0], np.float32))
    assert_close(out.numpy(), np.array([-np.sqrt(2), -np.sqrt(0.5), 0.0], np.float32), rtol=1e-6)
    assert layer.adapt_mean.shape == ()


def test_normalization_invert():
    layer = layers.Normalization(invert=True)
    layer.adapt(ADAPT_DATA)
    out = layer(np.array([[1.0, 2.0, 3.0]], np.float32))
    assert_close(out.numpy(), np.array([[2.0, 10.0, 8.0]], np.float32))


def test_normalization_adapt_from_batches_equals_numpy_on_all_data():
    rng = np.random.default_rng(0)
    data = rng.normal(size=(1000, 4)) * [1.0, 10.0, 0.1, 3.0] + [1e4, -5.0, 0.0, 2.0]
    expected_mean, expected_variance = data.mean(axis=0), data.var(axis=0)
    sources = {
        "array": data,
        "tensor": tf.constant(data),
        "list of batches": [data[i : i + 64] for i in range(0, 1000, 64)],
        "generator of (x, y)": ((data[i : i + 100], np.zeros(100)) for i in range(0, 1000, 100)),
    }
    for what, source in sources.items():
        layer = layers.Normalization(dtype="float64")
        layer.adapt(source)
        assert_close(layer.adapt_mean.numpy(), expected_mean, rtol=1e-12, what=what)
        assert_close(layer.adapt_variance.numpy(), expected_variance, rtol=1e-10, what=what)
        assert int(layer.count.numpy()) == 1000


def test_normalization_adapt_keeps_several_axes():
    data = np.random.default_rng(1).normal(size=(50, 2, 3))
    layer = layers.Normalization(axis=(1, 2), dtype="float64")
    layer.adapt(data)
    assert layer.adapt_mean.shape == (2, 3)
    expected = (data - data.mean(axis=0)) / data.std(axis=0)
    assert_close(layer(data).numpy(), expected, rtol=1e-10, atol=1e-12)


def test_normalization_adapt_steps_limits_the_batches():
    layer = layers.Normalization()
    layer.adapt([np.zeros((2, 1)), np.ones((2, 1)), np.full((2, 1), 100.0)], steps=2)
    assert_close(layer.adapt_mean.numpy(), np.array([0.5], np.float32))


def test_normalization_constant_feature_and_unadapted_layer():
    layer = layers.Normalization()
    layer.adapt(np.array([[5.0, 1.0], [5.0, 3.0]], np.float32))
    # zero variance: divided by max(sqrt(0), epsilon) after subtracting the mean
    assert_close(layer(np.array([[5.0, 2.0]], np.float32)).numpy(), np.zeros((1, 2), np.float32))
    fresh = layers.Normalization()  # not adapted: mean 0 and variance 1
    assert_close(
        fresh(np.array([[2.0, -3.0]], np.float32)).numpy(), np.array([[2.0, -3.0]], np.float32)
    )


def test_normalization_integer_inputs_and_gradient():
    layer = layers.Normalization(mean=1.0, variance=4.0)
    assert_close(layer(np.array([[3, 5]])).numpy(), np.array([[1.0, 2.0]], np.float32))
    x = tf.constant([[3.0, 5.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(layer(x))
    assert_close(tape.gradient(total, x).numpy(), np.full((1, 2), 0.5, np.float32))


def test_normalization_errors():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        layers.Normalization(mean=[1.0, 2.0], variance=1.0)
    with pytest.raises(ValueError, match="variance must be >= 0"):
        layers.Normalization(mean=0.0, variance=-1.0)
    with pytest.raises(ValueError, match="adapt"):
        layers.Normalization(mean=0.0, variance=1.0).adapt(ADAPT_DATA)
    layer = layers.Normalization()
    layer.adapt(ADAPT_DATA)
    with pytest.raises(ValueError, match=r"built for inputs of shape \(4, 3\)"):
        layer.adapt(np.ones((4, 5)))
    with pytest.raises(TypeError, match="iterable"):
        layers.Normalization().adapt(3.0)
    with pytest.raises(ValueError, match="no data"):
        layers.Normalization().adapt([])


def test_normalization_config_round_trip_and_symbolic_shape():
    clone = assert_config_round_trip(
        layers.Normalization(axis=-1, mean=[1.0, 2.0], variance=[3.0, 4.0], invert=True)
    )
    assert clone.invert and clone.input_mean.tolist() == [1.0, 2.0]
    assert assert_config_round_trip(layers.Normalization(axis=None)).axis == ()
    assert layers.Normalization()(layers.Input(shape=(3,))).shape == (None, 3)


# -- Rescaling -----------------------------------------------------------------------------------
def test_rescaling_uint8_pixels_to_unit_interval():
    pixels = np.array([[0, 51, 255]], np.uint8)
    out = layers.Rescaling(1.0 / 255)(pixels)
    assert out.dtype == tf.float32
    assert_close(out.numpy(), np.array([[0.0, 0.2, 1.0]], np.float32), rtol=1e-6)


def test_rescaling_scale_offset_and_per_channel_values():
    x = np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)
    assert_close(layers.Rescaling(2.0, offset=-1.0)(x).numpy(), x * 2.0 - 1.0)
    out = layers.Rescaling([1.0, 10.0], offset=[0.5, 0.0])(x).numpy()
    assert_close(out, x * np.array([1.0, 10.0], np.float32) + np.array([0.5, 0.0], np.float32))


def test_rescaling_config_errors_and_symbolic_shape():
    clone = assert_config_round_trip(layers.Rescaling([1.0, 2.0], offset=3))
    assert clone.scale == [1.0, 2.0] and clone.offset == 3.0
    with pytest.raises(ValueError, match="scale='a'"):
        layers.Rescaling("a")
    out = layers.Rescaling(0.5)(layers.Input(shape=(4, 4, 3), dtype="int32"))
    assert out.shape == (None, 4, 4, 3) and out.dtype == tf.float32
