"""Correct, written differently: the SVD of the transposed centred data (left vectors are the
components), np.where for the signs, a boolean argmax for the threshold, and the reconstruction
error by Pythagoras (|x - mean|**2 minus the squared length of its projection)."""
import numbers

import numpy as np


def fit_pca(X, n_components=None, whiten=False):
    data = np.array(X, dtype=np.float64, ndmin=1)
    if data.ndim != 2 or data.shape[0] < 2:
        raise ValueError("X must be a 2-D array with at least two rows")
    n = data.shape[0]
    mean = np.mean(data, axis=0)
    u, s, _ = np.linalg.svd((data - mean).T, full_matrices=False)  # (X - mean).T = u s w.T
    components = u.T  # rows: right singular vectors of X - mean
    variance = s ** 2 / (n - 1)
    total = float(np.sum(variance))
    if not total > 0:
        raise ValueError("X has no variance")
    ratio = variance / total
    limit = len(s)
    if n_components is None:
        k = limit
    elif isinstance(n_components, numbers.Integral) and not isinstance(n_components, bool):
        k = int(n_components)
        if k < 1 or k > limit:
            raise ValueError(f"n_components must be in 1..{limit}")
    elif isinstance(n_components, numbers.Real):
        t = float(n_components)
        if t <= 0.0 or t >= 1.0:
            raise ValueError("variance fraction must be in (0, 1)")
        above = np.cumsum(ratio) > t
        k = int(np.argmax(above)) + 1 if above.any() else limit
    else:
        raise ValueError("n_components must be None, an int or a float")
    kept = components[:k]
    pick = np.abs(kept).argmax(axis=1)
    kept = np.where(kept[np.arange(k), pick][:, None] < 0, -kept, kept)
    return {"mean": mean, "components": kept, "explained_variance": variance[:k],
            "explained_variance_ratio": ratio[:k], "singular_values": s[:k], "whiten": whiten is True or bool(whiten)}


def _check(a, width, what):
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 2 or a.shape[1] != width:
        raise ValueError(f"{what} must be 2-D with {width} columns, got shape {a.shape}")
    return a


def transform(pca, X):
    comps = np.asarray(pca["components"], dtype=np.float64)
    X = _check(X, comps.shape[1], "X")
    scores = X @ comps.T - np.asarray(pca["mean"]) @ comps.T
    if pca["whiten"]:
        scores /= np.sqrt(pca["explained_variance"])
    return scores


def inverse_transform(pca, Z):
    comps = np.asarray(pca["components"], dtype=np.float64)
    Z = _check(Z, comps.shape[0], "Z")
    scale = np.sqrt(pca["explained_variance"]) if pca["whiten"] else np.ones(comps.shape[0])
    return (Z * scale) @ comps + pca["mean"]


def reconstruction_error(pca, X):
    comps = np.asarray(pca["components"], dtype=np.float64)
    X = _check(X, comps.shape[1], "X")
    centred = X - pca["mean"]
    kept = centred @ comps.T  # coordinates on orthonormal rows: |projection|**2 = sum of their squares
    return float(np.mean(np.sum(centred ** 2, axis=1) - np.sum(kept ** 2, axis=1)))
