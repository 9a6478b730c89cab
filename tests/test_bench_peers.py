"""benchmarks/_peers_fit.py and the fit workloads its peers share (_fit_workloads.py): the checks
that guard every peer's timings, and the child-process runner, exercised with the NumPy peer
(always importable) on small inputs."""

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "benchmarks"))

import _fit_workloads  # noqa: E402
import _peers_fit  # noqa: E402
import _peers_fit_numpy  # noqa: E402


def _one_sgd_step(x, y, w, b, learning_rate=0.01):
    error = x @ w + b - y
    grad = 2.0 * error / error.size
    return w - learning_rate * x.T @ grad, b - learning_rate * grad.sum(0)


def test_tiny_step_check_accepts_the_sgd_step_and_rejects_another():
    x, y = _fit_workloads.tiny_data(8)
    rng = np.random.default_rng(3)
    w0, b0 = _fit_workloads.glorot_uniform(rng, 8, 8), np.full(8, 0.1, np.float32)
    w1, b1 = _one_sgd_step(x, y, w0, b0)
    _fit_workloads.check_tiny_sgd_step(x, y, w0, b0, w1, b1)
    with pytest.raises(AssertionError):
        _fit_workloads.check_tiny_sgd_step(x, y, w0, b0, *_one_sgd_step(x, y, w0, b0, 0.02))
    with pytest.raises(AssertionError):
        _fit_workloads.check_tiny_sgd_step(x, y, w0, b0, w1, b0)


def test_numpy_mnist_loss_falls_and_epochs_are_timed():
    x, y = _fit_workloads.mnist_like_data(384)
    seconds, losses = _peers_fit_numpy.mnist_epochs(x, y, epochs=3, threads=1)
    assert len(seconds) == len(losses) == 3
    assert losses[-1] < losses[0]
    assert all(wall > 0 and cpu >= 0 for wall, cpu in seconds)


def test_runner_returns_child_figures():
    result = _peers_fit.measure("numpy", "tiny", threads=1, rows=160, repeats=1)
    assert result["loop"][0] > 0 and result["loop"][1] > 0
    result = _peers_fit.measure("numpy", "mnist", threads=1, rows=384, epochs=2)
    assert result["losses"][-1] < result["losses"][0]
    assert result["seconds"][0] > 0


def test_runner_skips_a_missing_workload_or_library(monkeypatch):
    assert _peers_fit.measure("torch.compile", "tiny", threads=1, rows=80) is None
    monkeypatch.setitem(_peers_fit.PEER_MODULES, "jax", "no_such_module_for_tapeflow_tests")
    assert _peers_fit.measure("jax", "mnist", threads=1, rows=640) is None


def test_runner_reports_a_failing_child():
    # One epoch cannot show the loss falling: the child's check fails, and the runner says why.
    result = _peers_fit.measure("numpy", "mnist", threads=1, rows=384, epochs=1)
    assert "loss did not fall" in result["error"]


def test_epoch_seconds_are_medians_after_the_warm_up_epoch_and_need_a_falling_loss():
    seconds = [(9.0, 9.0), (1.0, 2.0), (3.0, 1.0), (2.0, 5.0)]  # (wall, cpu); the first warms up
    assert _fit_workloads.epoch_seconds("numpy", seconds, [3.0, 2.0, 1.0, 0.5]) == (2.0, 2.0)
    with pytest.raises(AssertionError, match="numpy: the MNIST loss did not fall"):
        _fit_workloads.epoch_seconds("numpy", seconds, [1.0, 2.0, 3.0, 1.0])


def test_steps_per_second_needs_a_falling_loss():
    losses = iter([3.0, 2.0, 1.0])  # warm-up, one timed epoch, last

    def epoch():
        sum(range(10_000))  # some work, so that the CPU clock moves
        return next(losses)

    wall, cpu = _fit_workloads.steps_per_second(epoch, steps=10, repeats=1)
    assert wall > 0 and cpu > 0
    with pytest.raises(AssertionError, match="loss did not fall"):
        _fit_workloads.steps_per_second(lambda: 1.0, steps=10, repeats=1)
