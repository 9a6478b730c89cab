"""The fused optimizer kernels (one C++ call for every variable, csrc/ops/optimizer.cpp)
against the Python `update_step` of each optimizer, which stays the reference: every family
and configuration, float32 and float64, odd sizes, a variable large enough to be split over
threads, 1 and 2 threads; when the fused path applies and when it falls back; copy-on-write;
and the C++ argument checks."""

from __future__ import annotations

import numpy as np
import pytest

import tapeflow as tf
from helpers import assert_close
from tapeflow import _C, errors
from tapeflow.keras import optimizers
from tapeflow.keras.optimizers import _fused, schedules

# Shapes: a scalar, odd sizes (vector tails), an empty one, and one above the threading grain.
SHAPES = [(), (7,), (3, 5), (0, 4), (300, 257)]

CONFIGS = [
    ("sgd", lambda: optimizers.SGD(0.1)),
    ("sgd_momentum", lambda: optimizers.SGD(0.1, momentum=0.9)),
    ("sgd_nesterov", lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True)),
    ("rmsprop", lambda: optimizers.RMSprop(0.01)),
    ("rmsprop_momentum", lambda: optimizers.RMSprop(0.01, momentum=0.5)),
    ("rmsprop_centered", lambda: optimizers.RMSprop(0.01, centered=True)),
    ("rmsprop_centered_momentum", lambda: optimizers.RMSprop(0.01, momentum=0.3, centered=True)),
    ("adam", lambda: optimizers.Adam(0.01)),
    ("adam_amsgrad", lambda: optimizers.Adam(0.01, amsgrad=True)),
    ("adamw", lambda: optimizers.AdamW(0.01)),
    ("adagrad", lambda: optimizers.Adagrad(0.1)),
    ("adadelta", lambda: optimizers.Adadelta(1.0)),
    ("adamax", lambda: optimizers.Adamax(0.01)),
    ("nadam", lambda: optimizers.Nadam(0.01)),
    ("rmsprop_schedule", lambda: optimizers.RMSprop(schedules.ExponentialDecay(0.01, 2, 0.5))),
    ("sgd_clipnorm", lambda: optimizers.SGD(0.1, momentum=0.9, clipnorm=0.5)),
    ("adam_global_clipnorm", lambda: optimizers.Adam(0.01, global_clipnorm=0.1)),
    ("adam_ema", lambda: optimizers.Adam(0.01, use_ema=True, ema_overwrite_frequency=2)),
    ("rmsprop_accumulation", lambda: optimizers.RMSprop(0.01, gradient_accumulation_steps=2)),
]


def _train(make, dtype, fused: bool, monkeypatch, steps=4):
    """`steps` updates of one variable per SHAPES entry from fixed random values; returns the
    variables' values and the optimizer's variables (slots included) as arrays."""
    rng = np.random.default_rng(7)
    variables = [tf.Variable(rng.normal(size=s).astype(dtype)) for s in SHAPES]
    grads = [[rng.normal(size=s).astype(dtype) for s in SHAPES] for _ in range(steps)]
    optimizer = make()
    calls = []
    with monkeypatch.context() as patch:
        if fused:
            real = _fused.writable
            patch.setattr(_fused, "writable", lambda vs: calls.append(1) or real(vs))
        else:
            patch.setattr(_fused, "applies", lambda *_: False)
        for step_grads in grads:
            optimizer.apply_gradients(
                zip([tf.constant(g) for g in step_grads], variables, strict=True)
            )
    assert bool(calls) == fused, "the fused path was not taken" if fused else "fused ran"
    return [v.numpy() for v in variables], [v.numpy() for v in optimizer.variables]


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name, make", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_fused_update_matches_update_step(name, make, dtype, threads, monkeypatch):
    before = tf.config.threading.get_intra_op_parallelism_threads()
    tf.config.threading.set_intra_op_parallelism_threads(threads)
    try:
        fused_values, fused_state = _train(make, dtype, True, monkeypatch)
        ref_values, ref_state = _train(make, dtype, False, monkeypatch)
    finally:
        tf.config.threading.set_intra_op_parallelism_threads(before)
    tol = 2e-6 if dtype == "float32" else 1e-13
    for shape, got, expected in zip(SHAPES, fused_values, ref_values, strict=True):
        assert_close(got, expected, rtol=tol, atol=tol, what=f"{name} variable {shape}")
    assert len(fused_state) == len(ref_state)
    for i, (got, expected) in enumerate(zip(fused_state, ref_state, strict=True)):
        assert_close(got, expected, rtol=tol, atol=tol, what=f"{name} optimizer variable {i}")


def test_a_value_read_before_the_step_keeps_its_values():
    w = tf.Variable([1.0, 2.0])
    optimizer = optimizers.RMSprop(0.1)
    optimizer.build([w])
    velocity_before = optimizer._velocities[0].value()
    read = w.value()
    optimizer.apply_gradients([(tf.constant([1.0, 1.0]), w)])
    assert_close(read.numpy(), [1.0, 2.0], atol=0)  # the step copied instead of writing in place
    assert_close(velocity_before.numpy(), [0.0, 0.0], atol=0)
    assert not np.allclose(w.numpy(), [1.0, 2.0])
    assert_close(optimizer._velocities[0].numpy(), [0.1, 0.1], rtol=1e-6)


