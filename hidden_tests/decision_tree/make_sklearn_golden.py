"""Freeze scikit-learn's trees, probabilities and importances on fixed data into sklearn_golden.npz.

    python -m hidden_tests.decision_tree.make_sklearn_golden          # (re)write sklearn_golden.npz
    python -m hidden_tests.decision_tree.make_sklearn_golden --check  # compare the file with the installed sklearn

Importing sklearn.tree takes about 2.5 s on the loaded 2-core machine, a quarter of the suite's budget,
so the hidden suite reads the frozen values (inputs included).

scikit-learn visits the features of a node in a random order (its random_state) and keeps the first of
several equally good splits, while the statement breaks ties by the lowest feature. The cases below are
chosen so that no node has a tie: every tree is fitted with ten random states and must come out the same.
X is rounded to float32 values, as DecisionTreeClassifier converts X to float32 before fitting.
"""
import sys
from pathlib import Path

import numpy as np

from graders.golden import write_or_check

GOLDEN = Path(__file__).with_name("sklearn_golden.npz")

TREE_CASES = {  # name: (data seed, n, d, classes, label noise, DecisionTreeClassifier parameters)
    "gini_full": (105, 60, 2, 3, 0.0, {"criterion": "gini"}),
    "gini_full_d3": (103, 80, 3, 2, 0.0, {"criterion": "gini"}),
    "entropy_full": (135, 60, 3, 3, 0.0, {"criterion": "entropy"}),
    "entropy_depth_leaf": (103, 150, 5, 2, 0.6, {"criterion": "entropy", "max_depth": 4, "min_samples_leaf": 3}),
    "gini_depth_split": (102, 150, 3, 3, 0.6, {"criterion": "gini", "max_depth": 6, "min_samples_split": 12}),
}
BAGGING = (8, 90, 3, 3, 0.5, {"criterion": "gini", "max_depth": 3, "min_samples_leaf": 2}, 8, 30)  # ..., trees, seed


def encode_params(params: dict) -> np.ndarray:
    """[criterion (0 gini, 1 entropy), max_depth (-1: None), min_samples_split, min_samples_leaf]."""
    return np.array([("gini", "entropy").index(params["criterion"]), params.get("max_depth") or -1,
                     params.get("min_samples_split", 2), params.get("min_samples_leaf", 1)])


def dataset(seed: int, n: int, d: int, k: int, noise: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Labels from the argmax of random linear scores (plus noise); X and X_test hold float32 values."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32).astype(np.float64)
    w = rng.normal(size=(d, k))
    y = np.argmax(X @ w + noise * rng.normal(size=(n, k)), axis=1)
    X_test = rng.normal(size=(50, d)).astype(np.float32).astype(np.float64)
    return X, y, X_test


def sklearn_tree(X: np.ndarray, y: np.ndarray, params: dict, n_classes: int) -> dict:
    """One fitted tree's arrays (the statement's format), after checking that it has no tied split."""
    from sklearn.tree import DecisionTreeClassifier

    fitted = [DecisionTreeClassifier(random_state=rs, **params).fit(X, y) for rs in range(10)]
    t = fitted[0].tree_
    for other in fitted[1:]:
        for name in ("feature", "threshold", "children_left", "children_right"):
            if not np.array_equal(getattr(t, name), getattr(other.tree_, name)):
                raise RuntimeError("this case has tied splits: scikit-learn's tree depends on its random_state")
    columns = fitted[0].classes_.astype(int)
    counts = np.zeros((t.node_count, n_classes), dtype=np.int64)
    counts[:, columns] = np.rint(t.value[:, 0, :] * t.n_node_samples[:, None]).astype(np.int64)
    return {"feature": np.where(t.feature < 0, -2, t.feature).astype(np.int64),
            "threshold": t.threshold.astype(np.float64), "children_left": t.children_left.astype(np.int64),
            "children_right": t.children_right.astype(np.int64), "impurity": t.impurity.astype(np.float64),
            "counts": counts, "importances": fitted[0].feature_importances_.astype(np.float64),
            "model": fitted[0], "columns": columns}


def proba(tree: dict, X: np.ndarray, n_classes: int) -> np.ndarray:
    out = np.zeros((len(X), n_classes))
    out[:, tree["columns"]] = tree["model"].predict_proba(X)
    return out


def compute() -> dict:
    values = {}
    for name, (seed, n, d, k, noise, params) in TREE_CASES.items():
        X, y, X_test = dataset(seed, n, d, k, noise)
        assert set(y.tolist()) == set(range(k))
        tree = sklearn_tree(X, y, params, k)
        values |= {f"{name}_X": X, f"{name}_y": y, f"{name}_X_test": X_test, f"{name}_params": encode_params(params),
                   f"{name}_proba": proba(tree, X_test, k)}
        values |= {f"{name}_{key}": tree[key] for key in ("feature", "threshold", "children_left", "children_right",
                                                          "impurity", "counts", "importances")}
    seed, n, d, k, noise, params, n_trees, bag_seed = BAGGING
    X, y, X_test = dataset(seed, n, d, k, noise)
    indices = np.random.default_rng(bag_seed).integers(0, n, size=(n_trees, n))
    trees = [sklearn_tree(X[rows], y[rows], params, k) for rows in indices]
    oob_total, oob_votes = np.zeros((n, k)), np.zeros(n)
    for tree, rows in zip(trees, indices):
        out = ~np.isin(np.arange(n), rows)
        oob_total[out] += proba(tree, X[out], k)
        oob_votes[out] += 1
    importances = np.sum([t["importances"] for t in trees], axis=0)
    values |= {"bag_X": X, "bag_y": y, "bag_X_test": X_test, "bag_params": encode_params(params),
               "bag_n_estimators": np.array(n_trees), "bag_seed": np.array(bag_seed), "bag_indices": indices,
               "bag_proba": np.mean([proba(t, X_test, k) for t in trees], axis=0),
               "bag_importances": importances / importances.sum(),
               "bag_oob": np.where(oob_votes[:, None] > 0, oob_total / np.maximum(oob_votes, 1)[:, None], np.nan)}
    return values


if __name__ == "__main__":
    sys.exit(write_or_check(compute, GOLDEN, sys.argv[1:], "scikit-learn"))
