"""Wall time of `import tapeflow` in a fresh interpreter, beside NumPy (which tapeflow imports,
so it is the floor) and PyTorch when installed. Median of several runs.

Run: python benchmarks/bench_import.py [--repeats N]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys

from _timing import print_table

_PROBE = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"


def import_seconds(module: str, repeats: int) -> float:
    """Median seconds of `import module` (interpreter start-up excluded)."""
    env = dict(os.environ)
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pyfront")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (here, env.get("PYTHONPATH")) if p)
    samples = []
    for _ in range(repeats):
        result = subprocess.run(
            [sys.executable, "-c", _PROBE.format(module)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        samples.append(float(result.stdout.strip().splitlines()[-1]))
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    rows = []
    for module in ("numpy", "tapeflow", "torch"):
        if module != "tapeflow" and importlib.util.find_spec(module) is None:
            continue
        rows.append([f"import {module}", f"{import_seconds(module, args.repeats):.3f}"])
    print_table("import wall time, seconds (median, fresh interpreter)", ["case", "seconds"], rows)


if __name__ == "__main__":
    main()
