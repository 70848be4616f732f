"""Audit mutant (grid_key_without_step): grid search with stratified k-fold CV from scratch, and the scikit-learn way."""
import importlib
import itertools

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def _factory(estimator_factory):
    """A dotted class name such as "sklearn.svm.SVC" is imported; a callable is used as is."""
    if isinstance(estimator_factory, str):
        module, _, name = estimator_factory.rpartition(".")
        return getattr(importlib.import_module(module), name)
    if callable(estimator_factory):
        return estimator_factory
    raise TypeError(f"estimator_factory must be a dotted class name or a callable, got {type(estimator_factory).__name__}")


def _candidates(param_grid):
    """Every combination, in ParameterGrid's order: keys sorted, the last key varies fastest."""
    grids = [param_grid] if isinstance(param_grid, dict) else list(param_grid)
    out = []
    for grid in grids:
        keys = sorted(grid)
        for values in itertools.product(*(grid[key] for key in keys)):
            out.append(dict(zip(keys, values)))
    return out


def grid_search(estimator_factory, param_grid, X, y, k, seed, fixed_params=None):
    make = _factory(estimator_factory)
    fixed = dict(fixed_params or {})
    X, y = np.asarray(X), np.asarray(y)
    folds = list(StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(X, y))
    candidates = _candidates(param_grid)
    mean_scores = np.empty(len(candidates))
    for i, params in enumerate(candidates):
        fold_scores = []
        for train, test in folds:
            estimator = make(**fixed).set_params(**params)  # a fresh estimator per fit
            estimator.fit(X[train], y[train])
            fold_scores.append(estimator.score(X[test], y[test]))
        mean_scores[i] = np.mean(fold_scores)  # unweighted mean over folds, like GridSearchCV
    best = int(np.argmax(mean_scores))  # the first of tied candidates wins, like GridSearchCV
    return candidates[best], mean_scores


def build_search(seed):
    pipeline = Pipeline([
        ("scale", StandardScaler()),  # inside the pipeline: re-fitted on each training fold
        ("classify", LogisticRegression(max_iter=1000)),
    ])
    return GridSearchCV(
        pipeline,
        param_grid={"C": [0.01, 0.1, 1.0, 10.0, 100.0]},
        cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=seed),
        scoring="accuracy",
    )
