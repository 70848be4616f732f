"""Correct, written independently: normal equations on [X, 1] with an unpenalised intercept entry."""
import numpy as np


def ridge_fit(X, y, alpha, fit_intercept=True):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, d = X.shape
    if fit_intercept:
        Z = np.hstack([X, np.ones((n, 1))])
        penalty = np.diag([float(alpha)] * d + [0.0])  # the last entry (the intercept) is free
    else:
        Z = X
        penalty = float(alpha) * np.eye(d)
    A = Z.T @ Z + penalty
    rhs = Z.T @ y
    try:
        theta = np.linalg.solve(A, rhs)
    except np.linalg.LinAlgError:
        theta = np.linalg.lstsq(A, rhs, rcond=None)[0]
    if fit_intercept:
        return theta[:d], float(theta[d])
    return theta, 0.0


def ridge_path(X, y, alphas):
    weights, intercepts = [], []
    for alpha in alphas:
        w, b = ridge_fit(X, y, alpha)
        weights.append(w)
        intercepts.append(b)
    return np.array(weights), np.array(intercepts)


def learning_curve_gap(X_train, y_train, X_val, y_val, alphas):
    train_errors, val_errors = [], []
    for alpha in alphas:
        w, b = ridge_fit(X_train, y_train, alpha)
        train_errors.append(np.mean((X_train @ w + b - y_train) ** 2))
        val_errors.append(np.mean((X_val @ w + b - y_val) ** 2))
    train_errors, val_errors = np.array(train_errors), np.array(val_errors)
    return train_errors, val_errors, val_errors - train_errors


def make_overfitting_data(seed=0, n_train=15, n_val=200, degree=14, noise=0.3):
    rng = np.random.default_rng(seed)

    def sample(n):
        x = rng.uniform(-1.0, 1.0, n)
        y = np.sin(3.0 * x) + noise * rng.normal(size=n)
        return np.vander(x, degree + 1, increasing=True)[:, 1:], y

    X_train, y_train = sample(n_train)
    X_val, y_val = sample(n_val)
    return X_train, y_train, X_val, y_val
