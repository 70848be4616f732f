"""Visible tests for hyperparameter_search: `python grade.py check hyperparameter_search`."""
import numpy as np
import pytest
from sklearn.datasets import load_iris

from graders.asserts import assert_shape
from graders.estimators import assert_estimator_class, estimator_spec


@pytest.mark.clause("C6", "C7")
def test_grid_search_returns_one_score_per_candidate(learner):
    X, y = load_iris(return_X_y=True)
    grid = {"n_neighbors": [1, 5, 25], "weights": ["uniform", "distance"]}
    call = "grid_search('sklearn.neighbors.KNeighborsClassifier', grid, X, y, k=3, seed=0)"
    best, scores = learner.grid_search("sklearn.neighbors.KNeighborsClassifier", grid, X, y, 3, 0)
    scores = assert_shape(scores, (6,), call)
    assert np.all((scores > 0.8) & (scores <= 1.0)), f"called {call}; mean scores {scores} are not plausible accuracies on iris"
    assert isinstance(best, dict) and set(best) == {"n_neighbors", "weights"}, \
        f"called {call}; best_params is {best!r}, expected a dict with keys 'n_neighbors' and 'weights'"


@pytest.mark.clause("C3")
def test_grid_search_candidate_order(learner):
    # ParameterGrid order: keys sorted ('n_neighbors' < 'weights'); the last key varies fastest.
    X, y = load_iris(return_X_y=True)
    grid = {"weights": ["uniform"], "n_neighbors": [1, 50]}
    call = "grid_search('sklearn.neighbors.KNeighborsClassifier', grid, X, y, k=3, seed=0)"
    _, scores = learner.grid_search("sklearn.neighbors.KNeighborsClassifier", grid, X, y, 3, 0)
    scores = assert_shape(scores, (2,), call)
    assert scores[0] > scores[1], f"called {call}; n_neighbors=1 should come first and beat n_neighbors=50 here, got {scores}"


@pytest.mark.clause("C8")
@pytest.mark.points(2)
def test_build_search_is_a_gridsearchcv_over_a_pipeline(learner):
    spec = estimator_spec(learner.build_search(0))
    assert_estimator_class(spec, "GridSearchCV", "build_search(0)")
    assert_estimator_class(spec["params"]["estimator"], "Pipeline", "build_search(0).estimator")
