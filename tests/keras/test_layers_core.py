"""Core layers: Dense, Embedding, Activation, Lambda, Identity. Golden values come from NumPy
in float64 or by hand."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from layer_checks import assert_config_round_trip, assert_gradients_match_finite_differences
from tapeflow.keras import activations, constraints, layers, regularizers


@pytest.fixture
def rng():
    return np.random.default_rng(42)


# -- Dense -------------------------------------------------------------------------------------
def test_dense_is_inputs_times_kernel_plus_bias(rng):
    x = rng.normal(size=(4, 3))
    w, b = rng.normal(size=(3, 2)), rng.normal(size=(2,))
    layer = layers.Dense(2, activation="relu", dtype="float64")
    layer.build((None, 3))
    layer.set_weights([w, b])
    assert_close(layer(x).numpy(), np.maximum(x @ w + b, 0.0), rtol=1e-12, atol=1e-12)


def test_dense_hand_computed_values():
    layer = layers.Dense(1, kernel_initializer="ones", bias_initializer="ones")
    # [1, 2, 3] . [1, 1, 1] + 1 = 7
    assert_close(layer(np.array([[1.0, 2.0, 3.0]])).numpy(), np.array([[7.0]], np.float32))


def test_dense_weights_kernel_before_bias_with_names_and_shapes():
    layer = layers.Dense(5, name="probe_dense")
    assert not layer.built and layer.weights == []
    layer(np.zeros((2, 3), np.float32))
    assert [w.name for w in layer.weights] == ["probe_dense/kernel:0", "probe_dense/bias:0"]
    assert [tuple(w.shape) for w in layer.weights] == [(3, 5), (5,)]
    assert layer.count_params() == 3 * 5 + 5
    assert layer.kernel is layer.weights[0] and layer.bias is layer.weights[1]


def test_dense_without_bias_has_only_a_kernel():
    layer = layers.Dense(4, use_bias=False)
    layer(np.ones((1, 2), np.float32))
    assert len(layer.weights) == 1 and layer.bias is None


def test_dense_default_initializers_glorot_uniform_and_zeros():
    layer = layers.Dense(200)
    layer.build((None, 100))
    limit = np.sqrt(6.0 / (100 + 200))
    kernel = layer.kernel.numpy()
    assert np.all(np.abs(kernel) <= limit) and kernel.std() > limit / 3
    assert np.all(layer.bias.numpy() == 0.0)


def test_dense_on_rank_3_inputs_multiplies_the_last_axis(rng):
    x = rng.normal(size=(2, 5, 3))
    layer = layers.Dense(4, dtype="float64")
    out = layer(x)
    kernel, bias = layer.get_weights()
    assert out.shape == (2, 5, 4)
    assert_close(out.numpy(), np.tensordot(x, kernel, axes=[[2], [0]]) + bias, rtol=1e-12)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(layer(x))
    d_kernel, d_bias = tape.gradient(total, [layer.kernel, layer.bias])
    # d/dW sum(x @ W) = sum over batch and time of x, repeated for each unit
    assert_close(d_kernel.numpy(), np.repeat(x.sum(axis=(0, 1))[:, None], 4, axis=1))
    assert_close(d_bias.numpy(), np.full(4, 10.0))


def test_dense_input_spec_after_build_and_errors():
    layer = layers.Dense(2)
    layer(np.ones((1, 3), np.float32))
    assert layer.input_spec.min_ndim == 2 and layer.input_spec.axes == {-1: 3}
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer(np.ones((1, 4), np.float32))
    with pytest.raises(ValueError, match="min_ndim=2"):
        layer(np.ones((3,), np.float32))


def test_dense_needs_a_known_last_axis():
    with pytest.raises(ValueError, match="last axis"):
        layers.Dense(2).build((None, None))


@pytest.mark.parametrize("units", [0, -1, 2.5, "3", True, None])
def test_dense_rejects_bad_units(units):
    with pytest.raises(ValueError, match=f"units={units!r}"):
        layers.Dense(units)


def test_dense_accepts_numpy_integer_units():
    assert layers.Dense(np.int64(3)).units == 3


def test_dense_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError, match="kernel_initialiser"):
        layers.Dense(2, kernel_initialiser="ones")


def test_dense_casts_inputs_to_its_dtype():
    out = layers.Dense(2, dtype="float64")(np.ones((1, 3), np.float32))
    assert out.dtype == tf.float64
    assert layers.Dense(2)(np.ones((1, 3), np.int64)).dtype == tf.float32


def test_dense_regularizers_add_to_losses():
    layer = layers.Dense(
        2,
        kernel_initializer="ones",
        bias_initializer="ones",
        kernel_regularizer=regularizers.l2(0.1),
        bias_regularizer="l1",
        activity_regularizer=regularizers.l1(0.5),
    )
    layer(np.array([[1.0, -2.0, 0.5]], np.float32))
    # activity: 0.5 * sum|y|, y = [0.5, 0.5]; kernel: 0.1 * 6 ones; bias: 0.01 * 2 ones
    values = sorted(float(v) for v in layer.losses)
    assert_close(np.array(values), np.array([0.02, 0.5, 0.6]), rtol=1e-6)


def test_dense_constraints_are_attached_to_their_weights():
    layer = layers.Dense(2, kernel_constraint=constraints.NonNeg(), bias_constraint="max_norm")
    layer.build((None, 3))
    assert isinstance(layer.kernel._layer_meta.constraint, constraints.NonNeg)
    assert isinstance(layer.bias._layer_meta.constraint, constraints.MaxNorm)


def test_dense_config_round_trip():
    layer = layers.Dense(
        7,
        activation=tf.nn.relu,
        use_bias=False,
        kernel_initializer="he_normal",
        kernel_regularizer="l2",
        activity_regularizer=regularizers.L1L2(l1=0.1, l2=0.2),
        kernel_constraint=constraints.MaxNorm(3.0),
        name="d7",
    )
    config = layer.get_config()
    assert config["units"] == 7 and config["activation"] == "relu"
    assert config["use_bias"] is False and config["name"] == "d7"
    clone = assert_config_round_trip(layer)
    assert clone.activation is activations.relu
    assert clone.kernel_constraint.max_value == 3.0
    assert clone.activity_regularizer.get_config() == {"l1": 0.1, "l2": 0.2}


def test_dense_symbolic_shapes():
    inputs = layers.Input(shape=(784,))
    assert layers.Dense(512)(inputs).shape == (None, 512)
    sequence = layers.Input(shape=(10, 4))
    out = layers.Dense(3)(sequence)
    assert out.shape == (None, 10, 3) and out.dtype == tf.float32


def test_dense_gradients_match_finite_differences(rng):
    layer = layers.Dense(3, activation="tanh", dtype="float64", bias_initializer="random_normal")
    assert_gradients_match_finite_differences(layer, rng.normal(size=(2, 4)))


# -- Embedding ---------------------------------------------------------------------------------
def _embedding_with_table(input_dim=5, output_dim=3):
    layer = layers.Embedding(input_dim, output_dim)
    table = np.arange(input_dim * output_dim, dtype=np.float32).reshape(input_dim, output_dim)
    layer.build(None)
    layer.set_weights([table])
    return layer, table


def test_embedding_gathers_rows():
    layer, table = _embedding_with_table()
    indices = np.array([[0, 2], [4, 4]])
    out = layer(indices)
    assert out.shape == (2, 2, 3)
    assert_close(out.numpy(), table[indices])


@pytest.mark.parametrize("dtype", ["int32", "int64", "float32", "float64", "uint8"])
def test_embedding_casts_indices_to_int32(dtype):
    layer, table = _embedding_with_table()
    assert_close(layer(np.array([3, 1], dtype=dtype)).numpy(), table[[3, 1]])


def test_embedding_gradient_adds_up_repeated_rows():
    layer, _ = _embedding_with_table()
    indices = np.array([[1, 3, 1], [1, 0, 3]])
    weights = np.arange(1.0, 19.0, dtype=np.float32).reshape(2, 3, 3)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(layer(indices) * weights)
    grad = tape.gradient(total, layer.embeddings)
    expected = np.zeros((5, 3), np.float32)
    np.add.at(expected, indices, weights)  # scatter-add of the output gradients
    assert_close(grad.numpy(), expected)


def test_embedding_default_initializer_is_uniform_005():
    layer = layers.Embedding(300, 20)
    layer.build(None)
    table = layer.embeddings.numpy()
    assert layer.embeddings.name.endswith("/embeddings:0")
    assert np.all(np.abs(table) <= 0.05) and table.std() > 0.02


def test_embedding_index_out_of_range_raises():
    layer, _ = _embedding_with_table()
    with pytest.raises(ValueError, match="not in"):
        layer(np.array([5]))


def test_embedding_mask_zero():
    layer = layers.Embedding(10, 2, mask_zero=True)
    assert layer.compute_mask(np.array([[0, 3, 0]])).numpy().tolist() == [[False, True, False]]
    assert layers.Embedding(10, 2).compute_mask(np.array([0])) is None


@pytest.mark.parametrize("args", [(0, 3), (-1, 3), (5, 0), (5, 2.5)])
def test_embedding_rejects_bad_sizes(args):
    with pytest.raises(ValueError, match="must be a positive integer"):
        layers.Embedding(*args)


def test_embedding_initial_weights_and_config_round_trip():
    table = np.ones((4, 2), np.float32)
    layer = layers.Embedding(4, 2, weights=[table], mask_zero=True, embeddings_regularizer="l2")
    assert layer.built and np.array_equal(layer.get_weights()[0], table)
    clone = assert_config_round_trip(layer)
    assert clone.mask_zero and clone.input_dim == 4 and clone.output_dim == 2


def test_embedding_symbolic_shape():
    tokens = layers.Input(shape=(None,), dtype="int64")
    out = layers.Embedding(100, 8)(tokens)
    assert out.shape == (None, None, 8) and out.dtype == tf.float32


# -- Activation ----------------------------------------------------------------------------------
def test_activation_layer_applies_the_function():
    x = np.array([[-1.0, 0.0, 2.0]], np.float32)
    assert_close(layers.Activation("relu")(x).numpy(), np.array([[0.0, 0.0, 2.0]], np.float32))
    probabilities = layers.Activation("softmax")(x).numpy()
    expected = np.exp(x - x.max()) / np.exp(x - x.max()).sum()
    assert_close(probabilities, expected.astype(np.float32), rtol=1e-6)


def test_activation_config_round_trip_and_symbolic_shape():
    clone = assert_config_round_trip(layers.Activation(tf.nn.relu))
    assert clone.get_config()["activation"] == "relu"
    assert layers.Activation("tanh")(layers.Input(shape=(3, 2))).shape == (None, 3, 2)
    with pytest.raises(ValueError, match="activation"):
        layers.Activation("no_such_activation")


# -- Lambda --------------------------------------------------------------------------------------
def scale_by(x, factor=2.0):
    return x * factor


def test_lambda_calls_the_function_with_arguments():
    layer = layers.Lambda(scale_by, arguments={"factor": 3.0})
    assert_close(layer(np.array([1.0, 2.0], np.float32)).numpy(), np.array([3.0, 6.0], np.float32))


def test_lambda_gradient_flows():
    layer = layers.Lambda(lambda t: t**2)
    x = tf.constant([1.0, -3.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(layer(x))
    assert_close(tape.gradient(y, x).numpy(), np.array([2.0, -6.0], np.float32))


def test_lambda_passes_training_when_the_function_asks():
    seen = []
    layer = layers.Lambda(lambda t, training=None: seen.append(training) or t)
    layer(np.ones(2, np.float32), training=True)
    layer(np.ones(2, np.float32))
    assert seen == [True, None]


def test_lambda_symbolic_shapes():
    inputs = layers.Input(shape=(6,))
    assert layers.Lambda(lambda t: t[:, :2])(inputs).shape == (None, 2)
    assert layers.Lambda(lambda t: t, output_shape=(3, 2))(inputs).shape == (None, 3, 2)
    by_function = layers.Lambda(lambda t: t, output_shape=lambda s: (s[0], 1))(inputs)
    assert by_function.shape == (None, 1)


def test_lambda_config_stores_named_functions_not_code():
    layer = layers.Lambda(scale_by, output_shape=(4,), arguments={"factor": 0.5})
    config = layer.get_config()
    assert config["function"]["config"] == "scale_by"
    assert config["output_shape"] == [4] and config["arguments"] == {"factor": 0.5}
    clone = layers.Lambda.from_config(config)  # found in this (already imported) module
    assert clone.function is scale_by and clone._output_shape == (4,)
    custom = layers.Lambda.from_config(config, custom_objects={"scale_by": np.negative})
    assert custom.function is np.negative


def test_lambda_from_config_refuses_a_python_lambda():
    config = layers.Lambda(lambda t: t + 1).get_config()
    assert config["function"]["config"] == "<lambda>" and "code" not in str(config)
    with pytest.raises(ValueError, match="lambda"):
        layers.Lambda.from_config(config)


def test_lambda_from_config_unknown_function():
    config = layers.Lambda(scale_by).get_config()
    config["function"]["module"] = "not_a_loaded_module"
    with pytest.raises(ValueError, match="custom_objects"):
        layers.Lambda.from_config(config)


def test_lambda_rejects_non_callables():
    with pytest.raises(TypeError, match="callable"):
        layers.Lambda(3)


# -- Identity ------------------------------------------------------------------------------------
def test_identity_returns_its_inputs():
    layer = layers.Identity()
    x = np.array([[1.0, 2.0]], np.float32)
    assert_close(layer(x).numpy(), x)
    nested = layer({"a": tf.constant([1, 2]), "b": tf.constant([3.0])})
    assert nested["a"].numpy().tolist() == [1, 2] and nested["b"].numpy().tolist() == [3.0]
    assert layers.Identity()(layers.Input(shape=(3,), dtype="int32")).dtype == tf.int32
    assert_config_round_trip(layer)
