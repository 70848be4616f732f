"""Visible tests for pca: `python grade.py check pca`."""
import math

import numpy as np

from graders.asserts import assert_allclose, assert_scalar_close, call_repr

X = np.array([[2.0, 0.0], [0.0, 1.0], [-2.0, 0.0], [0.0, -1.0]])  # mean (0, 0); X.T @ X = diag(8, 2)


def test_fit_small_example(learner):
    pca = learner.fit_pca(X)
    call = call_repr("fit_pca", X)
    assert_allclose(pca["mean"], [0.0, 0.0], call + '["mean"]', atol=1e-9)
    assert_allclose(pca["singular_values"], [math.sqrt(8.0), math.sqrt(2.0)], call + '["singular_values"]')
    assert_allclose(pca["explained_variance"], [8.0 / 3.0, 2.0 / 3.0], call + '["explained_variance"]',
                    why="s**2 / (n - 1) with n = 4")
    assert_allclose(pca["explained_variance_ratio"], [0.8, 0.2], call + '["explained_variance_ratio"]')
    assert_allclose(pca["components"], [[1.0, 0.0], [0.0, 1.0]], call + '["components"]', atol=1e-9,
                    why="rows are the directions; each flipped so that its largest |entry| is positive")


def test_variance_threshold_picks_the_number_of_components(learner):
    # cumulative ratios 0.8, 1.0: 0.75 needs one component, 0.85 needs two
    for threshold, expected in ((0.75, 1), (0.85, 2)):
        pca = learner.fit_pca(X, n_components=threshold)
        got = np.asarray(pca["components"]).shape[0]
        assert got == expected, (f"called fit_pca(X, n_components={threshold}); got {got} components, expected "
                                 f"{expected} (the fewest whose cumulative ratio is greater than {threshold})")


def test_transform_inverse_and_error(learner):
    pca = learner.fit_pca(X, n_components=1)
    Z = learner.transform(pca, X)
    assert_allclose(Z, [[2.0], [0.0], [-2.0], [0.0]], "transform(fit_pca(X, n_components=1), X)", atol=1e-9)
    back = learner.inverse_transform(pca, Z)
    assert_allclose(back, [[2.0, 0.0], [0.0, 0.0], [-2.0, 0.0], [0.0, 0.0]], "inverse_transform(pca, Z)", atol=1e-9)
    assert_scalar_close(learner.reconstruction_error(pca, X), 0.5, "reconstruction_error(pca, X)", atol=1e-9,
                        why="mean over the rows of the squared distance: (0 + 1 + 0 + 1) / 4")


def test_whitened_coordinates_have_unit_variance(learner):
    pca = learner.fit_pca(X, n_components=1, whiten=True)
    Z = learner.transform(pca, X)
    expected = np.array([[2.0], [0.0], [-2.0], [0.0]]) / math.sqrt(8.0 / 3.0)
    assert_allclose(Z, expected, "transform(fit_pca(X, n_components=1, whiten=True), X)", atol=1e-9,
                    why="whitening divides by sqrt(explained_variance)")
    assert_allclose(learner.inverse_transform(pca, Z), [[2.0, 0.0], [0.0, 0.0], [-2.0, 0.0], [0.0, 0.0]],
                    "inverse_transform(whitened pca, Z)", atol=1e-9, why="undo the whitening first")
