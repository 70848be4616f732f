"""Correct, written independently: dot-product distances, bincount means, loop-based silhouette."""
import numpy as np


def _dist2(X, C):
    d = (X * X).sum(1)[:, None] - 2.0 * X @ C.T + (C * C).sum(1)[None, :]
    return np.maximum(d, 0.0)


def _nearest(X, C):
    # exact differences for the decision, so near-ties are resolved like a careful implementation
    best = np.zeros(len(X), dtype=np.int64)
    best_d = ((X - C[0]) ** 2).sum(1)
    for j in range(1, len(C)):
        d = ((X - C[j]) ** 2).sum(1)
        closer = d < best_d
        best[closer] = j
        best_d = np.where(closer, d, best_d)
    return best


def _plus_plus(X, k, seed):
    rs = np.random.RandomState(seed)
    chosen = [rs.randint(len(X))]
    for _ in range(k - 1):
        d = _dist2(X, X[chosen]).min(1)
        chosen.append(rs.choice(len(X), p=d / d.sum()) if d.sum() > 0 else rs.randint(len(X)))
    return X[chosen].astype(float)


def kmeans(X, k, init=None, max_iter=300, tol=1e-6, seed=0):
    X = np.array(X, dtype=np.float64)
    n, d = X.shape
    if k < 1 or k > n:
        raise ValueError("k out of range")
    C = _plus_plus(X, k, seed) if init is None else np.array(init, dtype=np.float64).reshape(k, d)
    old = None
    it = 0
    while it < max_iter:
        it += 1
        lab = _nearest(X, C)
        counts = np.bincount(lab, minlength=k)
        sums = np.zeros((k, d))
        np.add.at(sums, lab, X)
        newC = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], C)
        moved = float(((newC - C) ** 2).sum())
        C = newC
        converged = old is not None and (old == lab).all()
        old = lab
        if converged or moved <= tol:
            break
    lab = _nearest(X, C)
    return C, lab, float(sum(((X[i] - C[lab[i]]) ** 2).sum() for i in range(n)))


def silhouette_score(X, labels):
    X = np.array(X, dtype=np.float64)
    labels = list(np.asarray(labels).tolist())
    groups = {}
    for i, lab in enumerate(labels):
        groups.setdefault(lab, []).append(i)
    if len(groups) < 2 or len(groups) > len(X) - 1:
        raise ValueError("silhouette needs between 2 and n - 1 clusters")
    total = 0.0
    for i, lab in enumerate(labels):
        own = groups[lab]
        if len(own) == 1:
            continue  # contributes 0
        dist = np.sqrt(((X - X[i]) ** 2).sum(1))
        a = dist[own].sum() / (len(own) - 1)
        b = min(dist[idx].mean() for other, idx in groups.items() if other != lab)
        if max(a, b) > 0:
            total += (b - a) / max(a, b)
    return total / len(X)
