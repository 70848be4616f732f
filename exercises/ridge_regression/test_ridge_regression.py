"""Visible tests for ridge_regression: `python grade.py check ridge_regression`."""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_shape, call_repr


@pytest.mark.clause("C1", "C3")
def test_one_feature_by_hand(learner):
    # centred x = [-1, 0, 1], centred y = [-2, 0, 2]: w = (x.y) / (x.x + alpha) = 4 / (2 + 2) = 1
    X = np.array([[0.0], [1.0], [2.0]])
    y = np.array([1.0, 3.0, 5.0])
    w, b = learner.ridge_fit(X, y, 2.0)
    call = call_repr("ridge_fit", X, y, alpha=2.0)
    assert_allclose(w, [1.0], call + " w")
    assert_allclose(np.float64(b), 2.0, call + " b", why="b = mean(y) - mean(X) @ w; the intercept is not shrunk")


@pytest.mark.clause("C2")
def test_alpha_zero_recovers_an_exact_line(learner):
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 2.0], [3.0, 1.0]])
    y = X @ np.array([2.0, -1.0]) + 0.5
    w, b = learner.ridge_fit(X, y, 0.0)
    call = call_repr("ridge_fit", X, y, alpha=0.0)
    assert_allclose(w, [2.0, -1.0], call + " w", atol=1e-9)
    assert_allclose(np.float64(b), 0.5, call + " b", atol=1e-9)


@pytest.mark.clause("C5")
def test_ridge_path_shapes(learner):
    X, y, _, _ = learner.make_overfitting_data(0)
    alphas = np.array([1.0, 0.1, 10.0])
    W, b = learner.ridge_path(X, y, alphas)
    assert_shape(W, (3, X.shape[1]), call_repr("ridge_path", X, y, alphas) + " W")
    assert_shape(b, (3,), call_repr("ridge_path", X, y, alphas) + " b")


@pytest.mark.clause("C6")
@pytest.mark.points(2)
def test_gap_shrinks_on_the_overfitting_data(learner):
    alphas = np.array([1e-8, 1.0])
    train_mse, val_mse, gap = learner.learning_curve_gap(*learner.make_overfitting_data(0), alphas)
    gap = assert_shape(gap, (2,), "learning_curve_gap(*make_overfitting_data(0), [1e-8, 1.0]) gap")
    assert gap[0] > gap[1], f"the validation-minus-training gap should shrink with more regularisation, got {gap}"
