"""Freeze SciPy's two-sample KS statistics and Kolmogorov critical values on fixed inputs into scipy_golden.npz.

    python -m hidden_tests.drift_monitoring.make_scipy_golden          # (re)write scipy_golden.npz
    python -m hidden_tests.drift_monitoring.make_scipy_golden --check  # compare the file with the installed SciPy

Importing scipy.stats takes about a second on a loaded machine, a fifth of the suite's 5 s budget, so the
hidden suite reads the frozen values (inputs included).
"""
import sys
from pathlib import Path

import numpy as np

from graders.golden import write_or_check

GOLDEN = Path(__file__).with_name("scipy_golden.npz")
ALPHAS = np.array([0.001, 0.01, 0.05, 0.1])
KS_CASES = 24


def ks_case(rng: np.random.Generator, i: int) -> tuple[np.ndarray, np.ndarray]:
    """Unsorted samples of different sizes: continuous, discrete with many ties, or mixed."""
    n, m = int(rng.integers(1, 400)), int(rng.integers(1, 400))
    kind = i % 3
    if kind == 0:  # continuous, shifted and rescaled
        return rng.normal(size=n), rng.normal(rng.uniform(-0.5, 0.5), rng.uniform(0.5, 2.0), size=m)
    if kind == 1:  # discrete: ties within and across the samples
        levels = int(rng.integers(2, 8))
        return (rng.integers(0, levels, size=n).astype(float),
                rng.integers(0, levels + int(rng.integers(0, 3)), size=m).astype(float))
    # mixed: a continuous part and a spike of repeated values in both samples
    a = np.where(rng.random(n) < 0.4, 0.0, rng.exponential(size=n))
    b = np.where(rng.random(m) < 0.2, 0.0, rng.exponential(rng.uniform(0.7, 1.5), size=m))
    return a, b


def compute() -> dict:
    from scipy.stats import ks_2samp, kstwobign

    values = {"alphas": ALPHAS, "kstwobign_isf": kstwobign.isf(ALPHAS)}
    rng = np.random.default_rng(2024)
    for i in range(KS_CASES):
        a, b = ks_case(rng, i)
        values |= {f"ks{i}_reference": a, f"ks{i}_current": b,
                   f"ks{i}_scipy": np.array(ks_2samp(a, b).statistic)}
    return values


if __name__ == "__main__":
    sys.exit(write_or_check(compute, GOLDEN, sys.argv[1:], "SciPy"))
