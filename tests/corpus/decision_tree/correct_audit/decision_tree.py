"""CART tree grown level by level (a whole depth at a time), renumbered to preorder afterwards;
brute-force split search with boolean masks; bagging with OOB."""
from __future__ import annotations

import numpy as np


def _as_labels(y) -> np.ndarray:
    arr = np.asarray(y)
    if arr.ndim != 1 or len(arr) == 0:
        raise ValueError("y: non-empty 1-D labels expected")
    if arr.dtype.kind not in "iuf":
        raise ValueError("y: integer labels expected")
    if arr.dtype.kind == "f" and (not np.isfinite(arr).all() or (arr % 1 != 0).any()):
        raise ValueError("y: integer labels expected")
    if (arr < 0).any():
        raise ValueError("y: labels must be >= 0")
    return arr.astype(int)


def _impurity_of_counts(c: np.ndarray, criterion: str) -> float:
    n = c.sum()
    p = c[c > 0] / n
    if criterion == "gini":
        return float(1.0 - (p ** 2).sum())
    return float(-(p * np.log2(p)).sum())


def gini(y) -> float:
    return _impurity_of_counts(np.bincount(_as_labels(y)), "gini")


def entropy(y) -> float:
    return _impurity_of_counts(np.bincount(_as_labels(y)), "entropy")


def _validate(X, y, criterion="gini", max_depth=None, min_samples_split=2, min_samples_leaf=1):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or not np.isfinite(X).all():
        raise ValueError("X must be a finite 2-D array")
    y = _as_labels(y)
    if len(y) != X.shape[0]:
        raise ValueError("X and y have different lengths")
    if criterion not in ("gini", "entropy"):
        raise ValueError("unknown criterion")
    if (max_depth is not None and max_depth < 1) or min_samples_split < 2 or min_samples_leaf < 1:
        raise ValueError("bad limits")
    return X, y


def _best(X, y, K, criterion, msl):
    n = len(y)
    parent = _impurity_of_counts(np.bincount(y, minlength=K), criterion)
    found = None
    for f in range(X.shape[1]):
        vals = np.unique(X[:, f])
        for a, b in zip(vals[:-1], vals[1:]):
            t = (a + b) / 2
            if t == b or not np.isfinite(t):
                t = a
            mask = X[:, f] <= t
            nl = int(mask.sum())
            nr = n - nl
            if nl < msl or nr < msl:
                continue
            g = (parent
                 - nl / n * _impurity_of_counts(np.bincount(y[mask], minlength=K), criterion)
                 - nr / n * _impurity_of_counts(np.bincount(y[~mask], minlength=K), criterion))
            if found is None or g > found[2] + 1e-12:
                found = (f, float(t), float(g))
    return found


def best_split(X, y, criterion: str = "gini", min_samples_leaf: int = 1):
    X, y = _validate(X, y, criterion, None, 2, min_samples_leaf)
    return _best(X, y, y.max() + 1, criterion, min_samples_leaf)


def fit_tree(X, y, criterion: str = "gini", max_depth: int | None = None, min_samples_split: int = 2,
             min_samples_leaf: int = 1, n_classes: int | None = None) -> dict:
    X, y = _validate(X, y, criterion, max_depth, min_samples_split, min_samples_leaf)
    K = y.max() + 1 if n_classes is None else n_classes
    if K < y.max() + 1:
        raise ValueError("n_classes smaller than the labels")
    # creation order: a whole level at a time; kids[i] = (left, right) in creation ids
    info, kids = [], []
    level = [np.arange(len(y))]
    depth = 0
    while level:
        nxt = []
        for rows in level:
            c = np.bincount(y[rows], minlength=K)
            me = len(info)
            info.append([-2, -2.0, _impurity_of_counts(c, criterion), c])
            kids.append(None)
            stop = ((max_depth is not None and depth == max_depth) or len(rows) < min_samples_split
                    or (c > 0).sum() == 1)
            s = None if stop else _best(X[rows], y[rows], K, criterion, min_samples_leaf)
            if s is None:
                continue
            f, t, _ = s
            info[me][0], info[me][1] = f, t
            m = X[rows, f] <= t
            kids[me] = len(nxt)  # position of the left child in the next level, resolved below
            nxt.append(rows[m])
            nxt.append(rows[~m])
        # the next level's nodes will get creation ids len(info) + position
        base = len(info)
        for i in range(base - len(level), base):
            if kids[i] is not None:
                kids[i] = (base + kids[i], base + kids[i] + 1)
        level = nxt
        depth += 1
    m = len(info)
    size = np.ones(m, dtype=int)
    for i in range(m - 1, -1, -1):  # children are created after parents
        if kids[i] is not None:
            size[i] = 1 + size[kids[i][0]] + size[kids[i][1]]
    pre = np.zeros(m, dtype=int)
    for i in range(m):  # parents before children
        if kids[i] is not None:
            l, r = kids[i]
            pre[l] = pre[i] + 1
            pre[r] = pre[i] + 1 + size[l]
    feature = np.full(m, -2, dtype=int)
    threshold = np.full(m, -2.0)
    left = np.full(m, -1, dtype=int)
    right = np.full(m, -1, dtype=int)
    impurity = np.zeros(m)
    counts = np.zeros((m, K), dtype=int)
    for i in range(m):
        j = pre[i]
        feature[j], threshold[j], impurity[j], counts[j] = info[i]
        if kids[i] is not None:
            left[j], right[j] = pre[kids[i][0]], pre[kids[i][1]]
    return {"feature": feature, "threshold": threshold, "children_left": left, "children_right": right,
            "impurity": impurity, "counts": counts, "n_features": X.shape[1]}


