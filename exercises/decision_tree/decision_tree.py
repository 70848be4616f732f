"""A CART classification tree (Gini or entropy), impurity-based feature importances, and a bagged
ensemble of trees with out-of-bag estimates, in numpy.

Run the visible tests with `python grade.py check decision_tree`.
Labels are integers 0..n_classes-1. A tree is a dict of arrays indexed by node, nodes numbered in
depth-first preorder (scikit-learn's `tree_` layout):
    "feature"          int,   -2 at a leaf
    "threshold"        float, -2.0 at a leaf; a row goes left when x[feature] <= threshold
    "children_left"    int,   -1 at a leaf
    "children_right"   int,   -1 at a leaf
    "impurity"         float, the node's impurity by the criterion
    "counts"           int (n_nodes, n_classes), the node's training rows of each class
    "n_features"       int
An ensemble is a dict {"trees": [tree, ...], "indices": (n_estimators, n_samples) int array}.
Do not use sklearn, scipy, torch, tensorflow, keras or jax.
"""
from __future__ import annotations

import numpy as np


def gini(y) -> float:
    """1 - sum_k p_k**2, p_k the fraction of class k in y. ValueError for an empty y or bad labels."""
    # TODO
    raise NotImplementedError("gini")


def entropy(y) -> float:
    """-sum_k p_k log2 p_k, in bits; an absent class adds 0 (0 log 0 = 0)."""
    # TODO
    raise NotImplementedError("entropy")


def best_split(X, y, criterion: str = "gini", min_samples_leaf: int = 1):
    """The best (feature, threshold, gain) of X (n, d) and labels y, or None without a valid candidate.

    Thresholds are midpoints (a + b) / 2 of consecutive distinct sorted values of a feature; x <= t
    goes left; each side needs at least min_samples_leaf rows. gain = I(y) - n_L/n I(left) - n_R/n
    I(right). Gains within 1e-12 of the best tie: the lowest feature, then the lowest threshold, wins.
    """
    # TODO
    raise NotImplementedError("best_split")


def fit_tree(X, y, criterion: str = "gini", max_depth: int | None = None, min_samples_split: int = 2,
             min_samples_leaf: int = 1, n_classes: int | None = None) -> dict:
    """Grow a tree from the root (depth 0) and return it as a dict of arrays (see the module docstring).

    A node is a leaf at depth max_depth, with fewer than min_samples_split rows, when pure, or without
    a valid candidate; otherwise it is split at its best candidate, even one of gain 0.
    n_classes=None means y.max() + 1.
    """
    # TODO
    raise NotImplementedError("fit_tree")


def predict_proba(tree: dict, X) -> np.ndarray:
    """(n, n_classes): the class fractions (counts / their sum) of the leaf each row reaches."""
    # TODO
    raise NotImplementedError("predict_proba")


def predict(tree: dict, X) -> np.ndarray:
    """(n,) integer labels: the argmax of predict_proba, the lowest class on ties."""
    # TODO
    raise NotImplementedError("predict")


def feature_importances(tree: dict) -> np.ndarray:
    """(n_features,): each split adds (n_t I_t - n_l I_l - n_r I_r) / N to its feature; normalised to
    sum to 1, or all zeros when the total is <= 1e-12."""
    # TODO
    raise NotImplementedError("feature_importances")


def bootstrap_indices(n_samples: int, n_estimators: int, seed: int) -> np.ndarray:
    """np.random.default_rng(seed).integers(0, n_samples, size=(n_estimators, n_samples))."""
    # TODO
    raise NotImplementedError("bootstrap_indices")


def fit_bagging(X, y, n_estimators: int = 10, seed: int = 0, criterion: str = "gini",
                max_depth: int | None = None, min_samples_split: int = 2, min_samples_leaf: int = 1) -> dict:
    """{"trees": [...], "indices": bootstrap_indices(n, n_estimators, seed)}; tree t is fit on rows
    indices[t] with n_classes = y.max() + 1 of the full y."""
    # TODO
    raise NotImplementedError("fit_bagging")


def bagging_predict_proba(ensemble: dict, X) -> np.ndarray:
    """The mean of the trees' predict_proba (soft voting)."""
    # TODO
    raise NotImplementedError("bagging_predict_proba")


def bagging_predict(ensemble: dict, X) -> np.ndarray:
    """The argmax of bagging_predict_proba, the lowest class on ties."""
    # TODO
    raise NotImplementedError("bagging_predict")


def bagging_feature_importances(ensemble: dict) -> np.ndarray:
    """The sum of the trees' feature_importances divided by its sum (all zeros if it is 0)."""
    # TODO
    raise NotImplementedError("bagging_feature_importances")


def oob_predict_proba(ensemble: dict, X) -> np.ndarray:
    """Row i: the mean predict_proba of the trees whose bootstrap sample does not contain i, else nan.

    X must be the n training rows the indices refer to (ValueError otherwise).
    """
    # TODO
    raise NotImplementedError("oob_predict_proba")


def oob_score(ensemble: dict, X, y) -> float:
    """Accuracy of the out-of-bag argmax over the rows that have one; ValueError if none has."""
    # TODO
    raise NotImplementedError("oob_score")
