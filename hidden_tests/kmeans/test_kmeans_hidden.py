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
- tol compared with the root of the total move, the largest or mean move of one centroid, or a tol scaled by
  the variance (scikit-learn's rule): each stops at another iteration for tol = 0.012, 0.002 or 0.00085
- integer X with init=None: k-means++ copies integer rows and the means are truncated; inertia or the
  silhouette returned as an array instead of a float
- k-means++ picks that do not follow the D^2 rule, or a first pick that is not uniform; the seed ignored

Threshold sweep (`python grade.py dev sweep kmeans --seeds 10`, reference, seeds 0..9) for the k-means++
distribution test (150 calls with k = n = 8, 1050 picks): |mean(p_pick - sum p^2)| min 0.0008, median 0.0042,
max 0.0084 against the threshold 0.025 (mutants: D^2 with sqrt 0.056, D^4 0.049, greedy trials 0.052,
farthest point 0.087, uniform 0.174); the most frequent first pick 23..29 times of 150 (uniform expects
18.75) against 45 (a fixed first pick: 150). Every other tolerance is float rounding.
Each test names the statement's ## Contract clauses it enforces.
"""
import numpy as np
import pytest

from graders.asserts import (assert_allclose, assert_equal, assert_finite, assert_scalar_close, call_repr, describe,
                             expect_raises)

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

@pytest.mark.clause("C1", "C3", "C4", "C6", probes="Lloyd's algorithm from a given init, compared with scikit-learn",
                    topic="clustering")
@pytest.mark.points(3)
@pytest.mark.parametrize("seed,n,d,k", [(0, 60, 2, 3), (1, 200, 5, 4), (2, 31, 1, 2), (3, 150, 3, 6)])
def test_kmeans_matches_sklearn_from_init(learner, seed, n, d, k):
    X = _blobs(seed, n, d, k, spread=1.5)
    init = X[np.random.default_rng(seed + 100).choice(n, size=k, replace=False)] + 0.05
    call = call_repr("kmeans", X, k, init=init, tol=0.0)
    got = _check_result(learner.kmeans(X, k, init=init, tol=0.0), X, k, call)
    _compare(got, _sk_kmeans(X, k, init), call)


@pytest.mark.clause("C1", "C2", "C3", "C4", probes="max_iter off by one or ignored, inertia going up from one iteration to the next",
                    topic="clustering")
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


@pytest.mark.clause("C2", probes="a huge tol that does not stop the iterations after the first update",
                    topic="clustering")
def test_kmeans_tol_stops_early(learner):
    X = np.random.default_rng(8).uniform(size=(80, 2))
    init = _bunched_init(X, 3)
    call = call_repr("kmeans", X, 3, init=init, tol=1e9)
    got = _check_result(learner.kmeans(X, 3, init=init, tol=1e9), X, 3, call)
    expected = _sk_kmeans(X, 3, init, max_iter=1)
    assert_allclose(got[0], expected[0], call + " centroids", rtol=1e-9, atol=1e-9,
                    why="a centroid move below tol must stop the iterations", show_expected=False)


@pytest.mark.clause("C5", probes="integer data and init: means truncated to integers", topic="api contract")
def test_kmeans_integer_data_and_init(learner):
    X = np.array([[0, 0], [0, 1], [1, 0], [9, 9], [9, 10], [10, 9], [10, 10]])
    init = np.array([[0, 0], [10, 10]])
    call = call_repr("kmeans", X, 2, init=init)
    got = _check_result(learner.kmeans(X, 2, init=init), X.astype(float), 2, call)
    assert_allclose(got[0], [[1 / 3, 1 / 3], [9.5, 9.5]], call + " centroids", rtol=1e-9,
                    why="integer inputs: the means must not be truncated to integers")


# ---------------------------------------------------------------------------- empty clusters

@pytest.mark.clause("C1", probes="an empty cluster giving nan or moving", topic="clustering")
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


@pytest.mark.clause("C1", probes="ties not going to the lowest index, or an empty cluster's centroid moved",
                    topic="clustering")
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

@pytest.mark.clause("C7", "C8", probes="init=None unseeded, or seeding that puts two centroids in one blob",
                    topic="clustering")
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

@pytest.mark.clause("C9", probes="a or b computed wrongly, on random labels", topic="evaluation metrics")
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


@pytest.mark.clause("C9", probes="the silhouette of a good clustering", topic="evaluation metrics")
def test_silhouette_of_a_good_clustering(learner, reference):
    X = _blobs(5, 90, 2, 3, spread=0.3)
    labels = reference.kmeans(X, 3, seed=0)[1]
    assert_scalar_close(learner.silhouette_score(X, labels), _sk_silhouette(X, labels),
                        call_repr("silhouette_score", X, labels), atol=SILHOUETTE_TOL, rtol=0, show_expected=False)


@pytest.mark.clause("C9", probes="a singleton cluster scoring 1 or nan", topic="evaluation metrics")
@pytest.mark.points(2)
def test_silhouette_singleton_cluster_scores_zero(learner):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [5.0, 5.0], [5.0, 6.0], [20.0, 0.0]])
    labels = np.array([0, 0, 0, 1, 1, 2])  # cluster 2 has a single point
    assert_scalar_close(learner.silhouette_score(X, labels), _sk_silhouette(X, labels),
                        call_repr("silhouette_score", X, labels), atol=SILHOUETTE_TOL, rtol=0,
                        why="a point alone in its cluster has no a; its silhouette is defined as 0",
                        show_expected=False)


@pytest.mark.clause("C10", probes="labels that are not 0..k-1 (3, 7, 42 or strings)", topic="api contract")
def test_silhouette_arbitrary_label_values(learner):
    X = _blobs(6, 40, 2, 3)
    codes = np.random.default_rng(6).integers(3, size=40)
    codes[:3] = [0, 1, 2]
    for labels in (np.array([3, 7, 42])[codes], np.array(["b", "a", "c"])[codes]):
        assert_scalar_close(learner.silhouette_score(X, labels), _sk_silhouette(X, codes),
                            call_repr("silhouette_score", X, labels), atol=SILHOUETTE_TOL, rtol=0,
                            why="labels are names, not necessarily 0..k-1", show_expected=False)


@pytest.mark.clause("C11", probes="one cluster or n clusters accepted", topic="input validation")
@pytest.mark.parametrize("labels", [[0, 0, 0, 0], [0, 1, 2, 3]])
def test_silhouette_rejects_one_or_n_clusters(learner, labels):
    X = np.arange(8.0).reshape(4, 2)
    labels = np.array(labels)
    with expect_raises(ValueError, call_repr("silhouette_score", X, labels),
                       "the silhouette needs 2 <= number of clusters <= n - 1"):
        learner.silhouette_score(X, labels)


# ---------------------------------------------------------------------------- contract: tol, dtypes, k-means++, seed

@pytest.mark.points(2)
@pytest.mark.clause("C2", probes="tol compared with something other than the total squared centroid move",
                    topic="clustering")
def test_kmeans_tol_is_the_total_squared_move(learner, reference):
    # from this start the total squared moves are 0.47, 0.027, 0.0072, 0.0037, 0.0010, 0.00071, 0: each tol
    # falls between two of them, where a sqrt, a max or a mean over centroids, or a tol scaled by the
    # variance, stops at another iteration
    X = np.random.default_rng(8).uniform(size=(80, 2))
    init = _bunched_init(X, 3)
    for tol in (0.012, 0.002, 0.00085):
        call = call_repr("kmeans", X, 3, init=init, tol=tol)
        centroids, _, _ = _check_result(learner.kmeans(X, 3, init=init, tol=tol), X, 3, call)
        assert_allclose(centroids, reference.kmeans(X, 3, init=init, tol=tol)[0], call + " centroids",
                        rtol=1e-9, atol=1e-9, show_expected=False,
                        why="stop when sum_j ||c_new_j - c_old_j||^2 <= tol: the total of the SQUARED moves of "
                            "all centroids, compared with tol itself")


@pytest.mark.clause("C5", "C6", probes="integer data with init=None: centroids kept as integers, or an inertia "
                                       "that is not a float", topic="api contract")
def test_kmeans_integer_data_default_init(learner):
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 2], [20, 20], [20, 21], [22, 20], [-20, 20], [-21, 21], [-20, 22]])
    for seed in (0, 1):
        call = call_repr("kmeans", X, 3, seed=seed)
        result = learner.kmeans(X, 3, seed=seed)
        centroids, labels, inertia = _check_result(result, X.astype(float), 3, call)
        assert centroids.dtype == np.float64, (
            f"called {call}; centroids are {centroids.dtype}, expected float64 - compute in float64 even when X "
            f"holds integers")
        means = np.array([X[labels == j].mean(axis=0) for j in range(3)])
        assert_allclose(centroids, means, call + " centroids", rtol=1e-12,
                        why="at convergence each centroid is the mean of its points: integer centroids truncate "
                            "the means", show_expected=False)
        assert isinstance(result[2], float), (
            f"called {call}; inertia is {describe(result[2])}, expected a Python float")


def _kmeans_plus_plus_picks(learner, X, seed):
    """The order in which k-means++ picked the points: with k = n every point is picked once, and one Lloyd
    step leaves each centroid on its own point, so the returned centroids are the picks in order."""
    n = X.shape[0]
    call = call_repr("kmeans", X, n, max_iter=1, seed=seed)
    centroids = assert_finite(learner.kmeans(X, n, max_iter=1, seed=seed)[0], call + " centroids")
    assert centroids.shape == X.shape, f"called {call}; centroids have shape {centroids.shape}, expected {X.shape}"
    picks = np.argmin(((centroids[:, None, :] - X[None, :, :]) ** 2).sum(axis=2), axis=1)
    assert np.allclose(X[picks], centroids, rtol=0, atol=1e-12) and len(set(picks.tolist())) == n, (
        f"called {call}; the centroids are not the {n} data points each picked once - with k = n, k-means++ "
        f"picks every point once (a point already chosen has distance 0, so probability 0)")
    return picks


KPP_STATISTIC_MAX = 0.025  # |mean of p(pick) - sum p^2| over 1050 picks; see the sweep in the module docstring
KPP_FIRST_PICK_MAX = 45  # times one point is picked first in 150 calls (uniform: 18.75 expected)


@pytest.mark.points(3)
@pytest.mark.convergence
@pytest.mark.clause("C7", probes="k-means++ picks that do not follow the D^2 rule (uniform, farthest point, "
                                 "distance not squared, greedy trials) or a first pick that is not uniform",
                    topic="clustering")
def test_kmeans_plus_plus_follows_the_d2_rule(learner, train_seed, record_metric):
    """Each pick i has probability p_i = D2_i / sum(D2); the chosen p minus its expectation sum(p^2) averages
    to 0 under the D^2 rule, is negative when the picks are too uniform and positive when too greedy."""
    X = np.random.default_rng(77).normal(size=(8, 2))
    n = X.shape[0]
    deviations, first = [], np.zeros(n, dtype=int)
    for i in range(150):
        picks = _kmeans_plus_plus_picks(learner, X, seed=train_seed * 1000 + i)
        first[picks[0]] += 1
        for t in range(1, n):
            d2 = ((X[:, None, :] - X[picks[:t]][None, :, :]) ** 2).sum(axis=2).min(axis=1)
            p = d2 / d2.sum()
            deviations.append(p[picks[t]] - np.sum(p ** 2))
    statistic = abs(float(np.mean(deviations)))
    record_metric("d2_rule_statistic", statistic, KPP_STATISTIC_MAX, higher_is_better=False)
    record_metric("first_pick_max_count", float(first.max()), KPP_FIRST_PICK_MAX, higher_is_better=False)
    call = call_repr("kmeans", X, n, max_iter=1) + " over 150 seeds"
    assert first.max() <= KPP_FIRST_PICK_MAX, (
        f"called {call}; one point was picked first {first.max()} times out of 150 - the first centroid is drawn "
        f"uniformly at random among the points")
    assert statistic <= KPP_STATISTIC_MAX, (
        f"called {call}; the later picks do not follow the k-means++ rule (probability proportional to the "
        f"SQUARED distance to the nearest centroid already chosen, one random draw per pick)")


@pytest.mark.clause("C8", probes="the seed ignored with init=None (the same start for every seed)",
                    topic="randomness and reproducibility")
def test_kmeans_seed_is_used(learner):
    X = _blobs(13, 60, 2, 5, spread=2.0)
    starts = set()
    for seed in range(5):
        centroids = assert_finite(learner.kmeans(X, 5, max_iter=1, seed=seed)[0],
                                  call_repr("kmeans", X, 5, max_iter=1, seed=seed) + " centroids")
        starts.add(tuple(np.round(centroids, 9).ravel().tolist()))
    assert len(starts) > 1, (
        f"called {call_repr('kmeans', X, 5, max_iter=1)} with seeds 0..4; got the same centroids every time - "
        f"draw the k-means++ picks from np.random.default_rng(seed)")


@pytest.mark.clause("C9", probes="the silhouette returned as an array instead of a float", topic="api contract")
def test_silhouette_is_a_float(learner):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 5.0], [5.0, 6.0], [9.0, 0.0]])
    labels = np.array([0, 0, 1, 1, 2])
    got = learner.silhouette_score(X, labels)
    assert isinstance(got, float), (
        f"called {call_repr('silhouette_score', X, labels)}; got {describe(got)}, expected a Python float")
