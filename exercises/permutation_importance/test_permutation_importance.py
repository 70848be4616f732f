"""Visible tests for permutation_importance: `python grade.py check permutation_importance`."""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_shape, call_repr


def r2(y, p):
    return float(1.0 - np.sum((y - p) ** 2) / np.sum((y - np.mean(y)) ** 2))


@pytest.mark.clause("C2", "C3")
@pytest.mark.points(2)
def test_used_feature_matters_unused_does_not(learner):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    y = 2.0 * X[:, 0]
    predict_fn = lambda A: 2.0 * np.asarray(A)[:, 0]  # a perfect model that ignores column 1
    call = call_repr("permutation_importance", X) + " with metric=r2, n_repeats=5, seed=0"
    mean, std = learner.permutation_importance(predict_fn, X, y, r2, 5, 0)
    mean = assert_shape(mean, (2,), call + " mean")
    assert_shape(std, (2,), call + " std")
    assert mean[0] > 1.0, f"called {call}; importance of column 0 is {mean[0]:.3f}: shuffling it should cost more than 1 in R^2"
    assert_allclose(mean[1], 0.0, call + " mean[1]", atol=1e-12, why="the model never looks at column 1")


@pytest.mark.clause("C7")
def test_linear_attributions_small_example(learner):
    w, b = np.array([2.0, -1.0]), 5.0
    x, baseline = np.array([3.0, 1.0]), np.array([1.0, 1.0])
    call = call_repr("linear_attributions", w, b=b, x=x, baseline=baseline)
    assert_allclose(learner.linear_attributions(w, b, x, baseline), [4.0, 0.0], call,
                    why="f(x) - f(baseline) = 10 - 6 = 4, all of it from feature 0")