class _HalvedSGD(optimizers.SGD):
    def update_step(self, gradient, variable, learning_rate):
        super().update_step(gradient * 0.5, variable, learning_rate)


def test_falls_back_to_update_step_where_the_kernel_does_not_apply():
    # A subclass overriding update_step: its own maths runs.
    w = tf.Variable([1.0])
    _HalvedSGD(1.0).apply_gradients([(tf.constant([1.0]), w)])
    assert_close(w.numpy(), [0.5], atol=0)
    # A float64 gradient for a float32 variable is cast, as update_step does.
    w = tf.Variable([1.0])
    optimizers.SGD(1.0).apply_gradients([(tf.constant(np.array([1.0])), w)])
    assert_close(w.numpy(), [0.0], atol=0)
    # A variable listed twice is updated twice.
    w = tf.Variable([1.0])
    optimizers.SGD(1.0).apply_gradients([(tf.constant([1.0]), w), (tf.constant([2.0]), w)])
    assert_close(w.numpy(), [-2.0], atol=0)
    # A NumPy gradient converts first.
    w = tf.Variable([1.0])
    optimizers.SGD(1.0).apply_gradients([(np.array([1.0], np.float32), w)])
    assert_close(w.numpy(), [0.0], atol=0)


def _values(*arrays):
    return [tf.constant(np.asarray(a, np.float32)) for a in arrays]


def test_kernel_checks_its_arguments():
    w, g = _values([1.0, 2.0], [0.5, 0.5])
    with pytest.raises(errors.InvalidArgumentError, match="received 2 gradients for 1"):
        _C.sgd_update([w], [g, g], [], 0.1, 0.0, False)
    with pytest.raises(errors.InvalidArgumentError, match="shape"):
        _C.sgd_update([w], _values([1.0]), [], 0.1, 0.0, False)
    with pytest.raises(errors.InvalidArgumentError, match="dtype"):
        _C.sgd_update([w], [tf.constant(np.array([1.0, 2.0]))], [], 0.1, 0.0, False)
    with pytest.raises(errors.InvalidArgumentError, match="float32 or float64"):
        _C.sgd_update([tf.constant([1, 2])], [tf.constant([1, 2])], [], 0.1, 0.0, False)
    with pytest.raises(errors.InvalidArgumentError, match="slot list 0 holds 0"):
        _C.sgd_update([w], [g], [], 0.1, 0.9, False)  # momentum needs its slots
    with pytest.raises(errors.InvalidArgumentError, match="shares memory"):
        _C.sgd_update([w], [w], [], 0.1, 0.0, False)
    with pytest.raises(errors.InvalidArgumentError, match="shares memory"):
        _C.sgd_update([w, w], [g, g], [], 0.1, 0.0, False)
    with pytest.raises(errors.InvalidArgumentError, match="shares memory"):
        _C.sgd_update([w], [g], [w], 0.1, 0.9, False)
    matrix = tf.constant(np.ones((3, 4), np.float32))
    with pytest.raises(errors.InvalidArgumentError, match="contiguous"):
        _C.sgd_update([tf.transpose(matrix)], [tf.ones((4, 3))], [], 0.1, 0.0, False)
    with pytest.raises(errors.InvalidArgumentError, match="slot list 0 holds 0 tensors"):
        _C.rmsprop_update([w], [g], [], [], [], 0.1, 0.9, 0.0, 1e-7, False)


def test_kernel_checks_its_step_scalars():
    # The learning rate, step count and Nadam's U_t: numbers or 0-d numeric tensors.
    w, g, m, v = _values([1.0, 2.0], [0.5, 0.5], [0.0, 0.0], [0.0, 0.0])
    with pytest.raises(TypeError, match="learning_rate must be a number or a 0-d tensor, got str"):
        _C.sgd_update([w], [g], [], "0.1", 0.0, False)
    with pytest.raises(errors.InvalidArgumentError, match="learning_rate must be a 0-d numeric"):
        _C.sgd_update([w], [g], [], tf.constant([0.1, 0.2]), 0.0, False)
    with pytest.raises(errors.InvalidArgumentError, match="learning_rate must be a 0-d numeric"):
        _C.sgd_update([w], [g], [], tf.constant(True), 0.0, False)
    with pytest.raises(TypeError, match="iterations must be a number or a 0-d tensor"):
        _C.adam_update([w], [g], [m], [v], [], 0.1, "1", 0.9, 0.99, 1e-7, False)
    with pytest.raises(errors.InvalidArgumentError, match="U_t is missing"):
        _C.nadam_update([w], [g], [m], [v], 0.1, 0, None, 0.9, 0.99, 1e-7)
    with pytest.raises(errors.InvalidArgumentError, match="u_product must be a 0-d numeric"):
        _C.nadam_update([w], [g], [m], [v], 0.1, 0, tf.constant([[1.0]]), 0.9, 0.99, 1e-7)
