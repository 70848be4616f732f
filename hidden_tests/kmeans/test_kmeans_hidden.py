"""Hidden tests for kmeans.

Wrong answers this suite is built to catch (one line each):
- not matching scikit-learn KMeans(init=..., n_init=1, tol=0) from a given init (centroids, labels, inertia)
- init ignored (always k-means++), or an integer init truncating the means (centroids kept as ints)
- max_iter off by one or ignored (checked with max_iter = 1..5 against scikit-learn)
- inertia increasing from one iteration to the next (max_iter = 1..5 runs must give non-increasing inertia)
- tol ignored (a huge tol must stop after the first iteration)
- stale labels: labels from the last assignment step, not the nearest returned centroid
- inertia as a sum of distances (not squared), or a mean instead of a sum
- an empty cluster producing nan (mean of no points) instead of keeping its centroid
- init=None not deterministic for a fixed seed, or not finding well-separated blobs
- silhouette differing from scikit-learn by more than 1e-6
- silhouette a that counts the point itself (divides by n_c instead of n_c - 1)
- silhouette b as the mean over all other points instead of the nearest other cluster
- singleton clusters not scoring 0 (scikit-learn's convention), e.g. scoring 1 or nan
- silhouette requiring contiguous integer labels (fails on labels like 3, 7, 42 or strings)
- silhouette accepting one cluster or n clusters instead of raising ValueError
"""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_equal, assert_finite, assert_scalar_close, call_repr

SILHOUETTE_TOL = 1e-6


def _sk_kmeans(X, k, init, max_iter=300):
    from sklearn.cluster import KMeans

    km = KMeans(n_clusters=k, init=init, n_init=1, max_iter=max_iter, tol=0, algorithm="lloyd").fit(X)
    return km.cluster_centers_, km.labels_, km.inertia_


def _sk_silhouette(X, labels):
    from sklearn.metrics import silhouette_score

    return silhouette_score(X, labels)


def _blobs(seed, n, d, k, spread=1.0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(k, d))
    X = centres[rng.integers(k, size=n)] + rng.normal(scale=spread, size=(n, d))
    return X


def _bunched_init(X, k):
    """The k data points nearest to (0.2, 0.2): a poor start that needs several iterations, no empty cluster."""
    return X[np.argsort(((X - 0.2) ** 2).sum(axis=1))[:k]]


