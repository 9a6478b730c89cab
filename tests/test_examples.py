"""examples/: every script runs with --quick in its own process, with the network cut off (every
HTTP(S) request goes to a closed local port) and an empty Keras cache, so each book dataset
falls back to its scikit-learn stand-in. Each must exit 0, say that it fell back, and print
its key results. The scripts run side by side (they are independent) to keep the total short.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import tapeflow

pytest.importorskip("sklearn", reason="the examples' offline data comes from scikit-learn")

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
CLOSED_PORT = "http://127.0.0.1:9"  # the discard port: nothing listens, connections are refused


def notice(dataset):
    return f"NOTICE: the {dataset} dataset could not be downloaded"


# script -> regular expressions its output must match, in order
EXPECTED = {
    "first_model.py": [r"Using scikit-learn's bundled digits", r"test_acc: 0\.\d{4}"],
    "ch2_model_from_scratch.py": [notice("mnist"), r"Epoch 1\n", r"accuracy: \d\.\d\d"],
    "ch3_linear_classifier.py": [
        r"Loss at step 19: 0\.0\d{3}",
        r"on the right side of the line: 0\.9\d\d",
    ],
    "ch4_imdb.py": [
        notice("imdb"),
        r"first review: \? mean_radius:decile\d",
        r"history keys: \['acc', 'loss', 'val_acc', 'val_loss'\]",
        r"test loss, test accuracy: \[0\.\d+, 0\.\d+\]",
        r"predictions: \[",
    ],
    "ch4_reuters.py": [
        notice("reuters"),
        r"400 training and 100 test newswires",
        r"test loss, test accuracy: \[",
        r"random baseline accuracy",
        r"prediction shape \(46,\), sums to 1\.0000",
        r"bottleneck model: best val_accuracy",
    ],
    "ch4_boston_housing.py": [
        notice("boston_housing"),
        r"processing fold #3",
        r"all_scores \[.*\] mean \d+\.\d{4}",
        r"test_mae_score \d+\.\d{4}",
    ],
    "ch5_regularization.py": [notice("imdb")]
    + [
        rf"{name} +\d\.\d{{4}} +\d +\d\.\d{{4}}"
        for name in ("original", "smaller", "larger", "l2", "dropout")
    ],
    "ch7_model_building.py": [
        r'Model: "my_example_model"',
        r"predictions: \(128, 1\) \(128, 4\)",
        r"new_model outputs: \['priority', 'department', 'difficulty'\]",
        r"subclassed model predictions: \(128, 1\) \(128, 4\)",
        r"functional model around a subclassed one: \(None, 10\)",
        r"subclassed model around a functional one: \(2, 1\)",
    ],
    "ch7_metrics_callbacks.py": [
        notice("mnist"),
        r"test loss, accuracy, rmse: \[",
        r"EarlyStopping: trained [12] epochs",
        r"reloaded the best model: test loss, accuracy: \[",
        r"LossHistory: epoch 1, 16 batch losses",
    ],
    "ch7_custom_training.py": [
        notice("mnist"),
        r"result: 1\.00",
        r"Mean of values: 2\.00",
        r"Results at the end of epoch 0:\n\.\.\.sparse_categorical_accuracy",
        r"Evaluation results \(tf\.function\):\n\.\.\.val_sparse",
        r"custom train_step, loss by epoch",
        r"compiled_loss train_step, final logs",
    ],
}


def run_example(script, workdir):
    """Runs examples/<script> --quick offline in `workdir`; returns (exit code, output, s)."""
    os.makedirs(workdir, exist_ok=True)
    env = dict(os.environ)
    for name in ("no_proxy", "NO_PROXY"):
        env.pop(name, None)
    package_root = os.path.dirname(os.path.dirname(os.path.abspath(tapeflow.__file__)))
    env.update(
        http_proxy=CLOSED_PORT,
        https_proxy=CLOSED_PORT,
        HTTP_PROXY=CLOSED_PORT,
        HTTPS_PROXY=CLOSED_PORT,
        KERAS_HOME=os.path.join(workdir, "keras_home"),
        MPLBACKEND="Agg",
        PYTHONPATH=os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")])),
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, os.path.join(EXAMPLES, script), "--quick"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode, done.stdout + done.stderr, time.perf_counter() - start


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every example run once, two or three at a time."""
    root = tmp_path_factory.mktemp("examples")
    workers = max(2, min(4, os.cpu_count() or 2))
    with ThreadPoolExecutor(workers) as pool:
        futures = {
            script: pool.submit(run_example, script, str(root / script[:-3])) for script in EXPECTED
        }
        return {script: (future.result(), root / script[:-3]) for script, future in futures.items()}


def test_every_example_is_listed_and_documented():
    scripts = sorted(f for f in os.listdir(EXAMPLES) if re.match(r"(ch\d_.*|first_model)\.py$", f))
    assert scripts == sorted(EXPECTED)
    with open(os.path.join(EXAMPLES, "README.md")) as readme:
        listed = readme.read()
    assert all(script in listed for script in scripts)


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_runs_offline(runs, script):
    (code, output, seconds), _ = runs[script]
    assert code == 0, f"{script} exited {code} after {seconds:.1f}s:\n{output[-4000:]}"
    position = 0
    for pattern in EXPECTED[script]:
        match = re.compile(pattern).search(output, position)
        assert match, f"{script}: no {pattern!r} after position {position} in:\n{output}"
        position = match.end()


def test_tensorboard_logs_from_the_callbacks_example(runs):
    pytest.importorskip("tensorboard")
    _, workdir = runs["ch7_metrics_callbacks.py"]
    for run in ("train", "validation"):
        files = os.listdir(workdir / "logs" / run)
        assert any(name.startswith("events.out.tfevents.") for name in files), files
