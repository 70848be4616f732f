"""Correct, written from the statement with plain loops: one threshold at a time (boolean masks),
Python-float impurities, a recursive builder that appends nodes in preorder, per-row prediction,
and bootstrap samples drawn tree by tree from one generator."""
from __future__ import annotations

import math

import numpy as np


def _as_labels(y) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or y.size == 0:
        raise ValueError("y must be a non-empty 1-D array")
    if y.dtype.kind not in "iufb":
        raise ValueError("labels must be numbers")
    as_float = y.astype(float)
    if not np.all(np.isfinite(as_float)) or np.any(as_float < 0) or np.any(as_float != np.floor(as_float)):
        raise ValueError("labels must be integers >= 0")
    return y.astype(int)


def _as_data(X, y):
    X = np.asarray(X, dtype=float)
    y = _as_labels(y)
    if X.ndim != 2:
        raise ValueError("X must be 2-D")
    if not np.isfinite(X).all():
        raise ValueError("X must be finite")
    if X.shape[0] != y.shape[0]:
        raise ValueError("X and y lengths differ")
    return X, y


def _validate(criterion, max_depth=None, min_samples_split=2, min_samples_leaf=1):
    if criterion not in ("gini", "entropy"):
        raise ValueError("unknown criterion")
    if max_depth is not None and max_depth < 1:
        raise ValueError("max_depth < 1")
    if min_samples_split < 2:
        raise ValueError("min_samples_split < 2")
    if min_samples_leaf < 1:
        raise ValueError("min_samples_leaf < 1")


def _impurity_of_counts(counts, criterion: str) -> float:
    n = float(sum(counts))
    if criterion == "gini":
        result = 1.0
        for c in counts:
            result -= (c / n) ** 2
        return result
    result = 0.0
    for c in counts:
        if c > 0:
            result -= (c / n) * math.log2(c / n)
    return result


def _counts(y, k):
    counts = [0] * k
    for label in y:
        counts[int(label)] += 1
    return counts


def gini(y) -> float:
    y = _as_labels(y)
    return _impurity_of_counts(_counts(y, int(y.max()) + 1), "gini")


def entropy(y) -> float:
    y = _as_labels(y)
    return _impurity_of_counts(_counts(y, int(y.max()) + 1), "entropy")


def _search(X, y, k, criterion, min_samples_leaf):
    n, d = X.shape
    parent = _impurity_of_counts(_counts(y, k), criterion)
    best = None
    for f in range(d):
        values = sorted(set(X[:, f].tolist()))
        for a, b in zip(values[:-1], values[1:]):
            t = (a + b) / 2
            if t == b:
                t = a
            mask = X[:, f] <= t
            n_left = int(mask.sum())
            n_right = n - n_left
            if n_left < min_samples_leaf or n_right < min_samples_leaf:
                continue
            gain = (parent - n_left / n * _impurity_of_counts(_counts(y[mask], k), criterion)
                    - n_right / n * _impurity_of_counts(_counts(y[~mask], k), criterion))
            if best is None or gain > best[2] + 1e-12:
                best = (f, t, gain)
    return best


def best_split(X, y, criterion="gini", min_samples_leaf=1):
    X, y = _as_data(X, y)
    _validate(criterion, None, 2, min_samples_leaf)
    found = _search(X, y, int(y.max()) + 1, criterion, min_samples_leaf)
    return None if found is None else (int(found[0]), float(found[1]), float(found[2]))


def fit_tree(X, y, criterion="gini", max_depth=None, min_samples_split=2, min_samples_leaf=1, n_classes=None):
    X, y = _as_data(X, y)
    _validate(criterion, max_depth, min_samples_split, min_samples_leaf)
    k = int(y.max()) + 1 if n_classes is None else int(n_classes)
    if k < int(y.max()) + 1:
        raise ValueError("n_classes too small")
    nodes = []  # [feature, threshold, left, right, impurity, counts]

    def grow(rows, depth):
        counts = _counts(y[rows], k)
        me = len(nodes)
        nodes.append([-2, -2.0, -1, -1, _impurity_of_counts(counts, criterion), counts])
        if max_depth is not None and depth == max_depth:
            return me
        if len(rows) < min_samples_split or sum(1 for c in counts if c) == 1:
            return me
        found = _search(X[rows], y[rows], k, criterion, min_samples_leaf)
        if found is None:
            return me
        f, t, _ = found
        nodes[me][0], nodes[me][1] = f, t
        nodes[me][2] = grow(rows[X[rows, f] <= t], depth + 1)
        nodes[me][3] = grow(rows[X[rows, f] > t], depth + 1)
        return me

    grow(np.arange(len(y)), 0)
    return {"feature": np.array([nd[0] for nd in nodes], dtype=int),
            "threshold": np.array([nd[1] for nd in nodes], dtype=float),
            "children_left": np.array([nd[2] for nd in nodes], dtype=int),
            "children_right": np.array([nd[3] for nd in nodes], dtype=int),
            "impurity": np.array([nd[4] for nd in nodes], dtype=float),
            "counts": np.array([nd[5] for nd in nodes], dtype=int).reshape(len(nodes), k),
            "n_features": int(X.shape[1])}


