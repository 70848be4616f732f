"""Correct, written from the statement by another route: the tree is grown breadth-first (a queue)
into linked node records and renumbered into preorder at the end; the split search sorts with
np.lexsort, counts the left side with a 2-D histogram cumulated along the rows, and scores
candidates by the weighted child impurity n_L * I_L + n_R * I_R (entropy via log2(n) - sum c log2 c / n);
prediction recurses over index sets; the OOB estimate uses an in-bag count matrix."""
from __future__ import annotations

from collections import deque

import numpy as np

_TIE = 1e-12


def _labels(y) -> np.ndarray:
    arr = np.asarray(y)
    if arr.ndim != 1 or len(arr) == 0:
        raise ValueError("y must be a non-empty vector")
    try:
        as_float = arr.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError("labels must be integers") from exc
    if np.isnan(as_float).any() or (as_float < 0).any() or (np.mod(as_float, 1) != 0).any():
        raise ValueError("labels must be non-negative integers")
    return as_float.astype(np.int64)


def _Xy(X, y):
    X = np.array(X, dtype=np.float64)
    y = _labels(y)
    if X.ndim != 2 or X.shape[0] != y.shape[0] or not np.isfinite(X).all():
        raise ValueError("X must be a finite (n, d) array with one row per label")
    return X, y


def _params(criterion, max_depth, min_samples_split, min_samples_leaf):
    if criterion not in {"gini", "entropy"}:
        raise ValueError(f"criterion {criterion!r}")
    if not (max_depth is None or max_depth >= 1) or min_samples_split < 2 or min_samples_leaf < 1:
        raise ValueError("bad limits")


def _node_impurity(counts: np.ndarray, criterion: str) -> np.ndarray:
    """Impurity per row of counts, via sums of squares (Gini) or n log n (entropy)."""
    counts = counts.astype(np.float64)
    n = counts.sum(axis=-1)
    if criterion == "gini":
        return 1.0 - np.sum(counts ** 2, axis=-1) / n ** 2
    clogc = np.where(counts > 0, counts * np.log2(np.where(counts > 0, counts, 1.0)), 0.0)
    return np.log2(n) - clogc.sum(axis=-1) / n


def gini(y) -> float:
    y = _labels(y)
    return float(_node_impurity(np.bincount(y), "gini"))


def entropy(y) -> float:
    y = _labels(y)
    return float(_node_impurity(np.bincount(y), "entropy"))


def _search(X, y, k, criterion, leaf):
    n, d = X.shape
    total = np.bincount(y, minlength=k)
    parent_weighted = n * float(_node_impurity(total, criterion))
    candidates = []  # (weighted child impurity, feature, threshold)
    for f in range(d):
        order = np.lexsort((np.arange(n), X[:, f]))
        xs, ys = X[order, f], y[order]
        hist = np.zeros((n, k), dtype=np.int64)
        hist[np.arange(n), ys] = 1
        left = np.add.accumulate(hist, axis=0)[:-1]
        n_left = left.sum(axis=1)
        ok = (np.diff(xs) != 0) & (n_left >= leaf) & (n - n_left >= leaf)
        for i in np.nonzero(ok)[0]:
            a, b = xs[i], xs[i + 1]
            t = (a + b) / 2.0
            t = a if t == b else t
            weighted = (n_left[i] * float(_node_impurity(left[i], criterion))
                        + (n - n_left[i]) * float(_node_impurity(total - left[i], criterion)))
            candidates.append((weighted, f, t))
    if not candidates:
        return None
    lowest = min(c[0] for c in candidates)
    # a gain within 1e-12 of the best is a weighted impurity within n * 1e-12 of the lowest
    for weighted, f, t in candidates:  # already in (feature, threshold) order
        if weighted <= lowest + n * _TIE:
            return f, t, (parent_weighted - weighted) / n


def best_split(X, y, criterion="gini", min_samples_leaf=1):
    X, y = _Xy(X, y)
    _params(criterion, None, 2, min_samples_leaf)
    out = _search(X, y, int(y.max()) + 1, criterion, min_samples_leaf)
    if out is None:
        return None
    return int(out[0]), float(out[1]), float(out[2])


def fit_tree(X, y, criterion="gini", max_depth=None, min_samples_split=2, min_samples_leaf=1, n_classes=None):
    X, y = _Xy(X, y)
    _params(criterion, max_depth, min_samples_split, min_samples_leaf)
    k = int(y.max()) + 1
    if n_classes is not None:
        if n_classes < k:
            raise ValueError("n_classes smaller than the labels")
        k = int(n_classes)
    records = []  # dicts in breadth-first order
    queue = deque([(np.arange(len(y)), 0, None, None)])
    while queue:
        idx, depth, parent, side = queue.popleft()
        counts = np.bincount(y[idx], minlength=k)
        rec = {"counts": counts, "impurity": float(_node_impurity(counts, criterion)), "feature": -2,
               "threshold": -2.0, "kids": None}
        records.append(rec)
        if parent is not None:
            parent["kids"][side] = rec
        stop = ((max_depth is not None and depth >= max_depth) or idx.size < min_samples_split
                or (counts > 0).sum() == 1)
        found = None if stop else _search(X[idx], y[idx], k, criterion, min_samples_leaf)
        if found is None:
            continue
        rec["feature"], rec["threshold"] = found[0], found[1]
        rec["kids"] = [None, None]
        go = X[idx, found[0]] <= found[1]
        queue.append((idx[go], depth + 1, rec, 0))
        queue.append((idx[~go], depth + 1, rec, 1))
    # renumber in preorder
    order, stack = [], [records[0]]
    while stack:
        rec = stack.pop()
        order.append(rec)
        if rec["kids"] is not None:
            stack.append(rec["kids"][1])
            stack.append(rec["kids"][0])
    ids = {id(rec): i for i, rec in enumerate(order)}
    m = len(order)
    tree = {"feature": np.full(m, -2, dtype=np.int32), "threshold": np.full(m, -2.0),
            "children_left": np.full(m, -1, dtype=np.int32), "children_right": np.full(m, -1, dtype=np.int32),
            "impurity": np.zeros(m), "counts": np.zeros((m, k), dtype=np.int32), "n_features": X.shape[1]}
    for i, rec in enumerate(order):
        tree["impurity"][i], tree["counts"][i] = rec["impurity"], rec["counts"]
        if rec["kids"] is not None:
            tree["feature"][i], tree["threshold"][i] = rec["feature"], rec["threshold"]
            tree["children_left"][i] = ids[id(rec["kids"][0])]
            tree["children_right"][i] = ids[id(rec["kids"][1])]
    return tree


