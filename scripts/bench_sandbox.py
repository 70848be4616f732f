"""Per-call cost of secure mode's sandbox: start a worker, make one call, stop it; and a call on a warm worker.

    python scripts/bench_sandbox.py [--runs 20] [--slug activations]

Prints medians (and quartiles) in milliseconds. Run it from the kit's root; to compare two versions of
the sandbox, run the same script from each checkout.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

import numpy as np  # noqa: E402

from graders import paths  # noqa: E402
from graders.secure import RemoteModule  # noqa: E402


def quartiles(samples: list[float]) -> str:
    q1, median, q3 = statistics.quantiles(samples, n=4)
    return f"median {median * 1000:7.1f} ms  (quartiles {q1 * 1000:.1f} - {q3 * 1000:.1f}, n={len(samples)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--slug", default="activations")
    args = parser.parse_args()
    solution = paths.solution_path(args.slug)
    x = np.random.default_rng(0).normal(size=(8, 16))
    cold, warm = [], []
    for _ in range(args.runs):
        start = time.perf_counter()
        module = RemoteModule(solution, args.slug)
        module.softmax(x)
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        module.softmax(x)
        warm.append(time.perf_counter() - start)
        module.close()
    print(f"start a worker + one call + stop: {quartiles(cold)}")
    print(f"one call on a started worker:     {quartiles(warm)}")


if __name__ == "__main__":
    main()
