"""Reference solution: Lloyd's k-means and the silhouette score."""
import numpy as np


def _squared_distances(X, C):
    """(n, k) squared Euclidean distances between the rows of X and of C."""
    return ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)


def _assign(X, centroids):
    return np.argmin(_squared_distances(X, centroids), axis=1)  # ties go to the lowest index


def _kmeans_plus_plus(X, k, rng):
    n = X.shape[0]
    centroids = [X[rng.integers(n)]]
    closest = ((X - centroids[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = closest.sum()
        i = rng.integers(n) if total == 0 else rng.choice(n, p=closest / total)
        centroids.append(X[i])
        closest = np.minimum(closest, ((X - X[i]) ** 2).sum(axis=1))
    return np.array(centroids, dtype=float)


def kmeans(X, k, init=None, max_iter=300, tol=1e-6, seed=0):
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape {X.shape}")
    n, d = X.shape
    if not 1 <= k <= n:
        raise ValueError(f"need 1 <= k <= n_samples={n}, got k={k}")
    if max_iter < 1:
        raise ValueError(f"max_iter must be >= 1, got {max_iter}")
    if init is None:
        centroids = _kmeans_plus_plus(X, k, np.random.default_rng(seed))
    else:
        centroids = np.array(init, dtype=float)
        if centroids.shape != (k, d):
            raise ValueError(f"init must have shape ({k}, {d}), got {centroids.shape}")

    previous_labels = None
    for _ in range(max_iter):
        labels = _assign(X, centroids)
        new = centroids.copy()  # an empty cluster keeps its previous centroid
        for j in range(k):
            members = labels == j
            if members.any():
                new[j] = X[members].mean(axis=0)
        shift = ((new - centroids) ** 2).sum()
        centroids = new
        if previous_labels is not None and np.array_equal(labels, previous_labels):
            break
        if shift <= tol:
            break
        previous_labels = labels

    labels = _assign(X, centroids)  # labels always match the returned centroids
    inertia = float(((X - centroids[labels]) ** 2).sum())
    return centroids, labels, inertia


def silhouette_score(X, labels):
    X = np.asarray(X, dtype=float)
    classes, codes = np.unique(np.asarray(labels), return_inverse=True)
    n, n_clusters = X.shape[0], classes.size
    if codes.size != n:
        raise ValueError(f"labels has {codes.size} entries for {n} samples")
    if not 2 <= n_clusters <= n - 1:
        raise ValueError(f"the silhouette needs 2 <= number of clusters <= n_samples - 1, got {n_clusters} for {n}")
    distances = np.sqrt(_squared_distances(X, X))
    onehot = np.eye(n_clusters)[codes]
    sums = distances @ onehot  # (n, n_clusters): total distance to each cluster
    sizes = onehot.sum(axis=0)
    rows = np.arange(n)
    own_size = sizes[codes]
    with np.errstate(divide="ignore", invalid="ignore"):
        a = sums[rows, codes] / (own_size - 1)  # the point itself (distance 0) is not counted
        mean_to_other = sums / sizes
        mean_to_other[rows, codes] = np.inf
        b = mean_to_other.min(axis=1)
        s = (b - a) / np.maximum(a, b)
    s[own_size == 1] = 0.0  # singleton clusters score 0 (Rousseeuw; scikit-learn)
    s[np.isnan(s)] = 0.0  # a == b == 0: duplicate points
    return float(s.mean())
