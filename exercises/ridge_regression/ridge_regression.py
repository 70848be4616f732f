"""Ridge regression from scratch (numpy): closed form, regularisation path, train/validation gap.

Run the visible tests with `python grade.py check ridge_regression`.
Do not use sklearn.linear_model here.
"""
import numpy as np


def ridge_fit(X, y, alpha, fit_intercept=True):
    """Minimise ||y - X w - b||^2 + alpha * ||w||^2 (the intercept b is NOT penalised).

    X: (n, d), y: (n,), alpha >= 0. Returns (w of shape (d,), b as a float); b = 0.0 when
    fit_intercept is False. Same solution as sklearn.linear_model.Ridge(alpha, fit_intercept).
    """
    # TODO
    raise NotImplementedError("ridge_fit")


def ridge_path(X, y, alphas):
    """Ridge fits (with intercept) for every alpha: returns (W of shape (len(alphas), d), b of shape (len(alphas),)).

    Row i belongs to alphas[i], in the order given.
    """
    # TODO
    raise NotImplementedError("ridge_path")


def learning_curve_gap(X_train, y_train, X_val, y_val, alphas):
    """For each alpha, fit on the training rows and return (train_mse, val_mse, gap), each (len(alphas),).

    mse is the mean of squared residuals; gap = val_mse - train_mse.
    """
    # TODO
    raise NotImplementedError("learning_curve_gap")


def make_overfitting_data(seed=0, n_train=15, n_val=200, degree=14, noise=0.3):
    """Polynomial features of a noisy sine: few rows, many columns, so a plain least-squares fit overfits.

    Returns X_train (n_train, degree), y_train, X_val (n_val, degree), y_val.
    """
    rng = np.random.default_rng(seed)

    def sample(n):
        x = rng.uniform(-1.0, 1.0, n)
        y = np.sin(3.0 * x) + noise * rng.normal(size=n)
        return np.vander(x, degree + 1, increasing=True)[:, 1:], y

    X_train, y_train = sample(n_train)
    X_val, y_val = sample(n_val)
    return X_train, y_train, X_val, y_val
