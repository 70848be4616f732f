"""PCA from scratch in numpy: the SVD of the centred data, explained variance, whitening, reconstruction.

Run the visible tests with `python grade.py check pca`.
fit_pca returns a dict {"mean", "components", "explained_variance", "explained_variance_ratio",
"singular_values", "whiten"} that transform, inverse_transform and reconstruction_error take back.
np.linalg.svd is allowed; do not use sklearn, scipy, torch, jax, tensorflow or keras.
"""
from __future__ import annotations

import numpy as np


def fit_pca(X, n_components=None, whiten: bool = False) -> dict:
    """PCA of the rows of X (n, d) by the SVD of the centred data X - mean = U S Vt.

    Returns {"mean": (d,), "components": (k, d) rows of Vt, "explained_variance": S**2 / (n - 1),
    "explained_variance_ratio": explained_variance / total variance (all min(n, d) components),
    "singular_values": S, "whiten": whiten}, the first k of each, in decreasing order of variance.
    Each component is flipped so that its entry of largest |value| is positive.
    n_components: None = min(n, d); an int 1..min(n, d); a float in (0, 1) = the fewest components
    whose cumulative ratio is greater than it. Raises ValueError for any other n_components, an X
    that is not 2-D, fewer than 2 rows, or all rows equal. Does not modify X.
    """
    # TODO
    raise NotImplementedError("fit_pca")


def transform(pca: dict, X) -> np.ndarray:
    """(X - pca["mean"]) @ pca["components"].T, shape (m, k): the TRAINING mean, never X's own.

    If pca["whiten"], each column is then divided by sqrt(pca["explained_variance"]).
    Raises ValueError for an X that is not 2-D or has the wrong number of columns.
    """
    # TODO
    raise NotImplementedError("transform")


def inverse_transform(pca: dict, Z) -> np.ndarray:
    """Z @ pca["components"] + pca["mean"], shape (m, d); whitening undone first if pca["whiten"].

    Raises ValueError for a Z that is not 2-D or has a number of columns other than k.
    """
    # TODO
    raise NotImplementedError("inverse_transform")


def reconstruction_error(pca: dict, X) -> float:
    """Mean over the rows x of X of ||x - x_hat||**2, x_hat = inverse_transform(pca, transform(pca, X))."""
    # TODO
    raise NotImplementedError("reconstruction_error")