def _check_result(result, X, k, call):
    """Shape/type of (centroids, labels, inertia); labels are the nearest returned centroid."""
    assert isinstance(result, (tuple, list)) and len(result) == 3, (
        f"called {call}; expected a tuple (centroids, labels, inertia)")
    centroids, labels, inertia = result
    centroids = assert_finite(centroids, call + " centroids", "an empty cluster has no mean; keep its centroid")
    assert centroids.shape == (k, X.shape[1]), f"called {call}; centroids have shape {centroids.shape}, expected {(k, X.shape[1])}"
    labels = np.asarray(labels)
    assert labels.shape == (X.shape[0],) and labels.dtype.kind in "iu", (
        f"called {call}; labels are {labels.dtype} of shape {labels.shape}, expected integers of shape {(X.shape[0],)}")
    nearest = np.argmin(((X[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2), axis=1)
    assert_equal(labels, nearest, call + " labels",
                 why="every label must be the nearest of the RETURNED centroids (re-assign after the last update)",
                 show_expected=False)
    own = ((X - centroids[labels]) ** 2).sum()
    assert_scalar_close(inertia, own, call + " inertia", rtol=1e-9, atol=1e-12,
                        why="inertia is the SUM of SQUARED distances of the points to their centroid")
    return centroids, labels, float(inertia)


def _compare(got, expected, call):
    centroids, labels, inertia = got
    sk_centroids, sk_labels, sk_inertia = expected
    assert_equal(labels, sk_labels, call + " labels (vs scikit-learn)", show_expected=False)
    assert_allclose(centroids, sk_centroids, call + " centroids (vs scikit-learn)", rtol=1e-9, atol=1e-9,
                    show_expected=False)
    assert_scalar_close(inertia, sk_inertia, call + " inertia (vs scikit-learn)", rtol=1e-9, show_expected=False)


# ---------------------------------------------------------------------------- k-means from a given init

@pytest.mark.points(3)
@pytest.mark.parametrize("seed,n,d,k", [(0, 60, 2, 3), (1, 200, 5, 4), (2, 31, 1, 2), (3, 150, 3, 6)])
def test_kmeans_matches_sklearn_from_init(learner, seed, n, d, k):
    X = _blobs(seed, n, d, k, spread=1.5)
    init = X[np.random.default_rng(seed + 100).choice(n, size=k, replace=False)] + 0.05
    call = call_repr("kmeans", X, k, init=init, tol=0.0)
    got = _check_result(learner.kmeans(X, k, init=init, tol=0.0), X, k, call)
    _compare(got, _sk_kmeans(X, k, init), call)


@pytest.mark.points(3)
def test_kmeans_iteration_by_iteration(learner):
    """max_iter = 1..5 from a poor init: each run equals scikit-learn's, and inertia never goes up."""
    X = np.random.default_rng(7).uniform(size=(120, 2))
    init = _bunched_init(X, 4)
    previous = np.inf
    for max_iter in range(1, 6):
        call = call_repr("kmeans", X, 4, init=init, max_iter=max_iter, tol=0.0)
        got = _check_result(learner.kmeans(X, 4, init=init, max_iter=max_iter, tol=0.0), X, 4, call)
        _compare(got, _sk_kmeans(X, 4, init, max_iter=max_iter), call)
        assert got[2] <= previous * (1 + 1e-12), (
            f"called {call}; inertia {got[2]:.6g} is larger than with max_iter={max_iter - 1} - "
            "each Lloyd step can only lower the inertia")
        previous = got[2]


def test_kmeans_tol_stops_early(learner):
    X = np.random.default_rng(8).uniform(size=(80, 2))
    init = _bunched_init(X, 3)
    call = call_repr("kmeans", X, 3, init=init, tol=1e9)
    got = _check_result(learner.kmeans(X, 3, init=init, tol=1e9), X, 3, call)
    expected = _sk_kmeans(X, 3, init, max_iter=1)
    assert_allclose(got[0], expected[0], call + " centroids", rtol=1e-9, atol=1e-9,
                    why="a centroid move below tol must stop the iterations", show_expected=False)


def test_kmeans_integer_data_and_init(learner):
    X = np.array([[0, 0], [0, 1], [1, 0], [9, 9], [9, 10], [10, 9], [10, 10]])
    init = np.array([[0, 0], [10, 10]])
    call = call_repr("kmeans", X, 2, init=init)
    got = _check_result(learner.kmeans(X, 2, init=init), X.astype(float), 2, call)
    assert_allclose(got[0], [[1 / 3, 1 / 3], [9.5, 9.5]], call + " centroids", rtol=1e-9,
                    why="integer inputs: the means must not be truncated to integers")


# ---------------------------------------------------------------------------- empty clusters

@pytest.mark.points(2)
def test_kmeans_far_centroid_stays_empty_without_nan(learner, reference):
    X = np.random.default_rng(9).normal(size=(50, 2))
    init = np.array([[-0.5, 0.0], [0.5, 0.0], [100.0, 100.0]])
    call = call_repr("kmeans", X, 3, init=init)
    centroids, labels, inertia = _check_result(learner.kmeans(X, 3, init=init), X, 3, call)
    assert_allclose(centroids[2], [100.0, 100.0], call + " centroid 2 (never gets a point)",
                    why="an empty cluster keeps its previous centroid")
    ref_centroids, _, ref_inertia = reference.kmeans(X, 3, init=init)
    assert_allclose(centroids, ref_centroids, call + " centroids", rtol=1e-9, atol=1e-9, show_expected=False)
    assert_scalar_close(inertia, ref_inertia, call + " inertia", rtol=1e-9, show_expected=False)


def test_kmeans_duplicate_init_rows(learner, reference):
    X = np.random.default_rng(10).normal(size=(40, 3))
    init = np.array([X[0], X[0], X[5]])
    # first step: centroids 0 and 1 tie everywhere, ties go to the lowest index, so cluster 1 is empty
    call = call_repr("kmeans", X, 3, init=init, max_iter=1)
    centroids, _, _ = _check_result(learner.kmeans(X, 3, init=init, max_iter=1), X, 3, call)
    assert_allclose(centroids[1], X[0], call + " centroid 1",
                    why="ties go to the lowest index; an empty cluster keeps its previous centroid")
    call = call_repr("kmeans", X, 3, init=init)
    centroids, labels, inertia = _check_result(learner.kmeans(X, 3, init=init), X, 3, call)
    ref_centroids, _, ref_inertia = reference.kmeans(X, 3, init=init)
    assert_allclose(centroids, ref_centroids, call + " centroids", rtol=1e-9, atol=1e-9, show_expected=False)


# ---------------------------------------------------------------------------- k-means++ (init=None)

@pytest.mark.points(2)
def test_kmeans_default_init_finds_separated_blobs(learner):
    rng = np.random.default_rng(12)
    centres = np.array([[0.0, 0.0], [30.0, 0.0], [0.0, 30.0], [30.0, 30.0]])
    truth = np.repeat(np.arange(4), 25)
    X = centres[truth] + rng.normal(scale=0.5, size=(100, 2))
    for seed in (0, 1, 2):
        call = call_repr("kmeans", X, 4, seed=seed)
        first = _check_result(learner.kmeans(X, 4, seed=seed), X, 4, call)
        again = learner.kmeans(X, 4, seed=seed)
        assert_equal(again[1], first[1], call + " labels of a second call",
                     why="init=None must be seeded with `seed`, not global random state")
        # the same partition as the truth, up to renaming the clusters
        pairs = {(int(a), int(b)) for a, b in zip(first[1], truth)}
        assert len(pairs) == 4, (
            f"called {call}; the clusters do not match four blobs 30 apart - k-means++ seeding should "
            "never put two starting centroids in one of them")


# ---------------------------------------------------------------------------- silhouette

@pytest.mark.points(3)
@pytest.mark.parametrize("seed,n,d,k", [(0, 30, 2, 2), (1, 80, 4, 3), (2, 57, 1, 5), (3, 120, 3, 7)])
def test_silhouette_matches_sklearn(learner, seed, n, d, k):
    X = _blobs(seed, n, d, k)
    rng = np.random.default_rng(seed)
    labels = rng.integers(k, size=n)
    labels[:k] = np.arange(k)  # every cluster has members
    call = call_repr("silhouette_score", X, labels)
    assert_scalar_close(learner.silhouette_score(X, labels), _sk_silhouette(X, labels), call,
                        atol=SILHOUETTE_TOL, rtol=0,
                        why="a is the mean distance to the OTHER points of the own cluster, b the smallest "
                            "mean distance to another cluster", show_expected=False)


def test_silhouette_of_a_good_clustering(learner, reference):
    X = _blobs(5, 90, 2, 3, spread=0.3)
    labels = reference.kmeans(X, 3, seed=0)[1]
    assert_scalar_close(learner.silhouette_score(X, labels), _sk_silhouette(X, labels),
                        call_repr("silhouette_score", X, labels), atol=SILHOUETTE_TOL, rtol=0, show_expected=False)


@pytest.mark.points(2)
def test_silhouette_singleton_cluster_scores_zero(learner):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [5.0, 5.0], [5.0, 6.0], [20.0, 0.0]])
    labels = np.array([0, 0, 0, 1, 1, 2])  # cluster 2 has a single point
    assert_scalar_close(learner.silhouette_score(X, labels), _sk_silhouette(X, labels),
                        call_repr("silhouette_score", X, labels), atol=SILHOUETTE_TOL, rtol=0,
                        why="a point alone in its cluster has no a; its silhouette is defined as 0",
                        show_expected=False)


def test_silhouette_arbitrary_label_values(learner):
    X = _blobs(6, 40, 2, 3)
    codes = np.random.default_rng(6).integers(3, size=40)
    codes[:3] = [0, 1, 2]
    for labels in (np.array([3, 7, 42])[codes], np.array(["b", "a", "c"])[codes]):
        assert_scalar_close(learner.silhouette_score(X, labels), _sk_silhouette(X, codes),
                            call_repr("silhouette_score", X, labels), atol=SILHOUETTE_TOL, rtol=0,
                            why="labels are names, not necessarily 0..k-1", show_expected=False)


@pytest.mark.parametrize("labels", [[0, 0, 0, 0], [0, 1, 2, 3]])
def test_silhouette_rejects_one_or_n_clusters(learner, labels):
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError):
        learner.silhouette_score(X, np.array(labels))
