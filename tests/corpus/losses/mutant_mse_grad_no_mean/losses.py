"""Reference solution: loss functions and their gradients.

Every loss is a mean over samples and returns a Python float; every gradient is the
derivative of that mean (so it carries the 1/N factor) and has the shape of the prediction.
Everything is computed in float64.
"""
import numpy as np

CCE_EPS = 1e-12  # categorical_cross_entropy clips probabilities into [CCE_EPS, 1]


def _pair(y, p):
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if y.shape != p.shape:
        raise ValueError(f"y has shape {y.shape} but the prediction has shape {p.shape}; they must match")
    return y, p


def _sigmoid(z):
    e = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def mse(y, p):
    y, p = _pair(y, p)
    return float(np.mean((p - y) ** 2))


def mse_grad(y, p):
    y, p = _pair(y, p)
    return 2.0 * (p - y)


def binary_cross_entropy(y, p, eps=1e-12):
    y, p = _pair(y, p)
    p = np.clip(p, eps, 1.0 - eps)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def binary_cross_entropy_grad(y, p, eps=1e-12):
    y, p = _pair(y, p)
    p = np.clip(p, eps, 1.0 - eps)
    return (p - y) / (p * (1.0 - p)) / p.size


def binary_cross_entropy_with_logits(y, z):
    y, z = _pair(y, z)
    # log(1 + exp(z)) - y*z, rewritten so that exp only ever sees -|z|
    return float(np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def binary_cross_entropy_with_logits_grad(y, z):
    y, z = _pair(y, z)
    return (_sigmoid(z) - y) / z.size


def categorical_cross_entropy(y_onehot, p):
    y, p = _pair(y_onehot, p)
    n = y.size // y.shape[-1]
    return float(-np.sum(y * np.log(np.clip(p, CCE_EPS, 1.0))) / n)


def categorical_cross_entropy_grad(y_onehot, p):
    y, p = _pair(y_onehot, p)
    n = y.size // y.shape[-1]
    return -y / np.clip(p, CCE_EPS, 1.0) / n


def hinge(y_pm1, s):
    y, s = _pair(y_pm1, s)
    return float(np.mean(np.maximum(0.0, 1.0 - y * s)))


def hinge_grad(y_pm1, s):
    y, s = _pair(y_pm1, s)
    return np.where(1.0 - y * s > 0, -y, 0.0) / s.size
