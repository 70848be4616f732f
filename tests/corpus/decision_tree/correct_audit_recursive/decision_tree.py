"""CART classification tree + bagging, numpy only (recursive growth, cumulative-count split search)."""
from __future__ import annotations

import numpy as np

_TOL = 1e-12


def _labels(y) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or y.size == 0:
        raise ValueError("y must be a non-empty 1-D array")
    if y.dtype == bool:
        raise ValueError("labels must be integers")
    if not np.issubdtype(y.dtype, np.integer):
        if not np.issubdtype(y.dtype, np.floating):
            raise ValueError("labels must be integers")
        if not np.all(np.isfinite(y)) or np.any(y != np.round(y)):
            raise ValueError("labels must be integers")
    if np.any(y < 0):
        raise ValueError("labels must be >= 0")
    return y.astype(np.int64)


def _features(X) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError("X must be 2-D")
    if not np.all(np.isfinite(X)):
        raise ValueError("X must be finite")
    return X


def _imp_counts(counts: np.ndarray, criterion: str) -> np.ndarray:
    """Impurity of each row of a (..., K) count array."""
    counts = np.asarray(counts, dtype=float)
    n = counts.sum(axis=-1, keepdims=True)
    p = counts / np.where(n > 0, n, 1.0)
    if criterion == "gini":
        return 1.0 - np.sum(p * p, axis=-1)
    logs = np.log2(np.where(p > 0, p, 1.0))
    return -np.sum(p * logs, axis=-1)


def gini(y) -> float:
    y = _labels(y)
    return float(_imp_counts(np.bincount(y), "gini"))


def entropy(y) -> float:
    y = _labels(y)
    return float(_imp_counts(np.bincount(y), "entropy"))


def _check_params(criterion, max_depth=None, min_samples_split=2, min_samples_leaf=1):
    if criterion not in ("gini", "entropy"):
        raise ValueError("criterion must be 'gini' or 'entropy'")
    if max_depth is not None and max_depth < 1:
        raise ValueError("max_depth must be >= 1")
    if min_samples_split < 2:
        raise ValueError("min_samples_split must be >= 2")
    if min_samples_leaf < 1:
        raise ValueError("min_samples_leaf must be >= 1")


def _checked_xy(X, y):
    X = _features(X)
    y = _labels(y)
    if X.shape[0] != y.shape[0]:
        raise ValueError("X and y lengths differ")
    return X, y


def _search(X: np.ndarray, y: np.ndarray, K: int, criterion: str, msl: int):
    n, d = X.shape
    onehot = np.zeros((n, K))
    onehot[np.arange(n), y] = 1.0
    total = onehot.sum(axis=0)
    parent = float(_imp_counts(total, criterion))
    best = None  # (gain, feature, threshold)
    cands = []
    for f in range(d):
        order = np.argsort(X[:, f], kind="stable")
        xs = X[order, f]
        left = np.cumsum(onehot[order], axis=0)[:-1]
        nl = np.arange(1, n)
        ok = (xs[1:] > xs[:-1]) & (nl >= msl) & (n - nl >= msl)
        if not ok.any():
            continue
        pos = np.nonzero(ok)[0]
        lc = left[pos]
        rc = total - lc
        nL = nl[pos].astype(float)
        nR = n - nL
        gains = parent - nL / n * _imp_counts(lc, criterion) - nR / n * _imp_counts(rc, criterion)
        a, b = xs[pos], xs[pos + 1]
        thr = (a + b) / 2.0
        bad = (thr == b) | ~np.isfinite(thr)
        thr = np.where(bad, a, thr)
        for g, t in zip(gains, thr):
            cands.append((float(g), f, float(t)))
    if not cands:
        return None
    top = max(c[0] for c in cands)
    for g, f, t in cands:  # already in (feature, threshold) increasing order
        if g >= top - _TOL:
            return f, t, g
    return None


def best_split(X, y, criterion: str = "gini", min_samples_leaf: int = 1):
    X, y = _checked_xy(X, y)
    _check_params(criterion, min_samples_leaf=min_samples_leaf)
    return _search(X, y, int(y.max()) + 1, criterion, min_samples_leaf)


def fit_tree(X, y, criterion: str = "gini", max_depth: int | None = None, min_samples_split: int = 2,
             min_samples_leaf: int = 1, n_classes: int | None = None) -> dict:
    X, y = _checked_xy(X, y)
    _check_params(criterion, max_depth, min_samples_split, min_samples_leaf)
    K = int(y.max()) + 1 if n_classes is None else int(n_classes)
    if K < int(y.max()) + 1:
        raise ValueError("n_classes too small")
    feat, thr, cl, cr, imp, cnt = [], [], [], [], [], []

    def grow(rows: np.ndarray, depth: int) -> int:
        node = len(feat)
        counts = np.bincount(y[rows], minlength=K)
        feat.append(-2); thr.append(-2.0); cl.append(-1); cr.append(-1)
        imp.append(float(_imp_counts(counts, criterion))); cnt.append(counts)
        if (max_depth is not None and depth >= max_depth) or len(rows) < min_samples_split \
                or np.count_nonzero(counts) <= 1:
            return node
        split = _search(X[rows], y[rows], K, criterion, min_samples_leaf)
        if split is None:
            return node
        f, t, _ = split
        go_left = X[rows, f] <= t
        feat[node] = f; thr[node] = t
        cl[node] = grow(rows[go_left], depth + 1)
        cr[node] = grow(rows[~go_left], depth + 1)
        return node

    grow(np.arange(len(y)), 0)
    return {
        "feature": np.array(feat, dtype=np.int64),
        "threshold": np.array(thr, dtype=float),
        "children_left": np.array(cl, dtype=np.int64),
        "children_right": np.array(cr, dtype=np.int64),
        "impurity": np.array(imp, dtype=float),
        "counts": np.array(cnt, dtype=np.int64).reshape(len(feat), K),
        "n_features": int(X.shape[1]),
    }


