"""Visible tests for model_evaluation: `python grade.py check model_evaluation`."""
import numpy as np

from graders.asserts import assert_allclose


def accuracy(y, p):
    return float(np.mean(np.asarray(y) == np.asarray(p)))


def test_cross_val_scores_unshuffled_folds(learner):
    X = np.arange(5, dtype=float).reshape(-1, 1)
    y = np.array([0, 0, 1, 1, 1])
    seen = []

    def model_fn(X_train, y_train, X_test):
        seen.append(np.asarray(X_test)[:, 0].astype(int).tolist())
        return np.ones(len(X_test), dtype=int)          # always predicts class 1

    scores = learner.cross_val_scores(model_fn, X, y, 2, None)
    assert seen == [[0, 1, 2], [3, 4]], f"test folds {seen}, expected [[0, 1, 2], [3, 4]] (first fold one larger)"
    assert_allclose(scores, [1 / 3, 1.0], "cross_val_scores(model_fn, X, y, 2, None)")


def test_bootstrap_ci_of_a_perfect_model(learner):
    y = np.array([0, 1, 1, 0, 1])
    low, high = learner.bootstrap_ci(accuracy, y, y.copy(), 50, 0.1, 0)
    assert (low, high) == (1.0, 1.0), f"a model that is always right has interval (1, 1), got {(low, high)}"


def test_bootstrap_ci_brackets_the_estimate(learner):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=200)
    p = np.where(rng.random(200) < 0.7, y, 1 - y)
    low, high = learner.bootstrap_ci(accuracy, y, p, 500, 0.1, 0)
    assert low < accuracy(y, p) < high and high - low < 0.2, f"got ({low:.3f}, {high:.3f})"


def test_compare_models_difference(learner):
    y = np.array([1, 1, 0, 0])
    diff, low, high = learner.compare_models(accuracy, y, y.copy(), np.array([1, 0, 0, 1]), 100, 0.1, 0)
    assert abs(diff - 0.5) < 1e-12 and low <= diff <= high, f"got ({diff}, {low}, {high}), expected diff 0.5"
