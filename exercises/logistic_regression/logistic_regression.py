"""Logistic regression with an L2 penalty on the weights (not the bias), from scratch in numpy.

Run the visible tests with `python grade.py check logistic_regression`.
Shapes: X (N, d), w (d,), b a number, y (N,) with labels 0 or 1. Logits z = X @ w + b.
Objective: J(w, b) = mean_i [log(1 + exp(z_i)) - y_i z_i] + (lam / 2) * sum(w ** 2).
Vectorise (no loop over rows) and compute in float64. Do not use sklearn, scipy, torch,
jax, tensorflow or keras.
"""
import numpy as np


def sigmoid(z):
    """1 / (1 + exp(-z)) elementwise, as a float64 array of z's shape.

    Never overflows (no nan even for |z| = 1e4) and keeps its relative accuracy in the
    tail: sigmoid(-700) is about 9.9e-305, not 0.
    """
    # TODO
    raise NotImplementedError("sigmoid")


def predict_proba(w, b, X):
    """sigmoid(X @ w + b), shape (N,)."""
    # TODO
    raise NotImplementedError("predict_proba")


def predict(w, b, X, threshold=0.5):
    """Integer labels (N,): 1 where predict_proba(w, b, X) >= threshold, else 0.

    Raises ValueError for a threshold outside [0, 1].
    """
    # TODO
    raise NotImplementedError("predict")


def log_loss(w, b, X, y, lam=0.0):
    """Mean binary cross-entropy from the logits + (lam / 2) * sum(w ** 2), as a float.

    The bias is not penalised. Finite and accurate for logits up to 1000 in magnitude (no
    log(0), no clipping). Raises ValueError for labels other than 0/1, len(y) != len(X),
    X not 2-D, or lam < 0.
    """
    # TODO
    raise NotImplementedError("log_loss")


def gradient(w, b, X, y, lam=0.0):
    """(grad_w, grad_b): X^T (sigmoid(z) - y) / N + lam * w, and mean(sigmoid(z) - y) as a float.

    The exact gradient of log_loss; same ValueErrors as log_loss.
    """
    # TODO
    raise NotImplementedError("gradient")


def numerical_gradient(f, theta, h=1e-5):
    """Centred differences: entry i is (f(theta + h e_i) - f(theta - h e_i)) / (2 h).

    theta: a 1-D float array, left unchanged; f maps such an array to a float.
    Raises ValueError for h <= 0.
    """
    # TODO
    raise NotImplementedError("numerical_gradient")


def gradient_check(loss_fn, grad_fn, theta, h=1e-5):
    """||a - n|| / max(||a|| + ||n||, 1e-12): a = grad_fn(theta), n = numerical_gradient(loss_fn, theta, h)."""
    # TODO
    raise NotImplementedError("gradient_check")


def fit(X, y, lam=0.0, lr=0.1, n_iter=1000):
    """Full-batch gradient descent from w = 0, b = 0.0; returns (w, b, losses).

    Each of the n_iter steps: (grad_w, grad_b) = gradient(w, b, X, y, lam), then
    w -= lr * grad_w and b -= lr * grad_b. losses has n_iter + 1 entries: the log_loss
    (with lam) before the first step and after each step. Raises ValueError for lr <= 0
    or n_iter < 0 (and as log_loss does).
    """
    # TODO
    raise NotImplementedError("fit")
