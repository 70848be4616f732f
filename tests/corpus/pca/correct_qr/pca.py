"""Correct, written differently: a thin QR of the centred data, then the SVD of the small triangle R;
signs fixed in a Python loop, the threshold found by a running sum, transforms with einsum."""
import numpy as np


def _two_d(a, name):
    a = np.asarray(a, dtype=float).copy()
    if a.ndim != 2:
        raise ValueError(f"{name} must be 2-D")
    return a


def _svd_by_qr(a):
    """Singular values and right singular vectors (rows) of a, from a = Q R."""
    n, d = a.shape
    if n >= d:
        _, r = np.linalg.qr(a)  # r: (d, d), a = q r, same singular values and right vectors as r
        _, s, vt = np.linalg.svd(r)
        return s, vt
    q, r = np.linalg.qr(a.T)  # a.T = q r: a = r.T q.T; r.T = u s w.T gives a = u s (q w).T
    _, s, wt = np.linalg.svd(r.T)
    return s, (q @ wt.T).T


def fit_pca(X, n_components=None, whiten=False):
    X = _two_d(X, "X")
    n, d = X.shape
    if n < 2:
        raise ValueError("need two rows or more")
    mean = X.sum(axis=0) / n
    s, vt = _svd_by_qr(X - mean)
    var = s * s / (n - 1)
    if var.sum() <= 0:
        raise ValueError("zero total variance")
    ratio = var / var.sum()
    m = len(s)
    if n_components is None:
        k = m
    elif isinstance(n_components, (int, np.integer)) and not isinstance(n_components, bool):
        if n_components < 1 or n_components > m:
            raise ValueError("n_components out of range")
        k = int(n_components)
    elif isinstance(n_components, (float, np.floating)):
        if not (0 < n_components < 1):
            raise ValueError("a float n_components must lie strictly between 0 and 1")
        running, k = 0.0, 0
        while k < m:
            running += ratio[k]
            k += 1
            if running > n_components:
                break
    else:
        raise ValueError("bad n_components")
    comps = vt[:k].copy()
    for i in range(k):
        j = int(np.argmax(np.abs(comps[i])))
        if comps[i, j] < 0:
            comps[i] = -comps[i]
    return {"mean": mean, "components": comps, "explained_variance": var[:k].copy(),
            "explained_variance_ratio": ratio[:k].copy(), "singular_values": s[:k].copy(), "whiten": bool(whiten)}


def transform(pca, X):
    X = _two_d(X, "X")
    comps = np.asarray(pca["components"], dtype=float)
    if X.shape[1] != comps.shape[1]:
        raise ValueError("wrong number of features")
    z = np.einsum("md,kd->mk", X - np.asarray(pca["mean"]), comps)
    if pca["whiten"]:
        z = z / np.sqrt(np.asarray(pca["explained_variance"], dtype=float))
    return z


def inverse_transform(pca, Z):
    Z = _two_d(Z, "Z")
    comps = np.asarray(pca["components"], dtype=float)
    if Z.shape[1] != comps.shape[0]:
        raise ValueError("wrong number of components")
    if pca["whiten"]:
        Z = Z * np.sqrt(np.asarray(pca["explained_variance"], dtype=float))
    return np.einsum("mk,kd->md", Z, comps) + np.asarray(pca["mean"])


def reconstruction_error(pca, X):
    X = _two_d(X, "X")
    back = inverse_transform(pca, transform(pca, X))
    return float(np.mean(np.linalg.norm(X - back, axis=1) ** 2))
