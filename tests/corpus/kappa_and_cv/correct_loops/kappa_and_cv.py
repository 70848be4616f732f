"""Correct, written independently: confusion-matrix kappa, list-based folds.

Shuffling uses np.random.default_rng(seed), the generator the statement names (this entry used
random.Random and RandomState before the statement's Contract pinned the shuffled k-fold blocks).
"""
import math

import numpy as np


def cohen_kappa(y1, y2):
    y1, y2 = list(np.asarray(y1).tolist()), list(np.asarray(y2).tolist())
    if len(y1) != len(y2) or not y1:
        raise ValueError("y1 and y2 must have the same, non-zero length")
    labels = sorted(set(y1) | set(y2), key=repr)
    index = {label: i for i, label in enumerate(labels)}
    table = [[0] * len(labels) for _ in labels]
    for a, b in zip(y1, y2):
        table[index[a]][index[b]] += 1
    n = len(y1)
    observed = sum(table[i][i] for i in range(len(labels))) / n
    rows = [sum(r) for r in table]
    cols = [sum(table[i][j] for i in range(len(labels))) for j in range(len(labels))]
    expected = sum(r * c for r, c in zip(rows, cols)) / (n * n)
    if math.isclose(expected, 1.0, rel_tol=0, abs_tol=1e-15):
        return math.nan
    return (observed - expected) / (1 - expected)


def _validate(n, k):
    if k < 2 or k > n:
        raise ValueError(f"k must be between 2 and n={n}, got {k}")


def _pairs(test_folds, n):
    out = []
    for test in test_folds:
        in_test = set(test)
        out.append((np.array([i for i in range(n) if i not in in_test], dtype=np.int64),
                    np.array(sorted(test), dtype=np.int64)))
    return out


def kfold_indices(n, k, shuffle=False, seed=None):
    _validate(n, k)
    order = list(range(n))
    if shuffle:
        order = np.random.default_rng(seed).permutation(n).tolist()
    folds, start = [], 0
    for i in range(k):
        size = n // k + (1 if i < n % k else 0)
        folds.append(order[start:start + size])
        start += size
    return _pairs(folds, n)


def stratified_kfold_indices(y, k, seed=None):
    y = np.asarray(y).tolist()
    n = len(y)
    _validate(n, k)
    by_class = {}
    for i, label in enumerate(y):
        by_class.setdefault(label, []).append(i)
    rng = np.random.default_rng(seed) if seed is not None else None
    folds = [[] for _ in range(k)]
    target = 0
    for label in sorted(by_class, key=repr):
        members = by_class[label]
        if rng is not None:
            members = list(rng.permutation(members))
        for i in members:
            folds[target].append(int(i))
            target = (target + 1) % k
    return _pairs(folds, n)
