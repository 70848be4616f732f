"""Reference solution: Cohen's kappa and (stratified) k-fold index splits."""
import numpy as np


def cohen_kappa(y1, y2):
    y1, y2 = np.asarray(y1), np.asarray(y2)
    if y1.ndim != 1 or y1.shape != y2.shape or y1.size == 0:
        raise ValueError(f"y1 and y2 must be non-empty 1-D arrays of the same length, got shapes {y1.shape} and {y2.shape}")
    n = y1.size
    # Encode both raters over the union of their labels.
    labels, codes = np.unique(np.concatenate([y1, y2]), return_inverse=True)
    a, b = codes[:n], codes[n:]
    p_observed = np.mean(a == b)
    p1 = np.bincount(a, minlength=labels.size) / n
    p2 = np.bincount(b, minlength=labels.size) / n
    p_expected = float(p1 @ p2)
    if p_expected == 1.0:
        return float("nan")  # both raters gave one and the same label to everything: undefined
    return float((p_observed - p_expected) / (1.0 - p_expected))


def _check_k(n, k):
    if not (isinstance(k, (int, np.integer)) and isinstance(n, (int, np.integer))):
        raise ValueError(f"n and k must be integers, got n={n!r}, k={k!r}")
    if k < 2 or k > n:
        raise ValueError(f"need 2 <= k <= n, got k={k} with n={n}")


def _folds_from_assignment(fold_of, k):
    return [(np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)) for f in range(k)]


def kfold_indices(n, k, shuffle=False, seed=None):
    _check_k(n, k)
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1  # the first n % k folds take one extra sample
    fold_of = np.empty(n, dtype=int)
    fold_of[order] = np.repeat(np.arange(k), sizes)
    return _folds_from_assignment(fold_of, k)


def stratified_kfold_indices(y, k, seed=None):
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {y.shape}")
    n = y.size
    _check_k(n, k)
    rng = np.random.default_rng(seed) if seed is not None else None
    _, codes = np.unique(y, return_inverse=True)
    fold_of = np.empty(n, dtype=int)
    dealt = 0
    for c in range(codes.max() + 1):
        members = np.flatnonzero(codes == c)
        if rng is not None:
            members = rng.permutation(members)
        # deal this class round-robin, starting where the previous class stopped
        fold_of[members] = (dealt + np.arange(members.size)) % k
        dealt += members.size
    return _folds_from_assignment(fold_of, k)
