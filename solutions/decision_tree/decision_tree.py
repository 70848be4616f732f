"""Reference solution: a CART classification tree (Gini or entropy), impurity-based feature
importances, and a bagged ensemble of trees with out-of-bag estimates."""
from __future__ import annotations

import numpy as np

CRITERIA = ("gini", "entropy")
TIE = 1e-12  # gains within TIE of the best one are ties
LEAF, UNDEFINED = -1, -2  # scikit-learn's markers: children of a leaf, feature/threshold of a leaf


# ----------------------------------------------------------------------------- validation


def _labels(y, n_classes: int | None = None) -> tuple[np.ndarray, int]:
    y = np.asarray(y)
    if y.ndim != 1 or len(y) == 0:
        raise ValueError(f"y must be a non-empty 1-D array of labels, got shape {y.shape}")
    if y.dtype.kind not in "biuf" or (y.dtype.kind == "f" and not np.all(np.isfinite(y))):
        raise ValueError("y must hold integer class labels")
    if np.any(y != np.round(y)) or np.any(y < 0):
        raise ValueError("class labels must be integers >= 0")
    y = y.astype(np.int64)
    k = int(y.max()) + 1
    if n_classes is not None:
        if n_classes < k:
            raise ValueError(f"n_classes={n_classes} but y holds label {k - 1}")
        k = int(n_classes)
    return y, k


def _data(X, y, n_classes: int | None = None) -> tuple[np.ndarray, np.ndarray, int]:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X holds nan or inf")
    y, k = _labels(y, n_classes)
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)} labels")
    return X, y, k


def _check_params(criterion: str, max_depth: int | None, min_samples_split: int, min_samples_leaf: int) -> None:
    if criterion not in CRITERIA:
        raise ValueError(f"criterion must be 'gini' or 'entropy', got {criterion!r}")
    if max_depth is not None and max_depth < 1:
        raise ValueError(f"max_depth must be None or >= 1, got {max_depth}")
    if min_samples_split < 2:
        raise ValueError(f"min_samples_split must be >= 2, got {min_samples_split}")
    if min_samples_leaf < 1:
        raise ValueError(f"min_samples_leaf must be >= 1, got {min_samples_leaf}")


def _rows(tree: dict, X) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != tree["n_features"]:
        raise ValueError(f"X must have shape (n, {tree['n_features']}), got {X.shape}")
    return X


# ----------------------------------------------------------------------------- impurity


def _impurity(counts: np.ndarray, criterion: str) -> np.ndarray:
    """Impurity of each row of class counts (..., K); rows must not be all zero."""
    counts = np.asarray(counts, dtype=np.float64)
    p = counts / counts.sum(axis=-1, keepdims=True)
    if criterion == "gini":
        return 1.0 - np.sum(p * p, axis=-1)
    logs = np.log2(np.where(p > 0, p, 1.0))  # 0 log 0 = 0
    return -np.sum(p * logs, axis=-1)


def gini(y) -> float:
    y, k = _labels(y)
    return float(_impurity(np.bincount(y, minlength=k), "gini"))


def entropy(y) -> float:
    y, k = _labels(y)
    return float(_impurity(np.bincount(y, minlength=k), "entropy"))


# ----------------------------------------------------------------------------- best split


def _best_split(X: np.ndarray, y: np.ndarray, k: int, criterion: str, min_samples_leaf: int):
    n, d = X.shape
    total = np.bincount(y, minlength=k).astype(np.float64)
    parent = _impurity(total, criterion)
    onehot = np.eye(k)[y]
    found = []  # (feature, thresholds, gains) of the valid candidates, thresholds ascending
    n_left = np.arange(1, n, dtype=np.float64)
    for f in range(d):
        order = np.argsort(X[:, f], kind="stable")
        xs = X[order, f]
        left = np.cumsum(onehot[order], axis=0)[:-1]  # class counts of x <= xs[i], i = 0..n-2
        right = total - left
        valid = (xs[1:] > xs[:-1]) & (n_left >= min_samples_leaf) & (n - n_left >= min_samples_leaf)
        if not valid.any():
            continue
        left, right, nl = left[valid], right[valid], n_left[valid]
        gains = parent - nl / n * _impurity(left, criterion) - (n - nl) / n * _impurity(right, criterion)
        lo, hi = xs[:-1][valid], xs[1:][valid]
        thresholds = (lo + hi) / 2.0
        thresholds = np.where(thresholds == hi, lo, thresholds)  # adjacent floats: keep x <= t on the left
        found.append((f, thresholds, gains))
    if not found:
        return None
    best = max(float(g.max()) for _, _, g in found)
    for f, thresholds, gains in found:  # features ascending, thresholds ascending: the first tie wins
        hit = np.flatnonzero(gains >= best - TIE)
        if hit.size:
            return f, float(thresholds[hit[0]]), float(gains[hit[0]])
    raise AssertionError("unreachable")


def best_split(X, y, criterion: str = "gini", min_samples_leaf: int = 1):
    X, y, k = _data(X, y)
    _check_params(criterion, None, 2, min_samples_leaf)
    return _best_split(X, y, k, criterion, min_samples_leaf)


# ----------------------------------------------------------------------------- tree


