"""Reference solution: PCA by the SVD of the centred data, explained variance, whitening and reconstruction."""
from __future__ import annotations

import numbers

import numpy as np


def _matrix(X, what: str = "X") -> np.ndarray:
    """X as a new 2-D float64 array (the caller's array is never touched)."""
    X = np.array(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"{what} must be a 2-D array (rows are samples), got {X.ndim} dimension(s)")
    return X


def _flip_signs(components: np.ndarray) -> np.ndarray:
    """Each row multiplied by -1 where needed so that its entry of largest |value| is positive."""
    largest = np.argmax(np.abs(components), axis=1)  # argmax: the first one among equal |values|
    signs = np.sign(components[np.arange(len(components)), largest])
    return components * signs[:, None]


def _number_kept(n_components, ratio: np.ndarray) -> int:
    """How many components n_components asks for, given the ratios of all of them."""
    limit = len(ratio)
    if n_components is None:
        return limit
    if isinstance(n_components, numbers.Integral) and not isinstance(n_components, bool):
        if not 1 <= n_components <= limit:
            raise ValueError(f"n_components={n_components} must be between 1 and min(n_samples, n_features)={limit}")
        return int(n_components)
    if isinstance(n_components, numbers.Real) and not isinstance(n_components, bool):
        if not 0.0 < n_components < 1.0:
            raise ValueError(f"a float n_components is a variance fraction strictly between 0 and 1, "
                             f"got {n_components}")
        # the smallest k whose cumulative ratio is greater than the threshold (scikit-learn's rule)
        k = int(np.searchsorted(np.cumsum(ratio), n_components, side="right")) + 1
        return min(k, limit)
    raise ValueError(f"n_components must be None, an int or a float in (0, 1), got {n_components!r}")


def fit_pca(X, n_components=None, whiten: bool = False) -> dict:
    """PCA of the rows of X by the SVD of the centred data.

    Returns {"mean", "components" (k, d), "explained_variance", "explained_variance_ratio",
    "singular_values", "whiten"}.
    """
    X = _matrix(X)
    n, d = X.shape
    if n < 2:
        raise ValueError(f"PCA needs at least 2 samples, got {n}")
    mean = X.mean(axis=0)
    centred = X - mean  # a new array: X is not modified
    _, singular, vt = np.linalg.svd(centred, full_matrices=False)  # singular values in decreasing order
    variance = singular ** 2 / (n - 1)  # eigenvalues of the covariance matrix (ddof=1)
    total = variance.sum()  # the total variance, over all min(n, d) components
    if total == 0.0:
        raise ValueError("every row of X is the same: the total variance is 0")
    ratio = variance / total
    k = _number_kept(n_components, ratio)
    return {
        "mean": mean,
        "components": _flip_signs(vt[:k]),
        "explained_variance": variance[:k],
        "explained_variance_ratio": ratio[:k],
        "singular_values": singular[:k],
        "whiten": bool(whiten),
    }


def transform(pca: dict, X) -> np.ndarray:
    """Coordinates of the rows of X on the components (centred with the training mean); whitened if asked."""
    X = _matrix(X)
    components = np.asarray(pca["components"], dtype=np.float64)
    if X.shape[1] != components.shape[1]:
        raise ValueError(f"X has {X.shape[1]} columns, the PCA was fitted on {components.shape[1]}")
    Z = (X - pca["mean"]) @ components.T
    if pca["whiten"]:
        Z = Z / np.sqrt(pca["explained_variance"])  # unit variance along every component
    return Z


def inverse_transform(pca: dict, Z) -> np.ndarray:
    """The points of feature space that transform maps to Z (whitening undone first)."""
    Z = _matrix(Z, "Z")
    components = np.asarray(pca["components"], dtype=np.float64)
    if Z.shape[1] != components.shape[0]:
        raise ValueError(f"Z has {Z.shape[1]} columns, the PCA keeps {components.shape[0]} components")
    if pca["whiten"]:
        Z = Z * np.sqrt(pca["explained_variance"])
    return Z @ components + pca["mean"]


def reconstruction_error(pca: dict, X) -> float:
    """Mean over the rows of X of the squared distance between a row and its reconstruction."""
    X = _matrix(X)
    residual = X - inverse_transform(pca, transform(pca, X))
    return float(np.mean(np.sum(residual ** 2, axis=1)))
