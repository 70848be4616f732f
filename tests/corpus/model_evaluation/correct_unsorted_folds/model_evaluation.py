"""Correct: the reference without np.sort - each fold's test rows are passed in shuffled order (the order inside a fold is not part of the contract; see the statement's Contract notes)."""
import numpy as np


def kfold_test_indices(n, k, seed):
    """Test-index arrays of the k folds (kappa_and_cv.kfold_indices semantics), each sorted ascending."""
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1                       # the first n % k folds take one extra sample
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    return [order[bounds[i]:bounds[i + 1]] for i in range(k)]      # rows in shuffled order: not sorted


def cross_val_scores(model_fn, X, y, k, seed):
    """Accuracy of model_fn(X_train, y_train, X_test) -> predictions on each of k folds; shape (k,)."""
    X, y = np.asarray(X), np.asarray(y)
    n = len(y)
    if len(X) != n:
        raise ValueError(f"X has {len(X)} rows but y has {n} labels")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 2 <= k <= n:
        raise ValueError(f"need an integer k with 2 <= k <= n, got k={k!r} with n={n}")
    scores = np.zeros(k)
    for i, test in enumerate(kfold_test_indices(n, k, seed)):
        train = np.setdiff1d(np.arange(n), test)
        predictions = np.asarray(model_fn(X[train], y[train], X[test]))
        if predictions.shape != (len(test),):
            raise ValueError(f"model_fn returned shape {predictions.shape} for {len(test)} test rows")
        scores[i] = np.mean(predictions == y[test])
    return scores


def _check(y, ps, n, alpha):
    if any(len(p) != len(y) for p in ps) or len(y) == 0:
        raise ValueError("y and the predictions must be non-empty and of the same length")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n (number of bootstrap resamples) must be a positive int, got {n!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")


def bootstrap_ci(metric, y, p, n, alpha, seed):
    """Percentile bootstrap (1 - alpha) interval of metric(y, p): (low, high)."""
    y, p = np.asarray(y), np.asarray(p)
    _check(y, [p], n, alpha)
    rows = np.random.default_rng(seed).integers(0, len(y), size=(n, len(y)))
    stats = np.array([metric(y[r], p[r]) for r in rows], dtype=float)
    low, high = np.quantile(stats, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def compare_models(metric, y, p_a, p_b, n, alpha, seed):
    """Paired bootstrap of metric(y, p_a) - metric(y, p_b): (difference, low, high)."""
    y, p_a, p_b = np.asarray(y), np.asarray(p_a), np.asarray(p_b)
    _check(y, [p_a, p_b], n, alpha)
    rows = np.random.default_rng(seed).integers(0, len(y), size=(n, len(y)))
    diffs = np.array([metric(y[r], p_a[r]) - metric(y[r], p_b[r]) for r in rows], dtype=float)
    low, high = np.quantile(diffs, [alpha / 2, 1 - alpha / 2])
    return float(metric(y, p_a) - metric(y, p_b)), float(low), float(high)
