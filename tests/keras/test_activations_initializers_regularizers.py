"""keras.activations, keras.initializers and keras.regularizers: values against NumPy,
distributions and seeds of the initializers, fan computation, the L1/L2 penalties, string
look-up and config round-trips."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from tapeflow import keras
from tapeflow.keras import activations, initializers, regularizers

X = np.array([[-3.0, -1.0, -0.1, 0.0], [0.2, 1.0, 2.5, 7.0]])


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805
ACTIVATIONS = [
    ("relu", lambda x: np.maximum(x, 0)),
    ("sigmoid", np_sigmoid),
    ("tanh", np.tanh),
    ("softmax", np_softmax),
    ("log_softmax", lambda x: np.log(np_softmax(x))),
    ("linear", lambda x: x),
    ("elu", lambda x: np.where(x > 0, x, np.expm1(x))),
    ("selu", lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))),
    ("softplus", lambda x: np.log1p(np.exp(x))),
    ("softsign", lambda x: x / (1 + np.abs(x))),
    ("exponential", np.exp),
    ("silu", lambda x: x * np_sigmoid(x)),
    ("swish", lambda x: x * np_sigmoid(x)),
    ("hard_sigmoid", lambda x: np.clip(x / 6 + 0.5, 0, 1)),
    ("relu6", lambda x: np.clip(x, 0, 6)),
    ("leaky_relu", lambda x: np.where(x >= 0, x, 0.2 * x)),
    ("mish", lambda x: x * np.tanh(np.log1p(np.exp(x)))),
]


@pytest.mark.parametrize("name, reference", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_activation_matches_numpy(name, reference, dtype):
    fn = activations.get(name)
    got = fn(tf.constant(X.astype(dtype)))
    assert got.dtype == dtype
    tol = 1e-6 if dtype == "float32" else 1e-12
    assert_close(np.asarray(got), reference(X), rtol=tol, atol=tol, what=name)


def test_gelu():
    approx = activations.gelu(tf.constant(X), approximate=True)
    expected = 0.5 * X * (1 + np.tanh(math.sqrt(2 / math.pi) * (X + 0.044715 * X**3)))
    assert_close(np.asarray(approx), expected, rtol=1e-12, atol=1e-12)
    if hasattr(tf.math, "erf"):
        exact = activations.gelu(tf.constant(X))
        erf = np.vectorize(math.erf)
        assert_close(np.asarray(exact), 0.5 * X * (1 + erf(X / math.sqrt(2))), rtol=1e-6, atol=1e-7)
    else:
        with pytest.raises(NotImplementedError, match="erf"):
            activations.gelu(tf.constant(X))


def test_relu_options():
    x = tf.constant(X)
    assert_close(np.asarray(activations.relu(x, max_value=2.0)), np.clip(X, 0, 2))
    assert_close(np.asarray(activations.relu(x, threshold=1.0)), np.where(X > 1, X, 0))
    assert_close(np.asarray(activations.relu(x, negative_slope=0.1)), np.where(X > 0, X, 0.1 * X))
    assert_close(
        np.asarray(activations.relu(x, negative_slope=0.1, threshold=1.0, max_value=5.0)),
        np.where(X > 1, np.minimum(X, 5.0), 0.1 * (X - 1)),
    )


def test_softmax_axis_and_rank_one():
    assert_close(
        np.asarray(activations.softmax(tf.constant(X), axis=0)), np_softmax(X, 0), rtol=1e-12
    )
    assert_close(
        np.asarray(activations.softmax(tf.constant([1.0, 2.0, 3.0]))),
        np_softmax(np.array([1.0, 2.0, 3.0])),
        rtol=1e-6,
    )


def test_elu_has_no_overflow_in_the_unused_branch():
    got = activations.elu(tf.constant([1000.0, -1000.0]))
    assert_close(np.asarray(got), [1000.0, -1.0])


def test_activation_lookup_and_serialization():
    assert activations.get(None) is activations.linear
    assert activations.get("relu") is activations.relu
    assert activations.get(tf.nn.relu) is tf.nn.relu
    assert activations.serialize(activations.relu) == "relu"
    assert activations.serialize(tf.nn.relu) == "relu"
    assert activations.serialize(activations.swish) == "silu"
    assert activations.deserialize("sigmoid") is activations.sigmoid
    with pytest.raises(ValueError, match="Could not interpret activation function identifier"):
        activations.get("relux")
    with pytest.raises(ValueError, match="Could not interpret"):
        activations.get(3)


def test_activation_accepts_python_and_numpy_inputs():
    assert_close(np.asarray(activations.relu([-1.0, 2.0])), [0.0, 2.0])
    assert_close(np.asarray(activations.sigmoid(np.zeros(2))), [0.5, 0.5])


# -- initializers -------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def unseeded():
    tf.random.set_seed(None)
    yield
    tf.random.set_seed(None)


@pytest.mark.parametrize(
    "shape, fans",
    [
        ((), (1, 1)),
        ((7,), (7, 7)),
        ((3, 5), (3, 5)),
        ((3, 3, 4, 8), (36, 72)),
        ((2, 6, 10), (12, 20)),
    ],
)
def test_compute_fans(shape, fans):
    assert initializers.compute_fans(shape) == fans


def test_glorot_uniform_bounds_and_variance():
    w = np.asarray(initializers.GlorotUniform()((400, 300)))
    limit = math.sqrt(6 / 700)
    assert w.dtype == np.float32 and w.shape == (400, 300)
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.99 * limit
    assert abs(w.var() - limit**2 / 3) < 0.03 * limit**2 / 3
    assert abs(w.mean()) < 0.01 * limit


@pytest.mark.parametrize(
    "name, scale, fan, truncated",
    [
        ("glorot_normal", 1.0, "avg", True),
        ("he_normal", 2.0, "in", True),
        ("lecun_normal", 1.0, "in", True),
        ("he_uniform", 2.0, "in", False),
        ("lecun_uniform", 1.0, "in", False),
        ("glorot_uniform", 1.0, "avg", False),
    ],
)
def test_variance_scaling_presets_have_the_target_variance(name, scale, fan, truncated):
    shape = (500, 200)
    fans = {"in": 500, "avg": 350}
    w = np.asarray(initializers.get(name)(shape))
    target = scale / fans[fan]
    assert abs(w.var() - target) < 0.05 * target, (name, w.var(), target)
    bound = 2 * math.sqrt(target) / 0.87962566103423978 if truncated else math.sqrt(3 * target)
    assert np.abs(w).max() <= bound * (1 + 1e-6)


def test_variance_scaling_modes_and_errors():
    w = np.asarray(
        initializers.VarianceScaling(scale=2.0, mode="fan_out", distribution="untruncated_normal")(
            (300, 400)
        )
    )
    assert abs(w.std() - math.sqrt(2 / 400)) < 0.03 * math.sqrt(2 / 400)
    assert initializers.VarianceScaling(distribution="normal").distribution == "truncated_normal"
    with pytest.raises(ValueError, match="scale"):
        initializers.VarianceScaling(scale=0)
    with pytest.raises(ValueError, match="mode"):
        initializers.VarianceScaling(mode="fan")
    with pytest.raises(ValueError, match="distribution"):
        initializers.VarianceScaling(distribution="cauchy")


def test_random_initializers_defaults():
    n = np.asarray(initializers.RandomNormal()((300, 300)))
    assert abs(n.std() - 0.05) < 0.002 and abs(n.mean()) < 0.002
    t = np.asarray(initializers.TruncatedNormal()((300, 300)))
    assert np.abs(t).max() <= 0.1 + 1e-7
    u = np.asarray(initializers.RandomUniform()((300, 300)))
    assert u.min() >= -0.05 and u.max() < 0.05
    i = np.asarray(initializers.RandomUniform(0, 10)((1000,), dtype="int32"))
    assert i.dtype == np.int32 and i.min() >= 0 and i.max() < 10


def test_seeds():
    a = np.asarray(initializers.GlorotUniform(seed=3)((4, 5)))
    b = np.asarray(initializers.GlorotUniform(seed=3)((4, 5)))
    assert_close(a, b)
    init = initializers.RandomNormal(seed=3)
    assert_close(np.asarray(init((3,))), np.asarray(init((3,))))  # Keras 3: same values
    unseeded = initializers.RandomNormal()
    assert not np.allclose(np.asarray(unseeded((6,))), np.asarray(unseeded((6,))))
    tf.random.set_seed(11)
    first = np.asarray(initializers.HeNormal()((8,)))
    tf.random.set_seed(11)
    assert_close(np.asarray(initializers.HeNormal()((8,))), first)
    with pytest.raises(ValueError, match="seed"):
        initializers.RandomNormal(seed="x")


def test_constant_zeros_ones_identity():
    assert_close(np.asarray(initializers.Zeros()((2, 3))), np.zeros((2, 3)))
    assert_close(np.asarray(initializers.Ones()((2,), dtype="int32")), [1, 1])
    c = initializers.Constant(0.1)((2,), dtype=tf.float64)
    assert c.dtype == tf.float64 and np.asarray(c)[0] == 0.1
    assert_close(np.asarray(initializers.Constant([1.0, 2.0])((3, 2))), [[1, 2]] * 3)
    assert_close(np.asarray(initializers.Identity(gain=2.0)((2, 3))), 2 * np.eye(2, 3))
    assert np.asarray(initializers.Zeros()((4,))).dtype == np.float32


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (3, 3, 2, 5)])
def test_orthogonal(shape):
    w = np.asarray(initializers.Orthogonal(gain=1.5, seed=1)(shape))
    assert w.shape == shape and w.dtype == np.float32
    flat = w.reshape(-1, shape[-1])
    small = flat.T @ flat if flat.shape[0] >= flat.shape[1] else flat @ flat.T
    assert_close(small, 2.25 * np.eye(small.shape[0]), atol=1e-5)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        initializers.Orthogonal()((3,))


def test_float_only_initializers_reject_int_dtypes():
    with pytest.raises(ValueError, match="floating"):
        initializers.GlorotUniform()((2, 2), dtype="int32")


@pytest.mark.parametrize(
    "name, cls",
    [
        ("glorot_uniform", initializers.GlorotUniform),
        ("GlorotUniform", initializers.GlorotUniform),
        ("glorot_normal", initializers.GlorotNormal),
        ("he_normal", initializers.HeNormal),
        ("he_uniform", initializers.HeUniform),
        ("lecun_normal", initializers.LecunNormal),
        ("lecun_uniform", initializers.LecunUniform),
        ("random_normal", initializers.RandomNormal),
        ("random_uniform", initializers.RandomUniform),
        ("truncated_normal", initializers.TruncatedNormal),
        ("zeros", initializers.Zeros),
        ("ones", initializers.Ones),
        ("constant", initializers.Constant),
        ("orthogonal", initializers.Orthogonal),
        ("identity", initializers.Identity),
        ("variance_scaling", initializers.VarianceScaling),
    ],
)
def test_initializer_lookup(name, cls):
    assert type(initializers.get(name)) is cls


def test_initializer_lookup_errors_and_callables():
    with pytest.raises(ValueError, match="Could not interpret initializer identifier: 'glorot'"):
        initializers.get("glorot")
    assert initializers.get(None) is None
    fn = lambda shape, dtype=None: tf.zeros(shape)  # noqa: E731
    assert initializers.get(fn) is fn
    assert type(initializers.get(initializers.HeNormal)) is initializers.HeNormal
    assert initializers.glorot_uniform is initializers.GlorotUniform


@pytest.mark.parametrize(
    "init",
    [
        initializers.GlorotUniform(seed=1),
        initializers.HeNormal(),
        initializers.RandomNormal(0.5, 2.0, seed=4),
        initializers.RandomUniform(-1, 1),
        initializers.TruncatedNormal(stddev=0.1),
        initializers.Constant(3.0),
        initializers.Zeros(),
        initializers.Orthogonal(gain=2.0, seed=2),
        initializers.VarianceScaling(2.0, "fan_avg", "uniform", seed=9),
    ],
)
def test_initializer_config_round_trip(init):
    config = init.get_config()
    again = type(init).from_config(config)
    assert again.get_config() == config
    rebuilt = initializers.deserialize(initializers.serialize(init))
    assert type(rebuilt) is type(init) and rebuilt.get_config() == config
    assert init.clone().get_config() == config


def test_glorot_config_is_just_the_seed():
    assert initializers.GlorotUniform(seed=5).get_config() == {"seed": 5}
    assert initializers.RandomNormal().get_config() == {"mean": 0.0, "stddev": 0.05, "seed": None}


# -- regularizers -------------------------------------------------------------------------------
W = np.array([[1.0, -2.0], [0.5, 0.0]])


def test_l2_has_no_half_factor_book_listing():
    penalty = regularizers.l2(0.002)(tf.constant(W))
    assert_close(np.asarray(penalty), 0.002 * (1 + 4 + 0.25))


def test_l1_and_l1_l2():
    assert_close(np.asarray(regularizers.l1(0.001)(tf.constant(W))), 0.001 * 3.5)
    both = regularizers.l1_l2(l1=0.001, l2=0.001)(tf.constant(W))
    assert_close(np.asarray(both), 0.001 * 3.5 + 0.001 * 5.25)
    assert_close(np.asarray(regularizers.L1L2()(tf.constant(W))), 0.0)


def test_regularizer_defaults_and_lookup():
    assert regularizers.get("l2").l2 == 0.01 and regularizers.get("l1").l1 == 0.01
    assert regularizers.get("L1L2").get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.get(None) is None
    r = regularizers.L2(0.1)
    assert regularizers.get(r) is r
    with pytest.raises(ValueError, match="Could not interpret regularizer identifier"):
        regularizers.get("l3")


def test_regularizer_validation_and_configs():
    with pytest.raises(ValueError, match="non-negative"):
        regularizers.L2(-0.1)
    with pytest.raises(ValueError, match="non-negative"):
        regularizers.L1(float("nan"))
    for r in (regularizers.L1(0.3), regularizers.L2(0.2), regularizers.L1L2(0.1, 0.2)):
        config = r.get_config()
        assert type(r).from_config(config).get_config() == config
        rebuilt = regularizers.deserialize(regularizers.serialize(r))
        assert type(rebuilt) is type(r) and rebuilt.get_config() == config


def test_regularizer_on_a_variable_is_differentiable():
    w = tf.Variable(W)
    with tf.GradientTape() as tape:
        penalty = regularizers.l1_l2(l1=0.1, l2=0.5)(w)
    grad = tape.gradient(penalty, w)
    assert_close(np.asarray(grad), 0.1 * np.sign(W) + 0.5 * 2 * W)


def test_backend_settings_and_naming():
    assert keras.backend.epsilon() == 1e-7 and keras.backend.floatx() == "float32"
    assert keras.backend.to_snake_case("BatchNormalization") == "batch_normalization"
    assert keras.backend.to_snake_case("RMSprop") == "rm_sprop"
    keras.backend.clear_session()
    assert [keras.backend.auto_name("Dense") for _ in range(3)] == ["dense", "dense_1", "dense_2"]
    keras.backend.clear_session()
    assert keras.backend.auto_name("Dense") == "dense"
    with pytest.raises(ValueError, match="floatx"):
        keras.backend.set_floatx("int32")
