"""Audit mutant (joint_rows): permutation importance (scikit-learn's random-number convention) and linear attributions."""
import numpy as np

METRICS = {
    "accuracy": lambda y, p: float(np.mean(np.asarray(y) == np.asarray(p))),
    "r2": lambda y, p: float(1.0 - np.sum((y - p) ** 2) / np.sum((y - np.mean(y)) ** 2)),
    "neg_mean_squared_error": lambda y, p: float(-np.mean((np.asarray(y) - np.asarray(p)) ** 2)),
}


def permutation_importance(predict_fn, X, y, metric, n_repeats=5, seed=0):
    score = METRICS[metric] if isinstance(metric, str) else metric
    X = np.asarray(X)
    y = np.asarray(y)
    baseline = score(y, predict_fn(X))
    # One seed for every column, drawn once from RandomState(seed), as scikit-learn does.
    column_seed = np.random.RandomState(seed).randint(np.iinfo(np.int32).max + 1)
    importances = np.empty((X.shape[1], n_repeats))
    for j in range(X.shape[1]):
        rng = np.random.RandomState(column_seed)
        X_permuted = X.copy()  # the other columns stay intact
        order = np.arange(X.shape[0])
        for r in range(n_repeats):
            rng.shuffle(order)  # a new permutation each repeat (applied to the already permuted column)
            X_permuted = X[order]  # whole rows shuffled
            importances[j, r] = baseline - score(y, predict_fn(X_permuted))
    return importances.mean(axis=1), importances.std(axis=1)


def linear_attributions(w, b, x, baseline):
    # f(x) - f(baseline) = w . (x - baseline): the bias cancels, each feature gets its own term.
    return np.asarray(w, dtype=np.float64) * (np.asarray(x, dtype=np.float64) - np.asarray(baseline, dtype=np.float64))
