"""Model explainability: permutation importance and exact attributions for a linear model.

Run the visible tests with `python grade.py check permutation_importance`.
Do not use sklearn.inspection.
"""
import numpy as np


def permutation_importance(predict_fn, X, y, metric, n_repeats=5, seed=0):
    """Drop in score when one column of X is shuffled, averaged over n_repeats shuffles.

    predict_fn(X) -> predictions; metric(y_true, y_pred) -> score (higher is better),
    or one of the names "accuracy", "r2", "neg_mean_squared_error".
    X: (n, d). Returns (mean, std), each (d,): importance = baseline score - permuted score,
    std with ddof=0. Random numbers: scikit-learn's convention, spelled out in README.md.
    """
    # TODO
    raise NotImplementedError("permutation_importance")


def linear_attributions(w, b, x, baseline):
    """Per-feature contributions to f(x) - f(baseline) for f(v) = w . v + b.

    w: (d,); x: (d,) or (n, d); baseline: (d,). Returns an array shaped like x whose
    last axis sums to f(x) - f(baseline).
    """
    # TODO
    raise NotImplementedError("linear_attributions")
