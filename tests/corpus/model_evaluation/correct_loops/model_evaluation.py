"""Correct, independently written: explicit fold assignment, per-resample draws, hand-written quantiles."""
import numpy as np


def cross_val_scores(model_fn, X, y, k, seed):
    X = np.asarray(X)
    y = np.asarray(y)
    n = y.shape[0]
    if X.shape[0] != n:
        raise ValueError("X and y lengths differ")
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 2 or k > n:
        raise ValueError("k must satisfy 2 <= k <= n")
    if seed is None:
        order = list(range(n))
    else:
        order = list(np.random.default_rng(seed).permutation(n))
    fold_of = [0] * n
    pos = 0
    for f in range(k):
        size = n // k
        if f < n % k:
            size += 1
        for idx in order[pos:pos + size]:
            fold_of[int(idx)] = f
        pos += size
    out = []
    for f in range(k):
        test_rows = [i for i in range(n) if fold_of[i] == f]
        train_rows = [i for i in range(n) if fold_of[i] != f]
        pred = list(model_fn(X[train_rows], y[train_rows], X[test_rows]))
        if len(pred) != len(test_rows):
            raise ValueError("model_fn must return one prediction per test row")
        hits = sum(1 for a, b in zip(pred, y[test_rows]) if a == b)
        out.append(hits / len(test_rows))
    return np.array(out, dtype=float)


def _quantile(values, q):
    s = sorted(values)
    h = (len(s) - 1) * q
    lo = int(np.floor(h))
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (h - lo) * (s[hi] - s[lo])


def _validate(y, preds, n, alpha):
    if len(y) == 0 or any(len(p) != len(y) for p in preds):
        raise ValueError("lengths differ or are zero")
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n <= 0:
        raise ValueError("n must be a positive integer")
    if not (0.0 < alpha < 1.0):
        raise ValueError("alpha must lie strictly between 0 and 1")


def bootstrap_ci(metric, y, p, n, alpha, seed):
    y, p = np.asarray(y), np.asarray(p)
    _validate(y, [p], n, alpha)
    rng = np.random.default_rng(seed)
    m = len(y)
    values = []
    for _ in range(n):
        idx = rng.integers(0, m, size=m)
        values.append(float(metric(y[idx], p[idx])))
    return _quantile(values, alpha / 2), _quantile(values, 1 - alpha / 2)


def compare_models(metric, y, p_a, p_b, n, alpha, seed):
    y, p_a, p_b = np.asarray(y), np.asarray(p_a), np.asarray(p_b)
    _validate(y, [p_a, p_b], n, alpha)
    rng = np.random.default_rng(seed)
    m = len(y)
    deltas = []
    for _ in range(n):
        idx = rng.integers(0, m, size=m)
        deltas.append(float(metric(y[idx], p_a[idx])) - float(metric(y[idx], p_b[idx])))
    observed = float(metric(y, p_a)) - float(metric(y, p_b))
    return observed, _quantile(deltas, alpha / 2), _quantile(deltas, 1 - alpha / 2)
