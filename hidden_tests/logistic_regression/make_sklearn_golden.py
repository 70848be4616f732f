"""Freeze scikit-learn's LogisticRegression solutions on the convergence test's data into sklearn_golden.npz.

    python -m hidden_tests.logistic_regression.make_sklearn_golden          # (re)write sklearn_golden.npz
    python -m hidden_tests.logistic_regression.make_sklearn_golden --check  # compare with the installed sklearn

Importing sklearn.linear_model takes from 1.5 s to over 4 s of the suite's 8 s budget on a loaded 2-core
machine, so the hidden suite reads the frozen solutions for data seeds 0..9 (the default seed and
`dev sweep --seeds 10`), with a fingerprint of each seed's data; another seed, or data that no longer
match their fingerprint, make the suite fit scikit-learn live. lbfgs runs to tol=1e-12, so the check
allows 1e-8 between two runs (an iterative solver, not a closed form).
"""
import sys
from pathlib import Path

import numpy as np

from hidden_tests.logistic_regression.test_logistic_regression_hidden import (SKLEARN_CASES, convergence_data,
                                                                           fingerprint, sklearn_solution)

GOLDEN = Path(__file__).with_name("sklearn_golden.npz")
SEEDS = range(10)
CHECK_ATOL = 1e-8


def compute() -> dict:
    values = {}
    for seed in SEEDS:
        X, y = convergence_data(seed)
        values[f"seed{seed}_fingerprint"] = fingerprint(X, y)
        for lam, _ in SKLEARN_CASES:
            values[f"seed{seed}_lam{lam:g}"] = sklearn_solution(X, y, lam)
    return values


def main(argv: list[str]) -> int:
    values = compute()
    if "--check" in argv:
        with np.load(GOLDEN, allow_pickle=False) as data:
            bad = [k for k in values if k not in data.files
                   or not np.allclose(values[k], data[k], rtol=1e-12 if k.endswith("fingerprint") else 0.0,
                                      atol=0.0 if k.endswith("fingerprint") else CHECK_ATOL)]
        print(f"{GOLDEN.name} matches scikit-learn" if not bad else f"{GOLDEN.name} differs from scikit-learn: {bad}")
        return 1 if bad else 0
    np.savez_compressed(GOLDEN, **values)
    print(f"wrote {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
