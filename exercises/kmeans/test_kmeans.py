"""Visible tests for kmeans: `python grade.py check kmeans`."""
import numpy as np

from graders.asserts import assert_allclose, assert_equal, assert_scalar_close, assert_shape, call_repr

X_SMALL = np.array([[0.0], [1.0], [10.0], [11.0]])


def test_kmeans_small_example(learner):
    init = np.array([[0.0], [10.0]])
    call = call_repr("kmeans", X_SMALL, 2, init=init)
    centroids, labels, inertia = learner.kmeans(X_SMALL, 2, init=init)
    assert_allclose(centroids, [[0.5], [10.5]], call + " centroids")
    assert_equal(labels, [0, 0, 1, 1], call + " labels")
    assert_scalar_close(inertia, 4 * 0.25, call + " inertia", rtol=1e-9)


def test_kmeans_shapes(learner):
    X = np.random.default_rng(0).normal(size=(30, 3))
    call = call_repr("kmeans", X, 4, seed=0)
    centroids, labels, inertia = learner.kmeans(X, 4, seed=0)
    assert_shape(centroids, (4, 3), call + " centroids")
    labels = assert_shape(labels, (30,), call + " labels")
    assert labels.dtype.kind in "iu" and labels.min() >= 0 and labels.max() < 4, (
        f"called {call}; labels must be integers in 0..3")
    assert_shape(inertia, (), call + " inertia")


def test_silhouette_small_example(learner):
    labels = np.array([0, 0, 1, 1])
    # point 0: a = 1, b = (10 + 11) / 2; point 1: a = 1, b = (9 + 10) / 2; points 2, 3 mirror them
    expected = (9.5 / 10.5 + 8.5 / 9.5) / 2
    assert_scalar_close(learner.silhouette_score(X_SMALL, labels), expected,
                        call_repr("silhouette_score", X_SMALL, labels), rtol=1e-9)
