"""Independent correct answer: sigmoid as exp(-logaddexp(0, -z)), the loss as softplus(z) - y z with
einsum, the bias gradient by its own formula, and the centred differences of all coordinates at once."""
import numpy as np


def sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -z))


def _prepare(X, y, lam):
    X = np.asarray(X)
    if X.ndim != 2:
        raise ValueError(f"X has {X.ndim} dimensions, expected 2")
    X = X.astype(np.float64)
    labels = np.asarray(y)
    if labels.ndim != 1 or labels.shape[0] != X.shape[0]:
        raise ValueError("y and X disagree on the number of rows")
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("labels must be 0 or 1")
    if lam < 0:
        raise ValueError("negative lam")
    return X, labels.astype(np.float64)


def predict_proba(w, b, X):
    z = np.einsum("nd,d->n", np.asarray(X, dtype=np.float64), np.asarray(w, dtype=np.float64)) + float(b)
    return sigmoid(z)


def predict(w, b, X, threshold=0.5):
    if not (0.0 <= threshold <= 1.0):
        raise ValueError("threshold must lie in [0, 1]")
    return (predict_proba(w, b, X) >= threshold).astype(int)


def log_loss(w, b, X, y, lam=0.0):
    X, y = _prepare(X, y, lam)
    w = np.asarray(w, dtype=np.float64)
    z = np.einsum("nd,d->n", X, w) + float(b)
    softplus = np.logaddexp(0.0, z)
    return float(np.mean(softplus - y * z)) + float(lam) * 0.5 * float(np.sum(w * w))


def gradient(w, b, X, y, lam=0.0):
    X, y = _prepare(X, y, lam)
    w = np.asarray(w, dtype=np.float64)
    p = sigmoid(np.einsum("nd,d->n", X, w) + float(b))
    grad_w = np.einsum("nd,n->d", X, p - y) / len(y) + lam * w
    grad_b = float(np.mean(p) - np.mean(y))
    return grad_w, grad_b


def numerical_gradient(f, theta, h=1e-5):
    if h <= 0:
        raise ValueError("h must be > 0")
    theta = np.asarray(theta, dtype=np.float64)
    steps = h * np.eye(theta.size)
    ups = np.array([f(theta + s) for s in steps], dtype=np.float64)
    downs = np.array([f(theta - s) for s in steps], dtype=np.float64)
    return (ups - downs) / (2.0 * h)


def gradient_check(loss_fn, grad_fn, theta, h=1e-5):
    analytic = np.asarray(grad_fn(np.asarray(theta, dtype=np.float64)), dtype=np.float64)
    numeric = numerical_gradient(loss_fn, theta, h=h)
    denominator = max(float(np.linalg.norm(analytic) + np.linalg.norm(numeric)), 1e-12)
    return float(np.linalg.norm(analytic - numeric)) / denominator


def fit(X, y, lam=0.0, lr=0.1, n_iter=1000):
    Xf, yf = _prepare(X, y, lam)
    if not lr > 0:
        raise ValueError("lr must be positive")
    if n_iter < 0:
        raise ValueError("n_iter must be >= 0")
    w = np.zeros(Xf.shape[1], dtype=np.float64)
    b = 0.0
    history = [log_loss(w, b, Xf, yf, lam)]
    for _ in range(int(n_iter)):
        gw, gb = gradient(w, b, Xf, yf, lam)
        w -= lr * gw
        b -= lr * gb
        history.append(log_loss(w, b, Xf, yf, lam))
    return w, float(b), np.asarray(history)
