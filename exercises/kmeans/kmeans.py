"""K-means (Lloyd's algorithm) and the silhouette score, from scratch in numpy.

Run the visible tests with `python grade.py check kmeans`.
Do not use sklearn or scipy. See README.md for the full contract.
"""
import numpy as np


def kmeans(X, k, init=None, max_iter=300, tol=1e-6, seed=0):
    """Cluster the rows of X (n, d) into k clusters; return (centroids, labels, inertia).

    init: None (k-means++ seeding with np.random.default_rng(seed)) or a (k, d) array of
          starting centroids.
    Each iteration: assign every point to its nearest centroid (ties -> lowest index), then
    move each centroid to the mean of its points; an empty cluster keeps its previous centroid.
    Stop after max_iter iterations, or when the labels did not change, or when the total
    squared centroid move sum_j ||c_new_j - c_old_j||^2 <= tol.
    Returns centroids (k, d) float, labels (n,) int = nearest returned centroid for every point,
    inertia float = sum of squared distances of the points to their returned centroid.
    """
    # TODO: Lloyd iterations; labels must match the centroids you return
    raise NotImplementedError("kmeans")


def silhouette_score(X, labels):
    """Mean silhouette coefficient of a clustering (Euclidean distances), a Python float.

    For point i: a = mean distance to the OTHER points of its cluster, b = smallest mean
    distance to the points of another cluster, s = (b - a) / max(a, b); s = 0 for a point
    alone in its cluster. Raises ValueError unless 2 <= number of clusters <= n - 1.
    """
    # TODO
    raise NotImplementedError("silhouette_score")
