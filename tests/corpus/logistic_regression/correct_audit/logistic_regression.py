"""Logistic regression with L2 on the weights, numpy only (audit answer)."""
import numpy as np


def sigmoid(z):
    """Stable elementwise sigmoid, float64, z's shape."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    e = np.exp(z[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def _check(w, b, X, y=None, lam=0.0):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError("X must be 2-D")
    w = np.asarray(w, dtype=np.float64)
    if w.ndim != 1 or w.shape[0] != X.shape[1]:
        raise ValueError("w must have shape (d,)")
    b = float(b)
    if lam < 0:
        raise ValueError("lam must be >= 0")
    if y is not None:
        y = np.asarray(y)
        if y.ndim != 1 or y.shape[0] != X.shape[0]:
            raise ValueError("y must have shape (N,)")
        y = y.astype(np.float64)
        if not np.all((y == 0) | (y == 1)):
            raise ValueError("labels must be 0 or 1")
    return w, b, X, y


def predict_proba(w, b, X):
    w, b, X, _ = _check(w, b, X)
    return sigmoid(X @ w + b)


def predict(w, b, X, threshold=0.5):
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold must be in [0, 1]")
    return (predict_proba(w, b, X) >= threshold).astype(np.int64)


def log_loss(w, b, X, y, lam=0.0):
    w, b, X, y = _check(w, b, X, y, lam)
    z = X @ w + b
    return float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * lam * np.dot(w, w))


def gradient(w, b, X, y, lam=0.0):
    w, b, X, y = _check(w, b, X, y, lam)
    r = sigmoid(X @ w + b) - y
    return X.T @ r / X.shape[0] + lam * w, float(np.mean(r))


def numerical_gradient(f, theta, h=1e-5):
    if h <= 0:
        raise ValueError("h must be > 0")
    theta = np.array(theta, dtype=np.float64)
    g = np.empty_like(theta)
    for i in range(theta.size):
        tp = theta.copy(); tp[i] += h
        tm = theta.copy(); tm[i] -= h
        g[i] = (f(tp) - f(tm)) / (2 * h)
    return g


def gradient_check(loss_fn, grad_fn, theta, h=1e-5):
    a = np.asarray(grad_fn(np.array(theta, dtype=np.float64)), dtype=np.float64)
    n = numerical_gradient(loss_fn, theta, h)
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-12))


def fit(X, y, lam=0.0, lr=0.1, n_iter=1000):
    if lr <= 0:
        raise ValueError("lr must be > 0")
    if n_iter < 0:
        raise ValueError("n_iter must be >= 0")
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError("X must be 2-D")
    w = np.zeros(X.shape[1])
    b = 0.0
    losses = [log_loss(w, b, X, y, lam)]
    for _ in range(n_iter):
        gw, gb = gradient(w, b, X, y, lam)
        w = w - lr * gw
        b = b - lr * gb
        losses.append(log_loss(w, b, X, y, lam))
    return w, b, np.array(losses)