def predict_proba(tree: dict, X) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != int(tree["n_features"]):
        raise ValueError("X must be (n, n_features)")
    feat = np.asarray(tree["feature"]); thr = np.asarray(tree["threshold"], dtype=float)
    cl = np.asarray(tree["children_left"]); cr = np.asarray(tree["children_right"])
    counts = np.asarray(tree["counts"], dtype=float)
    node = np.zeros(X.shape[0], dtype=np.int64)
    active = cl[node] != -1
    while active.any():
        idx = np.nonzero(active)[0]
        nd = node[idx]
        left = X[idx, feat[nd]] <= thr[nd]
        node[idx] = np.where(left, cl[nd], cr[nd])
        active = cl[node] != -1
    leaf = counts[node]
    return leaf / leaf.sum(axis=1, keepdims=True)


def predict(tree: dict, X) -> np.ndarray:
    return np.argmax(predict_proba(tree, X), axis=1).astype(np.int64)


def feature_importances(tree: dict) -> np.ndarray:
    d = int(tree["n_features"])
    counts = np.asarray(tree["counts"], dtype=float)
    n = counts.sum(axis=1)
    imp = np.asarray(tree["impurity"], dtype=float)
    cl = np.asarray(tree["children_left"]); cr = np.asarray(tree["children_right"])
    feat = np.asarray(tree["feature"])
    out = np.zeros(d)
    for t in range(len(feat)):
        if cl[t] == -1:
            continue
        l, r = cl[t], cr[t]
        out[feat[t]] += (n[t] * imp[t] - n[l] * imp[l] - n[r] * imp[r]) / n[0]
    s = out.sum()
    return out / s if s > _TOL else np.zeros(d)


def bootstrap_indices(n_samples: int, n_estimators: int, seed: int) -> np.ndarray:
    if n_samples < 1 or n_estimators < 1:
        raise ValueError("n_samples and n_estimators must be >= 1")
    return np.random.default_rng(seed).integers(0, n_samples, size=(n_estimators, n_samples))


def fit_bagging(X, y, n_estimators: int = 10, seed: int = 0, criterion: str = "gini",
                max_depth: int | None = None, min_samples_split: int = 2, min_samples_leaf: int = 1) -> dict:
    X, y = _checked_xy(X, y)
    _check_params(criterion, max_depth, min_samples_split, min_samples_leaf)
    if n_estimators < 1:
        raise ValueError("n_estimators must be >= 1")
    K = int(y.max()) + 1
    idx = bootstrap_indices(len(y), n_estimators, seed)
    trees = [fit_tree(X[i], y[i], criterion, max_depth, min_samples_split, min_samples_leaf, n_classes=K)
             for i in idx]
    return {"trees": trees, "indices": idx}


def bagging_predict_proba(ensemble: dict, X) -> np.ndarray:
    return np.mean([predict_proba(t, X) for t in ensemble["trees"]], axis=0)


def bagging_predict(ensemble: dict, X) -> np.ndarray:
    return np.argmax(bagging_predict_proba(ensemble, X), axis=1).astype(np.int64)


def bagging_feature_importances(ensemble: dict) -> np.ndarray:
    tot = np.sum([feature_importances(t) for t in ensemble["trees"]], axis=0)
    s = tot.sum()
    return tot / s if s > _TOL else np.zeros_like(tot)


def oob_predict_proba(ensemble: dict, X) -> np.ndarray:
    idx = np.asarray(ensemble["indices"])
    X = np.asarray(X, dtype=float)
    n = idx.shape[1]
    if X.ndim != 2 or X.shape[0] != n:
        raise ValueError("X must hold the n training rows")
    K = np.asarray(ensemble["trees"][0]["counts"]).shape[1]
    total = np.zeros((n, K))
    used = np.zeros(n)
    for t, tree in enumerate(ensemble["trees"]):
        oob = np.ones(n, dtype=bool)
        oob[idx[t]] = False
        if oob.any():
            total[oob] += predict_proba(tree, X[oob])
            used[oob] += 1
    out = np.full((n, K), np.nan)
    has = used > 0
    out[has] = total[has] / used[has, None]
    return out


def oob_score(ensemble: dict, X, y) -> float:
    proba = oob_predict_proba(ensemble, X)
    y = np.asarray(y)
    if y.shape[0] != proba.shape[0]:
        raise ValueError("y must have n rows")
    has = ~np.isnan(proba).any(axis=1)
    if not has.any():
        raise ValueError("no row has an out-of-bag prediction")
    return float(np.mean(np.argmax(proba[has], axis=1) == y[has]))
