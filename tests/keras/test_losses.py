"""keras.losses: every loss against a NumPy transcription of Keras's formula and hand-worked
golden values (Keras's docstring examples), clipping and from_logits, label smoothing,
(N,) vs (N, 1) targets, reductions and sample weights, gradients through the tape, string
look-up and config round-trips."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from tapeflow.errors import InvalidArgumentError
from tapeflow.keras import losses

EPS = 1e-7
rng = np.random.default_rng(7)
Y_TRUE = rng.uniform(0.0, 1.0, size=(5, 4))
Y_PRED = rng.uniform(0.05, 0.95, size=(5, 4))
PROBS = rng.dirichlet(np.ones(4), size=5)
ONE_HOT = np.eye(4)[[0, 3, 1, 1, 2]]


# -- NumPy references (float64) --------------------------------------------------------------
def np_bce(t, p, from_logits=False, smoothing=0.0):
    t = t * (1 - smoothing) + 0.5 * smoothing
    if from_logits:
        p = 1 / (1 + np.exp(-p))
    p = np.clip(p, EPS, 1 - EPS)
    return np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)), axis=-1)


def np_cce(t, p, from_logits=False, smoothing=0.0):
    t = t * (1 - smoothing) + smoothing / t.shape[-1]
    if from_logits:
        logp = p - np.log(np.sum(np.exp(p), axis=-1, keepdims=True))
    else:
        logp = np.log(np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS))
    return -np.sum(t * logp, axis=-1)


def np_logcosh(t, p):
    return np.mean(np.log(np.cosh(p - t)), axis=-1)


def np_huber(t, p, delta=1.0):
    e = np.abs(p - t)
    return np.mean(np.where(e <= delta, 0.5 * e * e, delta * e - 0.5 * delta**2), axis=-1)


REFERENCES = [
    ("mean_squared_error", lambda t, p: np.mean((t - p) ** 2, -1)),
    ("mean_absolute_error", lambda t, p: np.mean(np.abs(t - p), -1)),
    (
        "mean_absolute_percentage_error",
        lambda t, p: 100 * np.mean(np.abs((t - p) / np.maximum(np.abs(t), EPS)), -1),
    ),
    (
        "mean_squared_logarithmic_error",
        lambda t, p: np.mean(
            (np.log1p(np.maximum(p, EPS)) - np.log1p(np.maximum(t, EPS))) ** 2, -1
        ),
    ),
    ("huber", np_huber),
    ("log_cosh", np_logcosh),
    (
        "kl_divergence",
        lambda t, p: np.sum(
            np.clip(t, EPS, 1) * np.log(np.clip(t, EPS, 1) / np.clip(p, EPS, 1)), -1
        ),
    ),
    ("poisson", lambda t, p: np.mean(p - t * np.log(p + EPS), -1)),
    ("hinge", lambda t, p: np.mean(np.maximum(1 - t * p, 0), -1)),
    ("squared_hinge", lambda t, p: np.mean(np.maximum(1 - t * p, 0) ** 2, -1)),
    ("binary_crossentropy", np_bce),
]


@pytest.mark.parametrize("name, reference", REFERENCES, ids=[r[0] for r in REFERENCES])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_function_matches_numpy(name, reference, dtype):
    fn = getattr(losses, name)
    t, p = Y_TRUE, Y_PRED
    if "hinge" in name:
        t = np.where(Y_TRUE > 0.5, 1.0, -1.0)
    got = fn(tf.constant(t.astype(dtype)), tf.constant(p.astype(dtype)))
    assert got.dtype == dtype and tuple(got.shape) == (5,)
    tol = 2e-6 if dtype == "float32" else 1e-12
    assert_close(got.numpy(), reference(t, p), rtol=tol, atol=tol, what=name)


# -- Keras's docstring examples and hand-worked values ----------------------------------------
def test_binary_crossentropy_golden():
    got = losses.binary_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    assert_close(got.numpy(), [0.9162907, 0.7135582], atol=1e-6)
    # clipped at 1e-7: -log(1e-7) = 16.118, not inf
    assert_close(losses.binary_crossentropy([1.0], [0.0]).numpy(), -math.log(1e-7), atol=1e-4)
    assert_close(losses.binary_crossentropy([0.0], [1.0]).numpy(), 15.942385, rtol=1e-4)


def test_binary_crossentropy_from_logits_is_stable():
    got = losses.binary_crossentropy([[1.0, 0.0, 1.0]], [[-200.0, 200.0, 0.0]], from_logits=True)
    assert_close(got.numpy(), [(200.0 + 200.0 + math.log(2.0)) / 3], rtol=1e-6)
    t, logits = Y_TRUE, rng.normal(0, 3, size=(5, 4))
    assert_close(
        losses.binary_crossentropy(t, logits, from_logits=True).numpy(),
        np_bce(t, logits, from_logits=True),
        rtol=1e-5,
    )


def test_label_smoothing():
    bce = losses.binary_crossentropy(ONE_HOT, PROBS, label_smoothing=0.2)
    assert_close(bce.numpy(), np_bce(ONE_HOT, PROBS, smoothing=0.2), rtol=1e-5)
    cce = losses.categorical_crossentropy(ONE_HOT, PROBS, label_smoothing=0.1)
    assert_close(cce.numpy(), np_cce(ONE_HOT, PROBS, smoothing=0.1), rtol=1e-5)


def test_categorical_crossentropy_golden_and_renormalisation():
    got = losses.categorical_crossentropy(
        [[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    )
    assert_close(got.numpy(), [0.0512933, 2.3025851], atol=1e-6)
    unnormalised = PROBS * 3.0  # rows are renormalised to sum to 1
    assert_close(
        losses.categorical_crossentropy(ONE_HOT, unnormalised).numpy(),
        np_cce(ONE_HOT, PROBS),
        rtol=1e-5,
    )
    logits = rng.normal(0, 2, size=(5, 4))
    assert_close(
        losses.categorical_crossentropy(ONE_HOT, logits, from_logits=True).numpy(),
        np_cce(ONE_HOT, logits, from_logits=True),
        rtol=1e-5,
    )


def test_categorical_crossentropy_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match=r"target.shape=\(3,\), output.shape=\(3, 3\)"):
        losses.categorical_crossentropy([0, 1, 2], np.eye(3))


@pytest.mark.parametrize(
    "labels",
    [
        [1, 2],
        np.array([1, 2], np.uint8),
        np.array([1, 2], np.int64),
        np.array([[1], [2]]),
        np.array([1.0, 2.0], np.float32),
    ],
)
def test_sparse_categorical_crossentropy_labels_of_any_int_dtype_and_shape(labels):
    got = losses.sparse_categorical_crossentropy(labels, [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    assert tuple(got.shape) == (2,)
    assert_close(got.numpy(), [0.0512933, 2.3025851], atol=1e-6)


def test_sparse_matches_categorical_on_one_hot():
    labels = np.argmax(ONE_HOT, axis=-1)
    for from_logits, p in ((False, PROBS), (True, rng.normal(0, 2, size=(5, 4)))):
        sparse = losses.sparse_categorical_crossentropy(labels, p, from_logits=from_logits)
        dense = losses.categorical_crossentropy(ONE_HOT, p, from_logits=from_logits)
        assert_close(sparse.numpy(), dense.numpy(), rtol=1e-5, atol=1e-6)


def test_sparse_categorical_crossentropy_rejects_bad_labels_and_shapes():
    with pytest.raises(InvalidArgumentError, match=r"label value of 3 .* \[0, 3\)"):
        losses.sparse_categorical_crossentropy([0, 3], np.full((2, 3), 1 / 3))
    with pytest.raises(InvalidArgumentError, match="label value of -1"):
        losses.sparse_categorical_crossentropy([-1, 0], np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="same shape up until the last dimension"):
        losses.sparse_categorical_crossentropy([0, 1, 2], np.full((2, 3), 1 / 3))


def test_sparse_ignore_class():
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)
    probs = [[0.05, 0.95, 0], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]]
    got = loss([1, 2, -1], probs)
    assert_close(got.numpy(), (0.0512933 + 2.3025851) / 2, atol=1e-6)  # mean over valid only


def test_huber_and_log_cosh_golden():
    assert_close(
        losses.Huber()([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]).numpy(), 0.155, atol=1e-6
    )
    assert_close(
        losses.LogCosh()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]).numpy(),
        math.log(math.cosh(1.0)) / 4,
        atol=1e-6,
    )
    # no overflow for large errors: log(cosh(x)) ~ |x| - log 2
    assert_close(losses.log_cosh([0.0], [200.0]).numpy(), 200.0 - math.log(2.0), rtol=1e-6)


def test_hinge_converts_zero_one_labels():
    got = losses.hinge([[0.0, 1.0]], [[0.3, 0.4]])  # labels -> [-1, 1]
    assert_close(got.numpy(), [(1.3 + 0.6) / 2], atol=1e-6)
    cat = losses.categorical_hinge([[0.0, 1.0, 0.0]], [[0.2, 0.5, 0.9]])
    assert_close(cat.numpy(), [0.9 - 0.5 + 1.0], atol=1e-6)


def test_cosine_similarity():
    got = losses.cosine_similarity(
        [[0.0, 1.0], [1.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0], [-1.0, -1.0]]
    )
    assert_close(got.numpy(), [0.0, -1.0, 1.0], atol=1e-6)


# -- (N,) targets against (N, 1) predictions ----------------------------------------------------
@pytest.mark.parametrize(
    "loss",
    [
        losses.MeanSquaredError(),
        losses.MeanAbsoluteError(),
        losses.BinaryCrossentropy(),
        losses.Huber(),
        losses.LogCosh(),
        losses.MeanSquaredLogarithmicError(),
    ],
)
def test_rank_one_targets_never_broadcast_to_n_by_n(loss):
    t = np.array([0.0, 1.0, 1.0, 0.0])
    p = np.array([[0.1], [0.8], [0.6], [0.3]])
    expected = loss(t[:, None], p)
    assert_close(loss(t, p).numpy(), expected.numpy(), rtol=1e-6)
    assert_close(loss(p, t).numpy(), loss(p, t[:, None]).numpy(), rtol=1e-6)
    per_sample = getattr(losses, loss.name.replace("huber_loss", "huber"))(t, p)
    assert tuple(per_sample.shape) == (4,)


def test_mse_rank_alignment_golden():
    # mean((t - p)**2) with t (4,), p (4, 1): 0.0375; an (N, N) broadcast would give 0.3625
    t = [0.0, 1.0, 1.0, 0.0]
    p = [[0.1], [0.8], [0.7], [0.1]]
    assert_close(losses.MeanSquaredError()(t, p).numpy(), 0.0375, atol=1e-7)


# -- reductions and sample weights --------------------------------------------------------------
def test_reductions():
    t, p = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]  # per sample [0.5, 0.5]
    assert_close(losses.MeanSquaredError()(t, p).numpy(), 0.5)
    assert_close(losses.MeanSquaredError(reduction="sum")(t, p).numpy(), 1.0)
    assert_close(losses.MeanSquaredError(reduction=None)(t, p).numpy(), [0.5, 0.5])
    assert_close(losses.MeanSquaredError(reduction="none")(t, p).numpy(), [0.5, 0.5])
    with pytest.raises(ValueError, match="Invalid value for argument `reduction`"):
        losses.MeanSquaredError(reduction="average")


def test_sample_weights():
    t, p = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]
    mse = losses.MeanSquaredError()
    assert_close(mse(t, p, sample_weight=[0.7, 0.3]).numpy(), (0.35 + 0.15) / 2)
    assert_close(mse(t, p, sample_weight=[[0.7], [0.3]]).numpy(), (0.35 + 0.15) / 2)
    assert_close(mse(t, p, sample_weight=2.0).numpy(), 1.0)
    weighted = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    assert_close(weighted(t, p, sample_weight=[3.0, 1.0]).numpy(), (1.5 + 0.5) / 4.0)
    summed = losses.MeanSquaredError(reduction="sum")
    assert_close(summed(t, p, sample_weight=[0.0, 1.0]).numpy(), 0.5)


def test_custom_loss_subclass():
    class MyMSE(losses.Loss):
        def call(self, y_true, y_pred):
            return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)

    loss = MyMSE()
    assert loss.name == "my_mse" or loss.name.startswith("my_mse")
    assert_close(loss([[1.0, 1.0]], [[0.0, 1.0]]).numpy(), 0.5)


def test_integer_inputs_are_cast_to_the_loss_dtype():
    got = losses.MeanSquaredError()(np.array([1, 2], np.uint8), np.array([1, 4], np.int64))
    assert got.dtype == tf.float32
    assert_close(got.numpy(), 2.0)


# -- gradients through the tape ----------------------------------------------------------------
def numeric_gradient(fn, x, h=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (fn(up) - fn(down)) / (2 * h)
    return grad


GRADIENT_CASES = [
    ("mse", losses.MeanSquaredError(dtype="float64"), Y_TRUE, Y_PRED),
    ("mae", losses.MeanAbsoluteError(dtype="float64"), Y_TRUE, Y_PRED),
    ("huber", losses.Huber(delta=0.3, dtype="float64"), Y_TRUE, Y_PRED),
    ("log_cosh", losses.LogCosh(dtype="float64"), Y_TRUE, Y_PRED),
    ("msle", losses.MeanSquaredLogarithmicError(dtype="float64"), Y_TRUE, Y_PRED),
    ("kld", losses.KLDivergence(dtype="float64"), PROBS, Y_PRED),
    ("bce", losses.BinaryCrossentropy(dtype="float64"), ONE_HOT, Y_PRED),
    (
        "bce_logits",
        losses.BinaryCrossentropy(from_logits=True, dtype="float64"),
        Y_TRUE,
        rng.normal(0, 2, size=(5, 4)),
    ),
    ("cce", losses.CategoricalCrossentropy(dtype="float64"), ONE_HOT, PROBS),
    (
        "cce_logits",
        losses.CategoricalCrossentropy(from_logits=True, dtype="float64"),
        ONE_HOT,
        rng.normal(0, 2, size=(5, 4)),
    ),
    ("scce", losses.SparseCategoricalCrossentropy(dtype="float64"), np.argmax(ONE_HOT, -1), PROBS),
    (
        "scce_logits",
        losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64"),
        np.argmax(ONE_HOT, -1),
        rng.normal(0, 2, size=(5, 4)),
    ),
    (
        "hinge",
        losses.Hinge(dtype="float64"),
        np.where(Y_TRUE > 0.5, 1.0, -1.0),
        rng.normal(0, 2, size=(5, 4)),
    ),
]


@pytest.mark.parametrize("name, loss, t, p", GRADIENT_CASES, ids=[c[0] for c in GRADIENT_CASES])
def test_gradient_matches_finite_differences(name, loss, t, p):
    x = tf.Variable(p.astype(np.float64))
    with tf.GradientTape() as tape:
        value = loss(t, x)
    grad = tape.gradient(value, x)
    assert grad is not None, f"{name}: no gradient reached y_pred"
    expected = numeric_gradient(lambda v: float(loss(t, v)), p.astype(np.float64))
    assert_close(np.asarray(grad), expected, rtol=1e-5, atol=1e-7, what=name)


def test_bce_from_logits_gradient_at_zero_is_sigmoid_minus_target():
    x = tf.Variable([[0.0, 0.0]])
    with tf.GradientTape() as tape:
        value = losses.binary_crossentropy([[1.0, 0.0]], x, from_logits=True)
    assert_close(np.asarray(tape.gradient(value, x)), [[-0.25, 0.25]], atol=1e-7)


# -- look-up and configs ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "name, expected",
    [
        ("mse", losses.mean_squared_error),
        ("MSE", losses.mean_squared_error),
        ("mean_squared_error", losses.mean_squared_error),
        ("mae", losses.mean_absolute_error),
        ("mape", losses.mean_absolute_percentage_error),
        ("msle", losses.mean_squared_logarithmic_error),
        ("binary_crossentropy", losses.binary_crossentropy),
        ("categorical_crossentropy", losses.categorical_crossentropy),
        ("sparse_categorical_crossentropy", losses.sparse_categorical_crossentropy),
        ("kld", losses.kl_divergence),
        ("hinge", losses.hinge),
        ("huber", losses.huber),
        ("log_cosh", losses.log_cosh),
        ("logcosh", losses.log_cosh),
    ],
)
def test_get_function_names(name, expected):
    assert losses.get(name) is expected


def test_get_class_names_and_objects():
    assert isinstance(losses.get("MeanSquaredError"), losses.MeanSquaredError)
    assert isinstance(
        losses.get("SparseCategoricalCrossentropy"), losses.SparseCategoricalCrossentropy
    )
    loss = losses.BinaryCrossentropy()
    assert losses.get(loss) is loss
    assert losses.get(None) is None
    with pytest.raises(ValueError, match="Could not interpret loss identifier: 'foo'"):
        losses.get("foo")


def test_aliases():
    assert losses.mse is losses.MSE is losses.mean_squared_error
    assert losses.mae is losses.mean_absolute_error


@pytest.mark.parametrize(
    "loss",
    [
        losses.MeanSquaredError(reduction="sum"),
        losses.Huber(delta=2.0, name="h"),
        losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
        losses.CategoricalCrossentropy(label_smoothing=0.2, axis=-1),
        losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
        losses.KLDivergence(),
        losses.CosineSimilarity(axis=1),
        losses.LogCosh(),
        losses.LossFunctionWrapper(losses.mean_absolute_error, name="wrapped"),
    ],
)
def test_config_round_trip(loss):
    config = loss.get_config()
    again = type(loss).from_config(config)
    assert again.get_config() == config
    rebuilt = losses.deserialize(losses.serialize(loss))
    assert type(rebuilt) is type(loss) and rebuilt.get_config() == config


def test_default_names_and_defaults():
    assert losses.MeanSquaredError().name == "mean_squared_error"
    assert losses.SparseCategoricalCrossentropy().name == "sparse_categorical_crossentropy"
    assert losses.Huber().name == "huber_loss" and losses.Huber().delta == 1.0
    bce = losses.BinaryCrossentropy()
    assert (bce.from_logits, bce.label_smoothing, bce.reduction) == (
        False,
        0.0,
        "sum_over_batch_size",
    )
    assert losses.serialize(losses.mean_squared_error)["config"] == "mean_squared_error"