def predict_proba(tree: dict, X) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != tree["n_features"]:
        raise ValueError("X must be (n, n_features)")
    counts = np.asarray(tree["counts"], dtype=float)
    out = np.zeros((len(X), counts.shape[1]))
    for i, x in enumerate(X):
        node = 0
        while tree["children_left"][node] != -1:
            if x[tree["feature"][node]] <= tree["threshold"][node]:
                node = tree["children_left"][node]
            else:
                node = tree["children_right"][node]
        out[i] = counts[node] / counts[node].sum()
    return out


def predict(tree: dict, X) -> np.ndarray:
    return predict_proba(tree, X).argmax(axis=1)


def feature_importances(tree: dict) -> np.ndarray:
    c = np.asarray(tree["counts"]).sum(axis=1).astype(float)
    imp = np.asarray(tree["impurity"], dtype=float)
    res = np.zeros(tree["n_features"])
    for t, (l, r) in enumerate(zip(tree["children_left"], tree["children_right"])):
        if l != -1:
            res[tree["feature"][t]] += (c[t] * imp[t] - c[l] * imp[l] - c[r] * imp[r]) / c[0]
    total = res.sum()
    return res / total if total > 1e-12 else np.zeros_like(res)


def bootstrap_indices(n_samples: int, n_estimators: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.stack([rng.integers(0, n_samples, size=n_samples) for _ in range(n_estimators)])


def fit_bagging(X, y, n_estimators: int = 10, seed: int = 0, criterion: str = "gini",
                max_depth: int | None = None, min_samples_split: int = 2, min_samples_leaf: int = 1) -> dict:
    X, y = _validate(X, y, criterion, max_depth, min_samples_split, min_samples_leaf)
    if n_estimators < 1:
        raise ValueError("n_estimators < 1")
    ind = bootstrap_indices(len(y), n_estimators, seed)
    return {"trees": [fit_tree(X[r], y[r], criterion, max_depth, min_samples_split, min_samples_leaf,
                               n_classes=y.max() + 1) for r in ind],
            "indices": ind}


def bagging_predict_proba(ensemble: dict, X) -> np.ndarray:
    ps = [predict_proba(t, X) for t in ensemble["trees"]]
    return sum(ps) / len(ps)


def bagging_predict(ensemble: dict, X) -> np.ndarray:
    return bagging_predict_proba(ensemble, X).argmax(axis=1)


def bagging_feature_importances(ensemble: dict) -> np.ndarray:
    s = sum(feature_importances(t) for t in ensemble["trees"])
    return s / s.sum() if s.sum() > 1e-12 else np.zeros_like(s)


def oob_predict_proba(ensemble: dict, X) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    ind = np.asarray(ensemble["indices"])
    n = ind.shape[1]
    if X.ndim != 2 or len(X) != n:
        raise ValueError("X must be the n training rows")
    K = np.asarray(ensemble["trees"][0]["counts"]).shape[1]
    out = np.full((n, K), np.nan)
    for i in range(n):
        ts = [t for t in range(len(ind)) if i not in ind[t]]
        if ts:
            out[i] = np.mean([predict_proba(ensemble["trees"][t], X[i:i + 1])[0] for t in ts], axis=0)
    return out


def oob_score(ensemble: dict, X, y) -> float:
    p = oob_predict_proba(ensemble, X)
    ok = ~np.isnan(p[:, 0])
    if not ok.any():
        raise ValueError("no out-of-bag row")
    return float((p[ok].argmax(axis=1) == np.asarray(y)[ok]).mean())
