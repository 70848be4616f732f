"""Visible tests for logistic_regression: `python grade.py check logistic_regression`."""
import numpy as np

from graders.asserts import assert_allclose, assert_equal, assert_scalar_close, call_repr

X = np.array([[1.0, 2.0], [0.0, -1.0], [2.0, 1.0]])
Y = np.array([1, 0, 1])
W, B = np.array([0.5, -0.25]), 0.1  # logits z = X @ W + B = [0.1, 0.35, 0.85]


def test_sigmoid_small_and_extreme_values(learner):
    z = np.array([-1000.0, -40.0, 0.0, 2.0, 40.0, 1000.0])
    expected = np.array([0.0, np.exp(-40.0) / (1.0 + np.exp(-40.0)), 0.5, 1.0 / (1.0 + np.exp(-2.0)), 1.0, 1.0])
    assert_allclose(learner.sigmoid(z), expected, call_repr("sigmoid", z), rtol=1e-12,
                    why="no overflow for large |z|, and sigmoid(-40) is about 4.2e-18, not 0")


def test_log_loss_hand_example(learner):
    z = X @ W + B
    data = np.mean(np.log(1.0 + np.exp(z)) - Y * z)  # small logits: the direct formula is fine here
    assert_scalar_close(learner.log_loss(W, B, X, Y), data, call_repr("log_loss", W, B, X, Y), rtol=1e-9)
    assert_scalar_close(learner.log_loss(W, B, X, Y, lam=0.1), data + 0.05 * np.sum(W ** 2),
                        call_repr("log_loss", W, B, X, Y, lam=0.1), rtol=1e-9,
                        why="the penalty is (lam / 2) * sum(w ** 2); the bias is not penalised")


def test_log_loss_large_logit(learner):
    w, x, y = np.array([1.0]), np.array([[1000.0]]), np.array([0])
    assert_scalar_close(learner.log_loss(w, 0.0, x, y), 1000.0, call_repr("log_loss", w, 0.0, x, y), rtol=1e-9,
                        why="y = 0 and z = 1000 lose log(1 + e^1000) = 1000: compute from the logit")


def test_gradient_hand_example(learner):
    p = 1.0 / (1.0 + np.exp(-(X @ W + B)))
    grad_w, grad_b = learner.gradient(W, B, X, Y, lam=0.1)
    call = call_repr("gradient", W, B, X, Y, lam=0.1)
    assert_allclose(grad_w, X.T @ (p - Y) / 3 + 0.1 * W, call + ", grad_w", rtol=1e-9)
    assert_scalar_close(grad_b, np.mean(p - Y), call + ", grad_b", rtol=1e-9)


def test_numerical_gradient_of_a_cubic(learner):
    theta = np.array([1.0, -2.0])
    got = learner.numerical_gradient(lambda t: float(np.sum(t ** 3)), theta, h=1e-2)
    # ((t + h)^3 - (t - h)^3) / (2h) = 3 t^2 + h^2
    assert_allclose(got, 3 * theta ** 2 + 1e-4, "numerical_gradient(sum(t ** 3), [1.0, -2.0], h=1e-2)", rtol=1e-9)


def test_gradient_check_of_a_doubled_gradient(learner):
    theta = np.array([0.5, -1.0, 2.0])
    got = learner.gradient_check(lambda t: float(np.sum(t ** 2)), lambda t: 4.0 * t, theta)
    # the true gradient is 2t: ||4t - 2t|| / (||4t|| + ||2t||) = 1/3
    assert_scalar_close(got, 1.0 / 3.0, "gradient_check(sum(t ** 2), 4t, theta)", rtol=1e-6)


def test_predict_with_thresholds(learner):
    assert_equal(learner.predict(W, B, X), np.array([1, 1, 1]), call_repr("predict", W, B, X))
    assert_equal(learner.predict(W, B, X, threshold=0.6), np.array([0, 0, 1]),
                 call_repr("predict", W, B, X, threshold=0.6))


def test_fit_one_step(learner):
    w, b, losses = learner.fit(X, Y, lam=0.1, lr=0.5, n_iter=1)
    call = call_repr("fit", X, Y, lam=0.1, lr=0.5, n_iter=1)
    # at w = 0, b = 0 every p is 0.5: grad_w = X^T (0.5 - y) / N, grad_b = mean(0.5 - y)
    assert_allclose(w, -0.5 * X.T @ (0.5 - Y) / 3, call + ", w", rtol=1e-9)
    assert_scalar_close(b, -0.5 * np.mean(0.5 - Y), call + ", b", rtol=1e-9)
    assert_allclose(np.asarray(losses)[0], np.log(2.0), call + ", losses[0]", rtol=1e-9)
