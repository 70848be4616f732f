"""Correct, written independently: recursive candidate expansion, clone() of a template, an SVC pipeline."""
from importlib import import_module

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC


def _expand(grid, keys):
    if not keys:
        return [{}]
    head, rest = keys[0], keys[1:]
    return [{head: value, **tail} for value in grid[head] for tail in _expand(grid, rest)]


def grid_search(estimator_factory, param_grid, X, y, k, seed, fixed_params=None):
    if isinstance(estimator_factory, str):
        module_name, class_name = estimator_factory.rsplit(".", 1)
        estimator_factory = getattr(import_module(module_name), class_name)
    template = estimator_factory(**(fixed_params or {}))
    grids = param_grid if isinstance(param_grid, (list, tuple)) else [param_grid]
    candidates = [c for g in grids for c in _expand(g, sorted(g.keys()))]

    X = np.asarray(X)
    y = np.asarray(y)
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    splits = [(tr, te) for tr, te in splitter.split(X, y)]

    results = []
    for candidate in candidates:
        total = 0.0
        for tr, te in splits:
            model = clone(template)
            model.set_params(**candidate)
            model.fit(X[tr], y[tr])
            total += model.score(X[te], y[te])
        results.append(total / len(splits))

    best_index = 0
    for i in range(1, len(results)):
        if results[i] > results[best_index]:  # strictly better only: ties keep the earlier one
            best_index = i
    return candidates[best_index], np.array(results)


def build_search(seed):
    model = make_pipeline(StandardScaler(), SVC())
    grid = {"svc__C": [0.1, 1.0, 10.0], "svc__gamma": ["scale", 0.01]}
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    return GridSearchCV(model, grid, cv=folds)
