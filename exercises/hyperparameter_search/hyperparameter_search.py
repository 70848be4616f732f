"""Hyperparameter search: grid search with stratified k-fold CV by hand, then with GridSearchCV.

Run the visible tests with `python grade.py check hyperparameter_search`.
"""
import numpy as np


def grid_search(estimator_factory, param_grid, X, y, k, seed, fixed_params=None):
    """Exhaustive grid search with stratified k-fold cross-validation, without GridSearchCV.

    estimator_factory: a dotted class name such as "sklearn.neighbors.KNeighborsClassifier"
        (import it), or a callable; `factory(**fixed_params)` makes a fresh unfitted estimator,
        then `.set_params(**candidate)` applies one candidate.
    param_grid: dict name -> list of values (or a list of such dicts).
    X: (n, d) array; y: (n,) class labels; k: number of folds; seed: shuffles the folds.
    Folds: StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).
    Returns (best_params, mean_scores): mean_scores[i] is the plain mean of estimator.score on the
    k held-out folds for the i-th candidate, candidates in ParameterGrid order (keys sorted, the
    last key varies fastest); best_params is the first candidate with the highest mean score.
    """
    # TODO: list the candidates, build the folds once, fit a fresh estimator per (candidate, fold)
    raise NotImplementedError("grid_search")


def build_search(seed):
    """An unfitted GridSearchCV over a Pipeline (a scaler, then a classifier).

    cv must be StratifiedKFold(n_splits=5, shuffle=True, random_state=seed); param_grid keys
    address pipeline steps ("<step>__<parameter>").
    """
    # TODO
    raise NotImplementedError("build_search")
