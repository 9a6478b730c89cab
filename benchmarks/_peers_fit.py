"""bench_fit's two workloads (_fit_workloads) run by each peer the way an expert user of that
library writes them fast, one peer and thread count per child process so that thread pools never
share a process:

- MNIST-shaped (784-512 relu-10 softmax, rmsprop lr 1e-3 rho 0.9 eps 1e-7 as Keras, sparse
  categorical cross-entropy, accuracy, batch 128): per-epoch (wall, CPU) seconds and mean loss.
- tiny (Dense(8) on 8 features, batch 8, SGD 0.01, mse): (wall, CPU) steps per second for each
  way the library trains it (fit, eager loop, compiled loop).

Peers, one module each: tapeflow (bench_fit's own runs), TensorFlow/Keras (_peers_fit_tensorflow),
PyTorch eager and torch.compile (_peers_fit_torch, whose eager loops bench_fit also times), JAX
(_peers_fit_jax) and NumPy by hand (_peers_fit_numpy). This file is the driver they share.

Each child checks before it times: one tiny SGD step equals the NumPy step worked by hand, and
the loss falls over the epochs. A peer that is not importable is skipped (None).

Run one child by hand: python benchmarks/_peers_fit.py --peer jax --workload mnist --threads 1
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys

import _peers_fit_jax
import _peers_fit_numpy
import _peers_fit_tensorflow
import _peers_fit_torch
import bench_fit
from _fit_workloads import MNIST_ROWS, TINY_ROWS, epoch_seconds, mnist_like_data, tiny_data

import tapeflow

PEER_MODULES = {
    "tapeflow": "tapeflow",
    "tensorflow": "tensorflow",
    "torch": "torch",
    "torch.compile": "torch",
    "jax": "jax",
    "numpy": "numpy",
}


# peer -> fn(x, y, epochs, threads) -> ([(wall, CPU) seconds per epoch], [mean loss per epoch])
MNIST = {
    "tapeflow": bench_fit.tapeflow_mnist_epochs,
    "tensorflow": _peers_fit_tensorflow.mnist_epochs,
    "torch": _peers_fit_torch.mnist_epochs,
    "torch.compile": _peers_fit_torch.compiled_mnist_epochs,
    "jax": _peers_fit_jax.mnist_epochs,
    "numpy": _peers_fit_numpy.mnist_epochs,
}
# peer -> fn(x, y, repeats, threads) -> {style: (wall, CPU) steps per second}
TINY = {
    "tapeflow": bench_fit.tapeflow_tiny_rates,
    "tensorflow": _peers_fit_tensorflow.tiny_rates,
    "torch": _peers_fit_torch.tiny_rates,
    "jax": _peers_fit_jax.tiny_rates,
    "numpy": _peers_fit_numpy.tiny_rates,
}


def child(peer: str, workload: str, threads: int, rows: int, epochs: int, repeats: int) -> dict:
    if workload == "mnist":
        x, y = mnist_like_data(rows)
        seconds, losses = MNIST[peer](x, y, epochs, threads)
        losses = [float(v) for v in losses]
        per_epoch = [float(s) * MNIST_ROWS / rows for s in epoch_seconds(peer, seconds, losses)]
        return {"seconds": per_epoch, "losses": losses}
    x, y = tiny_data(rows)
    return TINY[peer](x, y, repeats, threads)


def available(peer: str) -> bool:
    return importlib.util.find_spec(PEER_MODULES[peer]) is not None


def measure(peer: str, workload: str, threads: int, rows: int, epochs: int = 4, repeats: int = 5):
    """Runs one peer's workload in a child process limited to `threads`; None when the peer is
    not importable or has no such workload, {"error": text} when the child failed. MNIST:
    {"seconds": [wall, cpu] per epoch scaled to 60000 rows, "losses": [...]}; tiny:
    {style: [wall, cpu] steps per second}."""
    if not available(peer) or peer not in (MNIST if workload == "mnist" else TINY):
        return None
    env = dict(os.environ)
    env.update(OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    if threads == 1:  # XLA's CPU runtime otherwise uses every core
        flags = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        env["XLA_FLAGS"] = f"{env.get('XLA_FLAGS', '')} {flags}".strip()
    here = os.path.dirname(os.path.abspath(__file__))
    # The child imports the tapeflow this process imported (a built source tree or the
    # installed wheel), never an unbuilt pyfront/ beside the scripts.
    tapeflow_home = os.path.dirname(os.path.dirname(os.path.abspath(tapeflow.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (here, tapeflow_home, env.get("PYTHONPATH")) if p
    )
    command = [sys.executable, os.path.abspath(__file__), "--peer", peer, "--workload", workload]
    arguments = ["--threads", str(threads), "--rows", str(rows), "--epochs", str(epochs)]
    done = subprocess.run(
        [*command, *arguments, "--repeats", str(repeats)], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--peer", choices=sorted(PEER_MODULES), required=True)
    parser.add_argument("--workload", choices=["mnist", "tiny"], required=True)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rows", type=int, default=None, help="60000 (mnist) or 8000 (tiny)")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if args.rows is None:
        args.rows = MNIST_ROWS if args.workload == "mnist" else TINY_ROWS
    result = child(args.peer, args.workload, args.threads, args.rows, args.epochs, args.repeats)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