def fit_tree(X, y, criterion: str = "gini", max_depth: int | None = None, min_samples_split: int = 2,
             min_samples_leaf: int = 1, n_classes: int | None = None) -> dict:
    X, y, k = _data(X, y, n_classes)
    _check_params(criterion, max_depth, min_samples_split, min_samples_leaf)
    feature, threshold, left, right, impurity, counts = [], [], [], [], [], []
    stack = [(np.arange(len(y)), 0, -1, False)]  # (rows, depth, parent, is_left): left popped first
    while stack:
        rows, depth, parent, is_left = stack.pop()
        node = len(feature)
        if parent >= 0:
            (left if is_left else right)[parent] = node
        c = np.bincount(y[rows], minlength=k)
        counts.append(c)
        impurity.append(float(_impurity(c, criterion)))
        feature.append(UNDEFINED)
        threshold.append(float(UNDEFINED))
        left.append(LEAF)
        right.append(LEAF)
        if ((max_depth is not None and depth >= max_depth) or len(rows) < min_samples_split
                or np.count_nonzero(c) == 1):
            continue
        split = _best_split(X[rows], y[rows], k, criterion, min_samples_leaf)
        if split is None:
            continue
        f, t, _ = split  # taken even when its gain is 0 (XOR needs such a first split)
        feature[node], threshold[node] = f, t
        goes_left = X[rows, f] <= t
        stack.append((rows[~goes_left], depth + 1, node, False))
        stack.append((rows[goes_left], depth + 1, node, True))
    return {"feature": np.array(feature, dtype=np.int64), "threshold": np.array(threshold, dtype=np.float64),
            "children_left": np.array(left, dtype=np.int64), "children_right": np.array(right, dtype=np.int64),
            "impurity": np.array(impurity, dtype=np.float64), "counts": np.array(counts, dtype=np.int64),
            "n_features": int(X.shape[1])}


def _leaves(tree: dict, X: np.ndarray) -> np.ndarray:
    feature, threshold = np.asarray(tree["feature"]), np.asarray(tree["threshold"], dtype=np.float64)
    left, right = np.asarray(tree["children_left"]), np.asarray(tree["children_right"])
    node = np.zeros(len(X), dtype=np.int64)
    active = left[node] != LEAF
    while active.any():
        rows = np.flatnonzero(active)
        at = node[rows]
        go_left = X[rows, feature[at]] <= threshold[at]
        node[rows] = np.where(go_left, left[at], right[at])
        active = left[node] != LEAF
    return node


def predict_proba(tree: dict, X) -> np.ndarray:
    X = _rows(tree, X)
    counts = np.asarray(tree["counts"], dtype=np.float64)[_leaves(tree, X)]
    return counts / counts.sum(axis=1, keepdims=True)


def predict(tree: dict, X) -> np.ndarray:
    return np.argmax(predict_proba(tree, X), axis=1)  # argmax: the first (lowest) class on ties


def feature_importances(tree: dict) -> np.ndarray:
    feature = np.asarray(tree["feature"])
    left, right = np.asarray(tree["children_left"]), np.asarray(tree["children_right"])
    n = np.asarray(tree["counts"]).sum(axis=1).astype(np.float64)
    weighted = n / n[0] * np.asarray(tree["impurity"], dtype=np.float64)  # (n_t / N) * impurity_t
    importances = np.zeros(tree["n_features"])
    for node in np.flatnonzero(left != LEAF):
        importances[feature[node]] += weighted[node] - weighted[left[node]] - weighted[right[node]]
    total = importances.sum()
    return importances / total if total > TIE else np.zeros_like(importances)


# ----------------------------------------------------------------------------- bagging


def bootstrap_indices(n_samples: int, n_estimators: int, seed: int) -> np.ndarray:
    if n_samples < 1 or n_estimators < 1:
        raise ValueError("n_samples and n_estimators must be >= 1")
    return np.random.default_rng(seed).integers(0, n_samples, size=(n_estimators, n_samples))


def fit_bagging(X, y, n_estimators: int = 10, seed: int = 0, criterion: str = "gini",
                max_depth: int | None = None, min_samples_split: int = 2, min_samples_leaf: int = 1) -> dict:
    X, y, k = _data(X, y)
    _check_params(criterion, max_depth, min_samples_split, min_samples_leaf)
    indices = bootstrap_indices(len(y), n_estimators, seed)
    trees = [fit_tree(X[rows], y[rows], criterion, max_depth, min_samples_split, min_samples_leaf, n_classes=k)
             for rows in indices]  # every tree has all k classes' columns, even if its sample misses some
    return {"trees": trees, "indices": indices}


def bagging_predict_proba(ensemble: dict, X) -> np.ndarray:
    return np.mean([predict_proba(tree, X) for tree in ensemble["trees"]], axis=0)


def bagging_predict(ensemble: dict, X) -> np.ndarray:
    return np.argmax(bagging_predict_proba(ensemble, X), axis=1)


def bagging_feature_importances(ensemble: dict) -> np.ndarray:
    total = np.sum([feature_importances(tree) for tree in ensemble["trees"]], axis=0)
    s = total.sum()
    return total / s if s > 0 else total


def oob_predict_proba(ensemble: dict, X) -> np.ndarray:
    indices = np.asarray(ensemble["indices"])
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or len(X) != indices.shape[1]:
        raise ValueError(f"X must be the {indices.shape[1]} training rows the ensemble was fit on")
    k = np.asarray(ensemble["trees"][0]["counts"]).shape[1]
    total, votes = np.zeros((len(X), k)), np.zeros(len(X))
    for tree, rows in zip(ensemble["trees"], indices):
        out = np.ones(len(X), dtype=bool)
        out[rows] = False  # rows this tree was trained on never see it
        if out.any():
            total[out] += predict_proba(tree, X[out])
            votes[out] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / votes[:, None]  # rows in every bootstrap sample: nan


def oob_score(ensemble: dict, X, y) -> float:
    proba = oob_predict_proba(ensemble, X)
    y, _ = _labels(y)
    if len(y) != len(proba):
        raise ValueError("y must hold one label per training row")
    seen = ~np.isnan(proba).any(axis=1)
    if not seen.any():
        raise ValueError("no row is out of bag for any tree")
    return float(np.mean(np.argmax(proba[seen], axis=1) == y[seen]))
