"""keras.optimizers: each optimizer's first steps against a NumPy float64 transcription of
Keras 3's update rule, hand-worked golden values, clipping, weight decay, schedules, string
look-up, config round-trips and the apply_gradients contract."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from tapeflow import keras
from tapeflow.keras import optimizers
from tapeflow.keras.optimizers import schedules

W0 = np.array([[1.0, -2.0, 0.5], [0.0, 3.0, -0.25]])
GRADS = [
    np.array([[0.5, -1.0, 2.0], [0.1, 0.0, -3.0]]),
    np.array([[-0.2, 0.4, 1.0], [0.3, -0.5, 0.7]]),
    np.array([[1.5, 0.1, -0.6], [0.0, 2.0, 0.2]]),
]


# -- NumPy references of Keras 3's update rules (float64) ------------------------------------
def ref_sgd(lr=0.01, momentum=0.0, nesterov=False):
    lr = float(np.float32(lr))  # the learning rate lives in a float32 Variable
    w, v = W0.copy(), np.zeros_like(W0)
    for g in GRADS:
        if momentum:
            v = momentum * v - lr * g
            w = w + (momentum * v - lr * g if nesterov else v)
        else:
            w = w - lr * g
        yield w


def ref_rmsprop(lr=0.001, rho=0.9, momentum=0.0, eps=1e-7, centered=False):
    lr = float(np.float32(lr))  # the learning rate lives in a float32 Variable
    w, v, m, mg = W0.copy(), np.zeros_like(W0), np.zeros_like(W0), np.zeros_like(W0)
    for g in GRADS:
        v = rho * v + (1 - rho) * g * g
        if centered:
            mg = rho * mg + (1 - rho) * g
            inc = lr * g / np.sqrt(v - mg * mg + eps)
        else:
            inc = lr * g / np.sqrt(v + eps)
        if momentum:
            m = momentum * m + inc
            w = w - m
        else:
            w = w - inc
        yield w


def ref_adam(lr=0.001, b1=0.9, b2=0.999, eps=1e-7, amsgrad=False, weight_decay=None):
    lr = float(np.float32(lr))  # the learning rate lives in a float32 Variable
    w, m, v, vhat = W0.copy(), np.zeros_like(W0), np.zeros_like(W0), np.zeros_like(W0)
    for t, g in enumerate(GRADS, start=1):
        if weight_decay is not None:
            w = w - w * weight_decay * lr
        alpha = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        if amsgrad:
            vhat = np.maximum(vhat, v)
            w = w - m * alpha / (np.sqrt(vhat) + eps)
        else:
            w = w - m * alpha / (np.sqrt(v) + eps)
        yield w


def ref_adagrad(lr=0.001, initial=0.1, eps=1e-7):
    lr = float(np.float32(lr))  # the learning rate lives in a float32 Variable
    w, acc = W0.copy(), np.full_like(W0, initial)
    for g in GRADS:
        acc = acc + g * g
        w = w - lr * g / np.sqrt(acc + eps)
        yield w


def ref_adadelta(lr=0.001, rho=0.95, eps=1e-7):
    lr = float(np.float32(lr))  # the learning rate lives in a float32 Variable
    w, ag, ad = W0.copy(), np.zeros_like(W0), np.zeros_like(W0)
    for g in GRADS:
        ag = rho * ag + (1 - rho) * g * g
        delta = -np.sqrt(ad + eps) * g / np.sqrt(ag + eps)
        ad = rho * ad + (1 - rho) * delta * delta
        w = w + lr * delta
        yield w


def ref_adamax(lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    lr = float(np.float32(lr))  # the learning rate lives in a float32 Variable
    w, m, u = W0.copy(), np.zeros_like(W0), np.zeros_like(W0)
    for t, g in enumerate(GRADS, start=1):
        m = m + (g - m) * (1 - b1)
        u = np.maximum(b2 * u, np.abs(g))
        w = w - lr * m / ((1 - b1**t) * (u + eps))
        yield w


def ref_nadam(lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    lr = float(np.float32(lr))  # the learning rate lives in a float32 Variable
    w, m, v, u_product = W0.copy(), np.zeros_like(W0), np.zeros_like(W0), 1.0
    for t, g in enumerate(GRADS, start=1):
        u_t = b1 * (1 - 0.5 * 0.96**t)
        u_next = b1 * (1 - 0.5 * 0.96 ** (t + 1))
        u_product = u_product * u_t
        m = m + (g - m) * (1 - b1)
        v = v + (g * g - v) * (1 - b2)
        m_hat = u_next * m / (1 - u_product * u_next) + (1 - u_t) * g / (1 - u_product)
        v_hat = v / (1 - b2**t)
        w = w - m_hat * lr / (np.sqrt(v_hat) + eps)
        yield w


CASES = [
    ("sgd", lambda: optimizers.SGD(), lambda: ref_sgd()),
    ("sgd_lr", lambda: optimizers.SGD(learning_rate=0.1), lambda: ref_sgd(lr=0.1)),
    ("sgd_momentum", lambda: optimizers.SGD(0.1, momentum=0.9), lambda: ref_sgd(0.1, 0.9)),
    (
        "sgd_nesterov",
        lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        lambda: ref_sgd(0.1, 0.9, True),
    ),
    ("rmsprop", lambda: optimizers.RMSprop(), lambda: ref_rmsprop()),
    (
        "rmsprop_momentum",
        lambda: optimizers.RMSprop(0.01, momentum=0.5),
        lambda: ref_rmsprop(0.01, momentum=0.5),
    ),
    (
        "rmsprop_centered",
        lambda: optimizers.RMSprop(0.01, centered=True),
        lambda: ref_rmsprop(0.01, centered=True),
    ),
    ("adam", lambda: optimizers.Adam(), lambda: ref_adam()),
    (
        "adam_amsgrad",
        lambda: optimizers.Adam(0.01, amsgrad=True),
        lambda: ref_adam(0.01, amsgrad=True),
    ),
    ("adamw", lambda: optimizers.AdamW(0.01), lambda: ref_adam(0.01, weight_decay=0.004)),
    ("adagrad", lambda: optimizers.Adagrad(0.1), lambda: ref_adagrad(0.1)),
    ("adadelta", lambda: optimizers.Adadelta(1.0), lambda: ref_adadelta(1.0)),
    ("adamax", lambda: optimizers.Adamax(0.01), lambda: ref_adamax(0.01)),
    ("nadam", lambda: optimizers.Nadam(0.01), lambda: ref_nadam(0.01)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name, make, reference", CASES, ids=[c[0] for c in CASES])
def test_first_steps_match_keras_update_rule(name, make, reference, dtype):
    expected_steps = list(reference())
    optimizer = make()
    w = tf.Variable(W0.astype(dtype))
    tol = 1e-6 if dtype == "float32" else 1e-12
    for step, (g, expected) in enumerate(zip(GRADS, expected_steps, strict=True), start=1):
        optimizer.apply_gradients([(tf.constant(g.astype(dtype)), w)])
        assert int(optimizer.iterations) == step
        assert_close(w.numpy(), expected, rtol=tol * 10, atol=tol, what=f"{name} step {step}")


# -- hand-worked golden values ----------------------------------------------------------------
def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_rho():
    # 1 - 0.001 * 0.5 / sqrt(0.1 * 0.25 + 1e-7) = 0.996838 (eps inside the root, no bias fix)
    w = tf.Variable(1.0)
    optimizers.RMSprop().apply_gradients([(tf.constant(0.5), w)])
    assert abs(float(w) - 0.99683774) < 1e-6


def test_rmsprop_docstring_example():
    # var = 10, grad = var: 10 - 0.1 * 10 / sqrt(0.1 * 100 + 1e-7) = 9.683772
    w = tf.Variable(10.0)
    optimizers.RMSprop(learning_rate=0.1).apply_gradients([(tf.convert_to_tensor(w), w)])
    assert abs(float(w) - 9.683772) < 1e-5


def test_adam_first_step_is_lr_times_sign():
    w = tf.Variable([1.0, 1.0])
    optimizers.Adam().apply_gradients([(tf.constant([3.0, -0.01]), w)])
    assert_close(w.numpy(), [0.999, 1.001], atol=1e-6)


def test_sgd_plain_step_book_listing():
    w = tf.Variable([[1.0, 2.0]])
    optimizers.SGD(learning_rate=1e-3).apply_gradients(
        zip([tf.constant([[10.0, -20.0]])], [w], strict=True)
    )
    assert_close(w.numpy(), [[0.99, 2.02]], atol=1e-6)


# -- defaults, strings, configs ------------------------------------------------------------------
@pytest.mark.parametrize(
    "identifier, cls, lr",
    [
        ("rmsprop", optimizers.RMSprop, 0.001),
        ("RMSprop", optimizers.RMSprop, 0.001),
        ("adam", optimizers.Adam, 0.001),
        ("Adam", optimizers.Adam, 0.001),
        ("sgd", optimizers.SGD, 0.01),
        ("SGD", optimizers.SGD, 0.01),
        ("adamw", optimizers.AdamW, 0.001),
        ("adagrad", optimizers.Adagrad, 0.001),
        ("adadelta", optimizers.Adadelta, 0.001),
        ("adamax", optimizers.Adamax, 0.001),
        ("nadam", optimizers.Nadam, 0.001),
    ],
)
def test_get_by_name(identifier, cls, lr):
    optimizer = optimizers.get(identifier)
    assert type(optimizer) is cls
    assert abs(float(optimizer.learning_rate.numpy()) - lr) < 1e-9


def test_keras_defaults():
    config = optimizers.RMSprop().get_config()
    assert config["rho"] == 0.9 and config["momentum"] == 0.0 and config["epsilon"] == 1e-7
    assert config["centered"] is False and config["name"] == "rmsprop"
    adam = optimizers.Adam().get_config()
    assert (adam["beta_1"], adam["beta_2"], adam["epsilon"], adam["amsgrad"]) == (
        0.9,
        0.999,
        1e-7,
        False,
    )
    assert optimizers.AdamW().weight_decay == 0.004
    assert optimizers.Adagrad().initial_accumulator_value == 0.1
    assert optimizers.Adadelta().rho == 0.95
    assert optimizers.SGD().get_config()["momentum"] == 0.0


def test_get_rejects_unknown_identifiers():
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier: 'foo'"):
        optimizers.get("foo")
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        optimizers.get(42)
    opt = optimizers.Adam()
    assert optimizers.get(opt) is opt
    assert optimizers.get(None) is None


def test_positional_learning_rate():
    assert float(optimizers.RMSprop(1.0).learning_rate.numpy()) == 1.0
    assert abs(float(optimizers.RMSprop(1e-2).learning_rate.numpy()) - 1e-2) < 1e-9


@pytest.mark.parametrize(
    "make",
    [
        lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True, clipnorm=1.0),
        lambda: optimizers.RMSprop(0.01, rho=0.8, momentum=0.1, centered=True, clipvalue=0.5),
        lambda: optimizers.Adam(0.002, beta_1=0.8, amsgrad=True, global_clipnorm=2.0),
        lambda: optimizers.AdamW(weight_decay=0.01),
        lambda: optimizers.Adagrad(epsilon=1e-6),
        lambda: optimizers.Adadelta(rho=0.9),
        lambda: optimizers.Adamax(beta_2=0.99),
        lambda: optimizers.Nadam(name="n"),
        lambda: optimizers.SGD(schedules.ExponentialDecay(0.1, 100, 0.5, staircase=True)),
    ],
)
def test_config_round_trip(make):
    optimizer = make()
    config = optimizer.get_config()
    again = type(optimizer).from_config(config)
    assert again.get_config() == config
    rebuilt = optimizers.deserialize(optimizers.serialize(optimizer))
    assert type(rebuilt) is type(optimizer) and rebuilt.get_config() == config


def test_unknown_arguments_and_bad_values_raise():
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.Adam(lr=0.1)
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.SGD(learning_rate="fast")
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)


# -- the apply contract ------------------------------------------------------------------------
def test_variables_iterations_and_slot_layout():
    a, b = tf.Variable([1.0, 2.0], name="a"), tf.Variable([[3.0]], name="b")
    optimizer = optimizers.Adam()
    assert optimizer.iterations.dtype == tf.int64 and not optimizer.iterations.trainable
    optimizer.apply_gradients(
        zip([tf.constant([1.0, 1.0]), tf.constant([[1.0]])], [a, b], strict=True)
    )
    names = [v.name for v in optimizer.variables]
    assert len(names) == 2 + 4  # iteration, learning_rate, 2 momentums, 2 velocities
    assert names[0].startswith("iteration") and names[1].startswith("learning_rate")
    # Keras 3 interleaves the slots variable by variable (m_a, v_a, m_b, v_b): saved
    # optimizer states (optimizer/vars/2, 3, ...) follow this order.
    assert ["momentum" in n for n in names[2:]] == [True, False, True, False]
    assert [tuple(v.shape) for v in optimizer.variables[2:]] == [(2,), (2,), (1, 1), (1, 1)]
    optimizer.apply_gradients(
        zip([tf.constant([1.0, 1.0]), tf.constant([[1.0]])], [a, b], strict=True)
    )
    assert len(optimizer.variables) == 6 and int(optimizer.iterations) == 2


def test_none_gradients_are_skipped_with_a_warning():
    a, b = tf.Variable(1.0, name="a"), tf.Variable(2.0, name="b")
    optimizer = optimizers.SGD(0.5)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        optimizer.apply_gradients([(tf.constant(1.0), a), (None, b)])
    assert float(a) == 0.5 and float(b) == 2.0
    with pytest.raises(ValueError, match="No gradients provided"):
        optimizer.apply_gradients([(None, a)])


def test_apply_without_variables_uses_the_built_ones():
    w = tf.Variable([1.0])
    optimizer = optimizers.SGD(1.0)
    with pytest.raises(ValueError, match="must already be built"):
        optimizer.apply([tf.constant([1.0])])
    optimizer.build([w])
    optimizer.apply([tf.constant([0.25])])
    assert_close(w.numpy(), [0.75])


def test_new_variables_after_build_get_their_own_slots():
    # The book reuses one RMSprop for a second model (listing 7.x): Keras 2 allowed it.
    first, second = tf.Variable([1.0]), tf.Variable([5.0, 6.0])
    optimizer = optimizers.RMSprop(0.1)
    optimizer.apply_gradients([(tf.constant([1.0]), first)])
    optimizer.apply_gradients([(tf.constant([0.5, 0.5]), second)])
    reference = list(ref_rmsprop_single(np.array([5.0, 6.0]), np.array([0.5, 0.5]), 0.1))
    assert_close(second.numpy(), reference[0], atol=1e-6)
    assert len(optimizer.variables) == 2 + 2


def ref_rmsprop_single(w, g, lr, rho=0.9, eps=1e-7):
    v = (1 - rho) * g * g
    yield w - lr * g / np.sqrt(v + eps)


def test_gradients_accept_numpy_arrays_and_float64_variables():
    w = tf.Variable(np.array([1.0, 2.0]))
    optimizers.SGD(0.5).apply_gradients([(np.array([1.0, -1.0]), w)])
    assert w.dtype == tf.float64
    assert_close(w.numpy(), [0.5, 2.5])


# -- clipping, weight decay, moving averages, accumulation ------------------------------------
def test_clipnorm_scales_each_gradient_to_the_norm():
    w = tf.Variable([0.0, 0.0])
    optimizers.SGD(1.0, clipnorm=1.0).apply_gradients([(tf.constant([3.0, 4.0]), w)])
    assert_close(w.numpy(), [-0.6, -0.8], atol=1e-6)
    z = tf.Variable([1.0, 1.0])  # a zero gradient stays zero (no 0/0)
    optimizers.SGD(1.0, clipnorm=1.0).apply_gradients([(tf.constant([0.0, 0.0]), z)])
    assert_close(z.numpy(), [1.0, 1.0])


def test_clipvalue_clips_each_element():
    w = tf.Variable([0.0, 0.0, 0.0])
    optimizers.SGD(1.0, clipvalue=0.5).apply_gradients([(tf.constant([3.0, -4.0, 0.1]), w)])
    assert_close(w.numpy(), [-0.5, 0.5, -0.1], atol=1e-7)


def test_global_clipnorm_scales_all_gradients_together():
    a, b = tf.Variable([0.0]), tf.Variable([0.0])
    optimizers.SGD(1.0, global_clipnorm=1.0).apply_gradients(
        [(tf.constant([3.0]), a), (tf.constant([4.0]), b)]
    )
    assert_close(a.numpy(), [-0.6], atol=1e-6)
    assert_close(b.numpy(), [-0.8], atol=1e-6)


def test_weight_decay_is_decoupled_and_excludable():
    a, b = tf.Variable([1.0], name="kernel"), tf.Variable([1.0], name="bias")
    optimizer = optimizers.SGD(0.1, weight_decay=0.5)
    optimizer.exclude_from_weight_decay(var_names=["bias"])
    optimizer.apply_gradients([(tf.constant([0.0]), a), (tf.constant([0.0]), b)])
    assert_close(a.numpy(), [1.0 - 1.0 * 0.5 * 0.1])
    assert_close(b.numpy(), [1.0])


def test_ema_tracks_a_moving_average():
    w = tf.Variable([0.0])
    optimizer = optimizers.SGD(1.0, use_ema=True, ema_momentum=0.5)
    optimizer.apply_gradients([(tf.constant([-1.0]), w)])  # w = 1, average = 1 (first step)
    optimizer.apply_gradients([(tf.constant([-1.0]), w)])  # w = 2, average = 0.5 + 1 = 1.5
    optimizer.finalize_variable_values([w])
    assert_close(w.numpy(), [1.5])


def test_gradient_accumulation_updates_every_n_steps_with_the_mean():
    w = tf.Variable([0.0])
    optimizer = optimizers.SGD(1.0, gradient_accumulation_steps=2)
    optimizer.apply_gradients([(tf.constant([1.0]), w)])
    assert_close(w.numpy(), [0.0])
    optimizer.apply_gradients([(tf.constant([3.0]), w)])
    assert_close(w.numpy(), [-2.0])
    assert int(optimizer.iterations) == 1


def test_loss_scale_factor_unscales_gradients():
    w = tf.Variable([0.0])
    optimizers.SGD(1.0, loss_scale_factor=4.0).apply_gradients([(tf.constant([8.0]), w)])
    assert_close(w.numpy(), [-2.0])


# -- learning rate and schedules ----------------------------------------------------------------
def test_learning_rate_is_a_settable_variable():
    optimizer = optimizers.Adam(0.01)
    optimizer.learning_rate = 0.5
    assert abs(float(optimizer.learning_rate.numpy()) - 0.5) < 1e-9
    assert optimizer.learning_rate in optimizer.variables


def test_schedule_is_evaluated_at_iterations():
    schedule = schedules.PiecewiseConstantDecay([1], [1.0, 0.1])
    w = tf.Variable([0.0])
    optimizer = optimizers.SGD(schedule)
    assert len(optimizer.variables) == 1  # no learning-rate variable
    for _ in range(3):
        optimizer.apply_gradients([(tf.constant([1.0]), w)])
    # steps 0 and 1 use 1.0 (step <= boundary), step 2 uses 0.1
    assert_close(w.numpy(), [-2.1], atol=1e-6)
    with pytest.raises(TypeError, match="not settable"):
        optimizer.learning_rate = 0.1


def test_exponential_decay():
    s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    assert_close(s(5).numpy(), 0.1 * 0.5**0.5, atol=1e-7)
    stairs = schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)
    assert_close(stairs(15).numpy(), 0.05, atol=1e-7)
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, 0, 0.5)


def test_inverse_time_decay():
    s = schedules.InverseTimeDecay(0.1, decay_steps=1.0, decay_rate=0.5)
    assert_close(s(4).numpy(), 0.1 / 3.0, atol=1e-7)
    stairs = schedules.InverseTimeDecay(0.1, 2, 0.5, staircase=True)
    assert_close(stairs(3).numpy(), 0.1 / 1.5, atol=1e-7)


def test_piecewise_constant_decay():
    s = schedules.PiecewiseConstantDecay([100000, 110000], [1.0, 0.5, 0.1])
    values = [float(s(step)) for step in (0, 100000, 100001, 110000, 110001)]
    assert_close(values, [1.0, 1.0, 0.5, 0.5, 0.1])
    with pytest.raises(ValueError, match="1 less than"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0])


def test_cosine_decay_with_and_without_warmup():
    s = schedules.CosineDecay(1.0, decay_steps=10, alpha=0.1)
    for step in (0, 5, 10, 20):
        expected = 0.9 * 0.5 * (1 + math.cos(math.pi * min(step, 10) / 10)) + 0.1
        assert_close(s(step).numpy(), expected, atol=1e-6)
    warm = schedules.CosineDecay(0.0, 10, warmup_target=1.0, warmup_steps=4)
    assert_close(warm(2).numpy(), 0.5, atol=1e-6)
    assert_close(warm(4).numpy(), 1.0, atol=1e-6)
    assert_close(warm(9).numpy(), 0.5, atol=1e-6)


def test_schedule_serialization():
    s = schedules.CosineDecay(0.1, 100, alpha=0.2)
    config = schedules.serialize(s)
    assert config["class_name"] == "CosineDecay"
    again = schedules.deserialize(config)
    assert again.get_config() == s.get_config()


# -- the tape and the Keras namespace ------------------------------------------------------------
def test_minimize_with_a_callable_loss():
    w = tf.Variable(3.0)
    optimizer = optimizers.SGD(0.25)
    optimizer.minimize(lambda: w * w, [w])  # grad 6: 3 - 1.5
    assert abs(float(w) - 1.5) < 1e-6


def test_training_loop_with_gradient_tape_reduces_a_quadratic():
    w = tf.Variable([[4.0], [-3.0]])
    optimizer = keras.optimizers.Adam(0.1)
    for _ in range(100):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(w))
        grads = tape.gradient(loss, [w])
        optimizer.apply_gradients(zip(grads, [w], strict=True))
    assert float(tf.reduce_sum(tf.square(w))) < 0.05
