"""Merge layers: values vs NumPy, broadcasting, shape checks, symbolic shapes, errors."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from layer_checks import assert_config_round_trip
from tapeflow.keras import layers

ELEMENTWISE = [
    (layers.Add, layers.add, lambda xs: functools.reduce(np.add, xs)),
    (layers.Multiply, layers.multiply, lambda xs: functools.reduce(np.multiply, xs)),
    (layers.Average, layers.average, lambda xs: sum(xs) / len(xs)),
    (layers.Maximum, layers.maximum, lambda xs: functools.reduce(np.maximum, xs)),
    (layers.Minimum, layers.minimum, lambda xs: functools.reduce(np.minimum, xs)),
]


@pytest.fixture
def arrays():
    rng = np.random.default_rng(3)
    return [rng.normal(size=(4, 5)).astype(np.float32) for _ in range(3)]


@pytest.mark.parametrize("cls,fn,reference", ELEMENTWISE, ids=lambda v: getattr(v, "__name__", ""))
def test_elementwise_merges_match_numpy(cls, fn, reference, arrays):
    expected = reference([a.astype(np.float64) for a in arrays])
    assert_close(cls()(arrays).numpy(), expected.astype(np.float32), rtol=1e-6)
    assert_close(fn(arrays).numpy(), expected.astype(np.float32), rtol=1e-6)
    assert_close(cls()(arrays[:1]).numpy(), arrays[0])  # one input passes through


def test_subtract_is_first_minus_second(arrays):
    assert_close(layers.Subtract()(arrays[:2]).numpy(), arrays[0] - arrays[1])
    assert_close(layers.subtract(arrays[:2]).numpy(), arrays[0] - arrays[1])
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        layers.Subtract()(arrays)
    with pytest.raises(ValueError, match="at least 2"):
        layers.Subtract()(arrays[:1])


def test_merge_broadcasts_non_batch_axes_aligned_from_the_right():
    a = np.arange(10, dtype=np.float32).reshape(2, 5)
    b = np.ones((2, 3, 5), np.float32)
    out = layers.Add()([a, b])
    assert out.shape == (2, 3, 5)
    assert_close(out.numpy(), a[:, None, :] + b)
    assert layers.Multiply()([np.ones((2, 1, 5), np.float32), b]).shape == (2, 3, 5)


def test_merge_gradients():
    a, b = tf.constant([[1.0, 5.0]]), tf.constant([[3.0, 2.0]])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch([a, b])
        product = tf.reduce_sum(layers.Multiply()([a, b]))
        largest = tf.reduce_sum(layers.Maximum()([a, b]))
        mean = tf.reduce_sum(layers.Average()([a, b]))
    assert_close(tape.gradient(product, a).numpy(), b.numpy())
    assert_close(tape.gradient(largest, a).numpy(), np.array([[0.0, 1.0]], np.float32))
    assert_close(tape.gradient(mean, b).numpy(), np.array([[0.5, 0.5]], np.float32))


def test_merge_broadcast_gradient_sums_over_the_inserted_axis():
    a = tf.constant(np.ones((2, 5), np.float32))
    with tf.GradientTape() as tape:
        tape.watch(a)
        total = tf.reduce_sum(layers.Add()([a, np.ones((2, 3, 5), np.float32)]))
    assert_close(tape.gradient(total, a).numpy(), np.full((2, 5), 3.0, np.float32))


def test_merge_shape_errors():
    with pytest.raises(ValueError, match="different batch sizes"):
        layers.Add()([np.ones((2, 3), np.float32), np.ones((4, 3), np.float32)])
    with pytest.raises(ValueError, match="incompatible shapes"):
        layers.Add()([np.ones((2, 3), np.float32), np.ones((2, 4), np.float32)])
    with pytest.raises(ValueError, match="list"):
        layers.Add()(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match="incompatible shapes"):
        layers.add([layers.Input(shape=(3,)), layers.Input(shape=(4,))])
    with pytest.raises(ValueError, match="different batch sizes"):
        layers.add([layers.Input(shape=(3,), batch_size=2), layers.Input(shape=(3,), batch_size=5)])


def test_merge_symbolic_shapes_and_dtypes():
    a, b = layers.Input(shape=(5,)), layers.Input(shape=(3, 5))
    assert layers.Add()([a, b]).shape == (None, 3, 5)
    assert layers.maximum([a, layers.Input(shape=(1,))]).shape == (None, 5)
    assert layers.add([a, layers.Input(shape=(None,))]).shape == (None, 5)
    known = layers.add([layers.Input(shape=(2,), batch_size=8), layers.Input(shape=(2,))])
    assert known.shape == (8, 2)
    ints = layers.add([layers.Input(shape=(2,), dtype="int32")] * 2)
    assert ints.dtype == tf.int32


def test_merge_config_round_trip():
    for cls in (
        layers.Add,
        layers.Subtract,
        layers.Multiply,
        layers.Average,
        layers.Maximum,
        layers.Minimum,
    ):
        clone = assert_config_round_trip(cls(name=f"merge_{cls.__name__.lower()}"))
        assert clone.name == f"merge_{cls.__name__.lower()}"


# -- Concatenate ---------------------------------------------------------------------------------
def test_concatenate_matches_numpy():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.arange(4, dtype=np.float32).reshape(2, 2)
    assert_close(layers.Concatenate()([a, b]).numpy(), np.concatenate([a, b], axis=-1))
    assert_close(layers.concatenate([a, a], axis=0).numpy(), np.concatenate([a, a], axis=0))
    c = np.ones((2, 4, 3), np.float32)
    d = np.zeros((2, 1, 3), np.float32)
    assert_close(layers.Concatenate(axis=1)([c, d]).numpy(), np.concatenate([c, d], axis=1))


def test_concatenate_gradient_splits():
    a, b = tf.constant([[1.0, 2.0]]), tf.constant([[3.0]])
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        total = tf.reduce_sum(layers.Concatenate()([a, b]) * tf.constant([[1.0, 2.0, 3.0]]))
    grad_a, grad_b = tape.gradient(total, [a, b])
    assert_close(grad_a.numpy(), np.array([[1.0, 2.0]], np.float32))
    assert_close(grad_b.numpy(), np.array([[3.0]], np.float32))


def test_concatenate_symbolic_shapes():
    a, b = layers.Input(shape=(3,)), layers.Input(shape=(4,))
    assert layers.concatenate([a, b]).shape == (None, 7)
    assert layers.Concatenate()([a, layers.Input(shape=(None,))]).shape == (None, None)
    seq = layers.Concatenate(axis=1)([layers.Input(shape=(2, 6)), layers.Input(shape=(5, 6))])
    assert seq.shape == (None, 7, 6)


def test_concatenate_errors():
    with pytest.raises(ValueError, match="matching shapes except for the concatenation axis"):
        layers.Concatenate()([np.ones((2, 3), np.float32), np.ones((3, 3), np.float32)])
    with pytest.raises(ValueError, match="same rank"):
        layers.Concatenate()([layers.Input(shape=(3,)), layers.Input(shape=(3, 1))])
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        layers.Concatenate(axis=2)([layers.Input(shape=(3,)), layers.Input(shape=(3,))])
    with pytest.raises(TypeError, match="axis"):
        layers.Concatenate(axis="last")
    with pytest.raises(ValueError, match="list"):
        layers.Concatenate()(layers.Input(shape=(3,)))


def test_concatenate_function_without_inputs_returns_a_layer():
    # Errata X17: the book's `self.concat_layer = layers.concatenate()` (section 7.2.3).
    layer = layers.concatenate(axis=1)
    assert isinstance(layer, layers.Concatenate) and layer.axis == 1
    out = layer([np.ones((1, 2), np.float32), np.zeros((1, 1), np.float32)])
    assert out.numpy().tolist() == [[1.0, 1.0, 0.0]]


def test_concatenate_config_round_trip():
    assert assert_config_round_trip(layers.Concatenate(axis=1)).axis == 1
