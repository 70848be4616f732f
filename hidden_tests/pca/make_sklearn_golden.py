"""Freeze scikit-learn's PCA (svd_solver="full") on fixed inputs into sklearn_golden.npz.

    python -m hidden_tests.pca.make_sklearn_golden          # (re)write sklearn_golden.npz
    python -m hidden_tests.pca.make_sklearn_golden --check  # compare the file with the installed sklearn

Importing sklearn.decomposition takes about half of the suite's 5 s budget on a loaded machine, so the
hidden suite reads the frozen values, inputs included. Each case stores its training data X, new data
X_new, the arguments (n_components: -1 for None, with a flag for an int; whiten as 0/1), the fitted
attributes and, for cases without a zero-variance component, transform(X_new) and
inverse_transform(transform(X_new)). A zero-variance component (the n-th when n <= d) points in an
arbitrary direction: its row and values are left out (the arrays keep the first n - 1).
"""
import sys
from pathlib import Path

import numpy as np

from graders.golden import write_or_check

GOLDEN = Path(__file__).with_name("sklearn_golden.npz")

# name: (seed, n, d, n_components, whiten, offset); every one has distinct, well separated variances
CASES = {
    "tall": (1, 60, 6, None, False, 5.0),
    "tall_k3_whiten": (1, 60, 6, 3, True, 5.0),
    "wide_k5": (2, 9, 20, 5, False, -2.0),
    "wide_all": (2, 9, 20, None, False, -2.0),  # n <= d: the 9th component has zero variance
    "threshold_90": (3, 80, 12, 0.9, False, 0.0),
    "threshold_80_whiten": (3, 80, 12, 0.8, True, 0.0),
    "offset_k2": (4, 40, 5, 2, False, 1000.0),
}


def data(seed: int, n: int, d: int, offset: float) -> tuple[np.ndarray, np.ndarray]:
    """Correlated features on different scales, a mean far from 0, and new rows from the same law."""
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(d, d)) * np.geomspace(3.0, 0.1, d)[:, None]
    mean = offset + rng.normal(size=d) * (1.0 + abs(offset) / 10)
    X = rng.normal(size=(n, d)) @ mixing + mean
    X_new = rng.normal(size=(15, d)) @ mixing + mean + 0.5  # a slightly shifted batch: its own mean differs
    return X, X_new


def compute() -> dict:
    from sklearn.decomposition import PCA

    values = {}
    for name, (seed, n, d, n_components, whiten, offset) in CASES.items():
        X, X_new = data(seed, n, d, offset)
        pca = PCA(n_components=n_components, whiten=whiten, svd_solver="full").fit(X)
        kept = min(pca.n_components_, n - 1)  # the components of positive variance
        values |= {f"{name}_X": X, f"{name}_X_new": X_new,
                   f"{name}_arg": np.array(-1.0 if n_components is None else float(n_components)),
                   f"{name}_arg_is_int": np.array(isinstance(n_components, int)), f"{name}_whiten": np.array(whiten),
                   f"{name}_n_components": np.array(pca.n_components_), f"{name}_mean": pca.mean_,
                   f"{name}_components": pca.components_[:kept],
                   f"{name}_explained_variance": pca.explained_variance_[:kept],
                   f"{name}_explained_variance_ratio": pca.explained_variance_ratio_[:kept],
                   f"{name}_singular_values": pca.singular_values_[:kept]}
        if pca.n_components_ < n:  # no zero-variance component: everything downstream is determined
            Z = pca.transform(X_new)
            back = pca.inverse_transform(Z)
            values |= {f"{name}_Z_new": Z, f"{name}_back_new": back,
                       f"{name}_error_new": np.array(np.mean(np.sum((X_new - back) ** 2, axis=1))),
                       f"{name}_error_train": np.array(np.mean(np.sum((X - pca.inverse_transform(pca.transform(X)))
                                                                      ** 2, axis=1)))}
    return values


if __name__ == "__main__":
    sys.exit(write_or_check(compute, GOLDEN, sys.argv[1:], "scikit-learn"))
