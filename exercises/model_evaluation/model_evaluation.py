"""Model evaluation: k-fold cross-validation, bootstrap confidence intervals, paired model comparison.

Run the visible tests with `python grade.py check model_evaluation`. numpy only (no sklearn).
"""
import numpy as np


def cross_val_scores(model_fn, X, y, k, seed):
    """Accuracy on each of k folds; returns a float array of shape (k,).

    model_fn(X_train, y_train, X_test) -> predictions (one per test row): it trains AND predicts, and only
    data goes in and out. Folds follow kappa_and_cv.kfold_indices: order = np.arange(n) if seed is None,
    else np.random.default_rng(seed).permutation(n); the first n % k folds hold one extra row; fold i is
    the next block of `order`. Training rows = all the others.
    Score of fold i = mean(predictions == y_test). ValueError unless 2 <= k <= n.
    """
    # TODO
    raise NotImplementedError("cross_val_scores")


def bootstrap_ci(metric, y, p, n, alpha, seed):
    """Percentile bootstrap (1 - alpha) confidence interval of metric(y, p); returns (low, high) floats.

    rows = np.random.default_rng(seed).integers(0, m, size=(n, m)) with m = len(y): resample j scores
    metric(y[rows[j]], p[rows[j]]). (low, high) = np.quantile(scores, [alpha / 2, 1 - alpha / 2]).
    """
    # TODO
    raise NotImplementedError("bootstrap_ci")


def compare_models(metric, y, p_a, p_b, n, alpha, seed):
    """Paired bootstrap comparison of two models' predictions on the same rows.

    Returns (diff, low, high): diff = metric(y, p_a) - metric(y, p_b) on all rows, and the percentile
    (1 - alpha) interval of the per-resample differences, rows drawn exactly as in bootstrap_ci and
    shared by both models.
    """
    # TODO
    raise NotImplementedError("compare_models")
