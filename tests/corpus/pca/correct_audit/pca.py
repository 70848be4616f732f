"""PCA from scratch in numpy (audit answer): SVD of the centred data."""
from __future__ import annotations

import numbers

import numpy as np


def _as_2d(a, name: str) -> np.ndarray:
    arr = np.array(a, dtype=np.float64)  # a copy: never touch the caller's array
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got shape {arr.shape}")
    return arr


def _n_kept(n_components, ratio: np.ndarray) -> int:
    r = ratio.size
    if n_components is None:
        return r
    if isinstance(n_components, (bool, np.bool_)):
        raise ValueError("n_components must be None, an int or a float in (0, 1)")
    if isinstance(n_components, numbers.Integral):
        k = int(n_components)
        if not 1 <= k <= r:
            raise ValueError(f"n_components={k} must be in [1, {r}]")
        return k
    if isinstance(n_components, numbers.Real):
        t = float(n_components)
        if not 0.0 < t < 1.0:
            raise ValueError(f"a float n_components must be in (0, 1), got {t}")
        cum = np.cumsum(ratio)
        return min(int(np.searchsorted(cum, t, side="right")) + 1, r)
    raise ValueError(f"bad n_components {n_components!r}")


def fit_pca(X, n_components=None, whiten: bool = False) -> dict:
    """PCA of the rows of X (n, d) by the SVD of X - mean; see the statement for the dict."""
    X = _as_2d(X, "X")
    n, d = X.shape
    if n < 2:
        raise ValueError("X needs at least 2 rows")
    if np.all(X == X[0]):
        raise ValueError("X has total variance 0 (all rows equal)")
    mean = X.mean(axis=0)
    Xc = X - mean
    _, S, Vt = np.linalg.svd(Xc, full_matrices=False)
    # sign: largest-|.| entry of each row of Vt positive (first one on ties)
    idx = np.argmax(np.abs(Vt), axis=1)
    signs = np.sign(Vt[np.arange(Vt.shape[0]), idx])
    signs[signs == 0] = 1.0
    Vt = Vt * signs[:, None]
    var = S ** 2 / (n - 1)
    total = var.sum()
    if total <= 0.0:
        raise ValueError("X has total variance 0")
    ratio = var / total
    k = _n_kept(n_components, ratio)
    return {
        "mean": mean,
        "components": Vt[:k].copy(),
        "explained_variance": var[:k].copy(),
        "explained_variance_ratio": ratio[:k].copy(),
        "singular_values": S[:k].copy(),
        "whiten": bool(whiten),
    }


def transform(pca: dict, X) -> np.ndarray:
    """(X - training mean) @ components.T, divided by sqrt(explained_variance) when whitening."""
    mean = np.asarray(pca["mean"], dtype=np.float64)
    comps = np.asarray(pca["components"], dtype=np.float64)
    X = _as_2d(X, "X")
    if X.shape[1] != mean.shape[0]:
        raise ValueError(f"X has {X.shape[1]} columns, expected {mean.shape[0]}")
    Z = (X - mean) @ comps.T
    if pca["whiten"]:
        Z = Z / np.sqrt(np.asarray(pca["explained_variance"], dtype=np.float64))
    return Z


def inverse_transform(pca: dict, Z) -> np.ndarray:
    """Z @ components + mean, after multiplying by sqrt(explained_variance) when whitening."""
    mean = np.asarray(pca["mean"], dtype=np.float64)
    comps = np.asarray(pca["components"], dtype=np.float64)
    Z = _as_2d(Z, "Z")
    if Z.shape[1] != comps.shape[0]:
        raise ValueError(f"Z has {Z.shape[1]} columns, expected {comps.shape[0]}")
    if pca["whiten"]:
        Z = Z * np.sqrt(np.asarray(pca["explained_variance"], dtype=np.float64))
    return Z @ comps + mean


def reconstruction_error(pca: dict, X) -> float:
    """Mean over rows of the squared distance to the reconstruction."""
    X = _as_2d(X, "X")
    X_hat = inverse_transform(pca, transform(pca, X))
    return float(np.mean(np.sum((X - X_hat) ** 2, axis=1)))
