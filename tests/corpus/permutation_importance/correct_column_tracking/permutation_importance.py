"""Correct, written independently: tracks the shuffled column itself; permutation() instead of shuffle()."""
import numpy as np


def _named_metric(name):
    if name == "accuracy":
        return lambda t, p: np.mean(np.asarray(t) == np.asarray(p))
    if name == "r2":
        def r2(t, p):
            t, p = np.asarray(t, dtype=float), np.asarray(p, dtype=float)
            return 1.0 - ((t - p) ** 2).sum() / ((t - t.mean()) ** 2).sum()
        return r2
    if name == "neg_mean_squared_error":
        return lambda t, p: -np.mean((np.asarray(t, dtype=float) - np.asarray(p, dtype=float)) ** 2)
    raise ValueError(f"unknown metric {name!r}")


def permutation_importance(predict_fn, X, y, metric, n_repeats=5, seed=0):
    if isinstance(metric, str):
        metric = _named_metric(metric)
    X = np.array(X)
    n, d = X.shape
    reference_score = metric(y, predict_fn(X))
    shared_seed = np.random.RandomState(seed).randint(0, 2**31)
    means, stds = np.zeros(d), np.zeros(d)
    for col in range(d):
        generator = np.random.RandomState(shared_seed)
        original = X[:, col].copy()
        current = original.copy()
        drops = []
        index = np.arange(n)
        for _ in range(n_repeats):
            # shuffling an index array in place is the same as re-indexing it by generator.permutation(n)
            index = index[generator.permutation(n)]
            current = current[index]
            X[:, col] = current
            drops.append(reference_score - metric(y, predict_fn(X)))
        X[:, col] = original
        drops = np.array(drops, dtype=float)
        means[col] = drops.mean()
        stds[col] = np.sqrt(np.mean((drops - drops.mean()) ** 2))
    return means, stds


def linear_attributions(w, b, x, baseline):
    delta = np.asarray(x, dtype=float) - np.asarray(baseline, dtype=float)
    return np.einsum("...d,d->...d", delta, np.asarray(w, dtype=float))