def predict_proba(tree, X):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != int(tree["n_features"]):
        raise ValueError("X has the wrong shape")
    counts = np.asarray(tree["counts"])
    out = np.zeros((X.shape[0], counts.shape[1]))
    for i, row in enumerate(X):
        node = 0
        while tree["children_left"][node] != -1:
            if row[tree["feature"][node]] <= tree["threshold"][node]:
                node = tree["children_left"][node]
            else:
                node = tree["children_right"][node]
        out[i] = counts[node] / counts[node].sum()
    return out


def predict(tree, X):
    proba = predict_proba(tree, X)
    labels = []
    for row in proba:
        best = 0
        for c in range(1, len(row)):
            if row[c] > row[best]:
                best = c
        labels.append(best)
    return np.array(labels, dtype=int)


def feature_importances(tree):
    counts = np.asarray(tree["counts"])
    n = counts.sum(axis=1)
    total_rows = float(n[0])
    out = np.zeros(int(tree["n_features"]))
    for t in range(len(n)):
        l, r = tree["children_left"][t], tree["children_right"][t]
        if l == -1:
            continue
        out[tree["feature"][t]] += (n[t] * tree["impurity"][t] - n[l] * tree["impurity"][l]
                                    - n[r] * tree["impurity"][r]) / total_rows
    s = out.sum()
    if s <= 1e-12:
        return np.zeros_like(out)
    return out / s


def bootstrap_indices(n_samples, n_estimators, seed):
    if n_estimators < 1 or n_samples < 1:
        raise ValueError("need at least one sample and one estimator")
    rng = np.random.default_rng(seed)
    return np.array([rng.integers(0, n_samples, size=n_samples) for _ in range(n_estimators)])


def fit_bagging(X, y, n_estimators=10, seed=0, criterion="gini", max_depth=None, min_samples_split=2,
                min_samples_leaf=1):
    X, y = _as_data(X, y)
    _validate(criterion, max_depth, min_samples_split, min_samples_leaf)
    if n_estimators < 1:
        raise ValueError("n_estimators < 1")
    indices = bootstrap_indices(len(y), n_estimators, seed)
    k = int(y.max()) + 1
    trees = []
    for rows in indices:
        trees.append(fit_tree(X[rows], y[rows], criterion, max_depth, min_samples_split, min_samples_leaf,
                              n_classes=k))
    return {"trees": trees, "indices": indices}


def bagging_predict_proba(ensemble, X):
    total = None
    for tree in ensemble["trees"]:
        p = predict_proba(tree, X)
        total = p if total is None else total + p
    return total / len(ensemble["trees"])


def bagging_predict(ensemble, X):
    return np.argmax(bagging_predict_proba(ensemble, X), axis=1)


def bagging_feature_importances(ensemble):
    total = np.zeros(int(ensemble["trees"][0]["n_features"]))
    for tree in ensemble["trees"]:
        total += feature_importances(tree)
    s = total.sum()
    return total / s if s > 0 else total


def oob_predict_proba(ensemble, X):
    X = np.asarray(X, dtype=float)
    indices = np.asarray(ensemble["indices"])
    if X.ndim != 2 or X.shape[0] != indices.shape[1]:
        raise ValueError("X must be the training rows")
    k = np.asarray(ensemble["trees"][0]["counts"]).shape[1]
    out = np.full((X.shape[0], k), np.nan)
    for i in range(X.shape[0]):
        used = [tree for tree, rows in zip(ensemble["trees"], indices) if i not in set(rows.tolist())]
        if used:
            out[i] = np.mean([predict_proba(tree, X[i:i + 1])[0] for tree in used], axis=0)
    return out


def oob_score(ensemble, X, y):
    proba = oob_predict_proba(ensemble, X)
    y = _as_labels(y)
    right, seen = 0, 0
    for i in range(len(y)):
        if np.isnan(proba[i]).any():
            continue
        seen += 1
        right += int(np.argmax(proba[i]) == y[i])
    if seen == 0:
        raise ValueError("no out-of-bag row")
    return right / seen