def _route(tree, X, node, idx, out):
    if idx.size == 0:
        return
    left = int(tree["children_left"][node])
    if left == -1:
        out[idx] = node
        return
    go = X[idx, int(tree["feature"][node])] <= tree["threshold"][node]
    _route(tree, X, left, idx[go], out)
    _route(tree, X, int(tree["children_right"][node]), idx[~go], out)


def predict_proba(tree, X):
    X = np.array(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != tree["n_features"]:
        raise ValueError("X does not have n_features columns")
    leaf = np.empty(len(X), dtype=np.int64)
    _route(tree, X, 0, np.arange(len(X)), leaf)
    counts = np.asarray(tree["counts"], dtype=np.float64)[leaf]
    return counts / counts.sum(axis=1)[:, None]


def predict(tree, X):
    p = predict_proba(tree, X)
    return (p == p.max(axis=1, keepdims=True)).argmax(axis=1)


def feature_importances(tree):
    counts = np.asarray(tree["counts"], dtype=np.float64)
    share = counts.sum(axis=1) / counts[0].sum()
    weighted = share * np.asarray(tree["impurity"])
    left, right = np.asarray(tree["children_left"]), np.asarray(tree["children_right"])
    internal = left != -1
    decrease = weighted[internal] - weighted[left[internal]] - weighted[right[internal]]
    out = np.bincount(np.asarray(tree["feature"])[internal], weights=decrease, minlength=tree["n_features"])
    out = out.astype(np.float64)
    s = out.sum()
    return out / s if s > 1e-12 else np.zeros(tree["n_features"])


def bootstrap_indices(n_samples, n_estimators, seed):
    if n_estimators < 1:
        raise ValueError("n_estimators must be >= 1")
    return np.random.default_rng(seed).integers(0, n_samples, size=(n_estimators, n_samples))


def fit_bagging(X, y, n_estimators=10, seed=0, criterion="gini", max_depth=None, min_samples_split=2,
                min_samples_leaf=1):
    X, y = _Xy(X, y)
    _params(criterion, max_depth, min_samples_split, min_samples_leaf)
    idx = bootstrap_indices(len(y), n_estimators, seed)
    k = int(y.max()) + 1
    return {"indices": idx,
            "trees": [fit_tree(X[r], y[r], criterion=criterion, max_depth=max_depth,
                               min_samples_split=min_samples_split, min_samples_leaf=min_samples_leaf, n_classes=k)
                      for r in idx]}


def bagging_predict_proba(ensemble, X):
    stacked = np.stack([predict_proba(t, X) for t in ensemble["trees"]])
    return stacked.sum(axis=0) / stacked.shape[0]


def bagging_predict(ensemble, X):
    p = bagging_predict_proba(ensemble, X)
    return (p == p.max(axis=1, keepdims=True)).argmax(axis=1)


def bagging_feature_importances(ensemble):
    stacked = np.stack([feature_importances(t) for t in ensemble["trees"]])
    total = stacked.sum(axis=0)
    return total / total.sum() if total.sum() > 0 else total


def oob_predict_proba(ensemble, X):
    indices = np.asarray(ensemble["indices"])
    X = np.array(X, dtype=np.float64)
    n = indices.shape[1]
    if X.ndim != 2 or X.shape[0] != n:
        raise ValueError("X must hold the ensemble's n training rows")
    in_bag = np.stack([np.bincount(r, minlength=n) for r in indices])  # (T, n) times drawn
    probs = np.stack([predict_proba(t, X) for t in ensemble["trees"]])  # (T, n, K)
    weight = (in_bag == 0).astype(np.float64)
    num = np.einsum("tn,tnk->nk", weight, probs)
    den = weight.sum(axis=0)
    out = np.full(num.shape, np.nan)
    has = den > 0
    out[has] = num[has] / den[has, None]
    return out


def oob_score(ensemble, X, y):
    p = oob_predict_proba(ensemble, X)
    y = _labels(y)
    ok = ~np.isnan(p[:, 0])
    if not ok.any():
        raise ValueError("no row was ever out of bag")
    return float(((p[ok] == p[ok].max(axis=1, keepdims=True)).argmax(axis=1) == y[ok]).mean())
