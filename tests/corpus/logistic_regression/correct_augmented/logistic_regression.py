"""Independent correct answer: log-sigmoid formulation, an augmented parameter vector [w, b] with a
penalty mask inside fit, and explicit unit vectors for the centred differences."""
import numpy as np


def _log_sigmoid(z):
    # log(1 / (1 + e^-z)) = min(z, 0) - log1p(e^-|z|), finite for every finite z
    return np.minimum(z, 0.0) - np.log1p(np.exp(-np.abs(z)))


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    small = np.exp(-np.abs(z))  # in (0, 1]: no overflow
    return np.where(z >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


def _validate(X, y, lam):
    X = np.array(X, dtype=np.float64, copy=True)
    if X.ndim != 2:
        raise ValueError("X must be a 2-D array")
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError("y needs exactly one label per row of X")
    if np.any((y != 0) & (y != 1)):
        raise ValueError("labels must be 0 or 1")
    if lam < 0:
        raise ValueError("lam must be non-negative")
    return X, y.astype(np.float64)


def predict_proba(w, b, X):
    return sigmoid(np.asarray(X, dtype=np.float64) @ np.asarray(w, dtype=np.float64) + np.float64(b))


def predict(w, b, X, threshold=0.5):
    if threshold < 0 or threshold > 1:
        raise ValueError("threshold outside [0, 1]")
    p = predict_proba(w, b, X)
    return np.where(p >= threshold, 1, 0).astype(np.int64)


def log_loss(w, b, X, y, lam=0.0):
    X, y = _validate(X, y, lam)
    w = np.asarray(w, dtype=np.float64)
    z = X @ w + np.float64(b)
    per_row = -(y * _log_sigmoid(z) + (1.0 - y) * _log_sigmoid(-z))
    return float(per_row.mean() + lam / 2.0 * float(w @ w))


def gradient(w, b, X, y, lam=0.0):
    X, y = _validate(X, y, lam)
    w = np.asarray(w, dtype=np.float64)
    error = sigmoid(X @ w + np.float64(b)) - y
    n = X.shape[0]
    return (error @ X) / n + lam * w, float(error.sum() / n)


def numerical_gradient(f, theta, h=1e-5):
    if not h > 0:
        raise ValueError("h must be positive")
    theta = np.asarray(theta, dtype=np.float64)
    out = np.empty(theta.shape, dtype=np.float64)
    for i in range(theta.size):
        e = np.zeros_like(theta)
        e[i] = h
        out[i] = (f(theta + e) - f(theta - e)) / (2 * h)
    return out


def gradient_check(loss_fn, grad_fn, theta, h=1e-5):
    theta = np.asarray(theta, dtype=np.float64)
    a = np.asarray(grad_fn(theta.copy()), dtype=np.float64).ravel()
    n = numerical_gradient(loss_fn, theta, h).ravel()
    diff = a - n
    return float(np.sqrt(diff @ diff) / max(np.sqrt(a @ a) + np.sqrt(n @ n), 1e-12))


def fit(X, y, lam=0.0, lr=0.1, n_iter=1000):
    X, y = _validate(X, y, lam)
    if lr <= 0 or n_iter < 0:
        raise ValueError("lr must be > 0 and n_iter >= 0")
    n, d = X.shape
    A = np.hstack([X, np.ones((n, 1))])  # theta = [w, b]
    penalty = np.append(np.full(d, float(lam)), 0.0)  # the bias is not penalised
    theta = np.zeros(d + 1)
    losses = np.empty(n_iter + 1)
    for t in range(n_iter + 1):
        losses[t] = log_loss(theta[:d], theta[d], X, y, lam)
        if t == n_iter:
            break
        g = A.T @ (sigmoid(A @ theta) - y) / n + penalty * theta
        theta = theta - lr * g
    return theta[:d].copy(), float(theta[d]), losses
