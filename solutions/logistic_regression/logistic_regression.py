"""Reference solution: logistic regression with an L2 penalty, trained by full-batch gradient descent."""
import numpy as np


def _labels(X, y):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (N, d), got shape {X.shape}")
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"y must be 1-D with one label per row of X: got shape {y.shape} for X {X.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("labels must be 0 or 1")
    return X, y.astype(np.float64)


def _check_lam(lam):
    if lam < 0:
        raise ValueError(f"lam must be >= 0, got {lam}")


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-z[positive]))
    e = np.exp(z[~positive])  # z < 0: exp(z) cannot overflow
    out[~positive] = e / (1.0 + e)
    return out


def predict_proba(w, b, X):
    X = np.asarray(X, dtype=np.float64)
    return sigmoid(X @ np.asarray(w, dtype=np.float64) + float(b))


def predict(w, b, X, threshold=0.5):
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    return (predict_proba(w, b, X) >= threshold).astype(np.int64)


def log_loss(w, b, X, y, lam=0.0):
    X, y = _labels(X, y)
    _check_lam(lam)
    w = np.asarray(w, dtype=np.float64)
    z = X @ w + float(b)
    # -[y log s(z) + (1 - y) log(1 - s(z))] = log(1 + e^z) - y z, with log(1 + e^z) = logaddexp(0, z)
    data = np.mean(np.logaddexp(0.0, z) - y * z)
    return float(data + 0.5 * lam * np.dot(w, w))


def gradient(w, b, X, y, lam=0.0):
    X, y = _labels(X, y)
    _check_lam(lam)
    w = np.asarray(w, dtype=np.float64)
    residual = sigmoid(X @ w + float(b)) - y
    return X.T @ residual / len(y) + lam * w, float(np.mean(residual))


def numerical_gradient(f, theta, h=1e-5):
    if h <= 0:
        raise ValueError(f"h must be > 0, got {h}")
    theta = np.array(theta, dtype=np.float64)  # a copy: the caller's array is never touched
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        old = theta[i]
        theta[i] = old + h
        up = float(f(theta))
        theta[i] = old - h
        down = float(f(theta))
        theta[i] = old
        grad[i] = (up - down) / (2.0 * h)
    return grad


def gradient_check(loss_fn, grad_fn, theta, h=1e-5):
    analytic = np.asarray(grad_fn(np.array(theta, dtype=np.float64)), dtype=np.float64)
    numeric = numerical_gradient(loss_fn, theta, h)
    scale = max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12)
    return float(np.linalg.norm(analytic - numeric) / scale)


def fit(X, y, lam=0.0, lr=0.1, n_iter=1000):
    X, y = _labels(X, y)
    _check_lam(lam)
    if lr <= 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    if n_iter < 0:
        raise ValueError(f"n_iter must be >= 0, got {n_iter}")
    w, b = np.zeros(X.shape[1]), 0.0
    losses = [log_loss(w, b, X, y, lam)]
    for _ in range(n_iter):
        grad_w, grad_b = gradient(w, b, X, y, lam)
        w, b = w - lr * grad_w, b - lr * grad_b
        losses.append(log_loss(w, b, X, y, lam))
    return w, b, np.array(losses)
