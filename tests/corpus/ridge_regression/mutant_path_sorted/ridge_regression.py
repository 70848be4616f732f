"""Audit mutant (path_sorted): ridge regression in closed form, its path over alpha, and the bias-variance gap."""
import numpy as np


def _centre(X, y, fit_intercept):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), 0.0
    x_mean, y_mean = X.mean(axis=0), y.mean()
    return X - x_mean, y - y_mean, x_mean, y_mean


def _path(X, y, alphas, fit_intercept):
    """Weights for every alpha from one SVD of the centred X: w = V diag(s / (s^2 + alpha)) U^T y."""
    Xc, yc, x_mean, y_mean = _centre(X, y, fit_intercept)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    Uty = U.T @ yc
    alphas = np.sort(np.asarray(alphas, dtype=np.float64).reshape(-1))
    W = np.empty((alphas.size, Xc.shape[1]))
    for i, alpha in enumerate(alphas):
        denominator = s ** 2 + alpha
        # alpha = 0 with a rank-deficient X: the minimum-norm least-squares solution
        factor = np.divide(s, denominator, out=np.zeros_like(s), where=denominator > 1e-12 * s.max(initial=1.0) ** 2)
        W[i] = Vt.T @ (factor * Uty)
    b = y_mean - W @ x_mean  # the intercept is not penalised: it just re-centres the fit
    return W, b


def ridge_fit(X, y, alpha, fit_intercept=True):
    W, b = _path(X, y, [alpha], fit_intercept)
    return W[0], float(b[0])


def ridge_path(X, y, alphas):
    return _path(X, y, alphas, fit_intercept=True)


def _mse(X, y, w, b):
    return float(np.mean((np.asarray(y, dtype=np.float64) - (np.asarray(X, dtype=np.float64) @ w + b)) ** 2))


def learning_curve_gap(X_train, y_train, X_val, y_val, alphas):
    W, b = ridge_path(X_train, y_train, alphas)
    train_mse = np.array([_mse(X_train, y_train, w, c) for w, c in zip(W, b)])
    val_mse = np.array([_mse(X_val, y_val, w, c) for w, c in zip(W, b)])
    return train_mse, val_mse, val_mse - train_mse


def make_overfitting_data(seed=0, n_train=15, n_val=200, degree=14, noise=0.3):
    """Polynomial features of a noisy sine: few rows, many columns, so a plain least-squares fit overfits."""
    rng = np.random.default_rng(seed)

    def sample(n):
        x = rng.uniform(-1.0, 1.0, n)
        y = np.sin(3.0 * x) + noise * rng.normal(size=n)
        return np.vander(x, degree + 1, increasing=True)[:, 1:], y

    X_train, y_train = sample(n_train)
    X_val, y_val = sample(n_val)
    return X_train, y_train, X_val, y_val
