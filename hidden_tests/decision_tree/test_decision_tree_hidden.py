"""Hidden tests for decision_tree: Gini and entropy, the best split (midpoint thresholds, size-weighted
children, min_samples_leaf, ties), the grown tree node by node (preorder arrays as scikit-learn's
`tree_`) against the reference and against scikit-learn, predictions and impurity-based importances,
and the bagged ensemble (bootstrap draws, soft voting, out-of-bag estimates).

scikit-learn's trees are frozen with their inputs in sklearn_golden.npz by make_sklearn_golden.py
(`python -m hidden_tests.decision_tree.make_sklearn_golden --check` re-verifies them): importing
sklearn.tree would take a quarter of the budget. Those cases were chosen without tied splits (each
tree comes out the same under ten random states of scikit-learn's feature order).
Nothing is trained with randomness at grading time except the documented bootstrap draws; trees and
ensembles are deterministic functions of their inputs and seed, so no test needs luck. Tolerances are
float rounding bounds: correct routes (sorted cumulative counts, loops over thresholds, other gini
and entropy formulas) agree to about 1e-15.
Several tests hand the learner's functions trees and ensembles the judge built (from the reference, or
by hand) so that prediction, importances and out-of-bag code are judged apart from fitting.

Wrong answers this suite is built to catch:
- entropy with the natural log (not bits), nan for a class absent from y (0 log 0), gini as 1 - sum p
- thresholds that are not midpoints (the lower or the upper of the two values)
- children's impurities not weighted by their sizes ((I_L + I_R) / 2), or weighted by the wrong side
- min_samples_leaf checked after choosing the split (a leaf instead of the best valid split) or ignored
- ties going to the last candidate (>= in the scan) or to the highest feature, or decided by an exact float
  comparison (mirror-image splits whose gains differ only in the last bits), or by threshold before feature
- a midpoint that rounds up to the upper value kept as the threshold (both rows would go left)
- min_samples_leaf read as a strict bound (each side needs more than min_samples_leaf rows)
- growth that stops at a zero-gain split (XOR is never learned), splits pure nodes, ignores max_depth
  or counts it off by one, reads min_samples_split as <= or ignores it
- nodes numbered breadth-first instead of in preorder
- prediction with x < threshold going left, probabilities that are not normalised counts, ties going
  to the highest class
- importances not normalised, not weighted by node size (local gains), counting splits, or nan for a
  tree without a split
- bootstrap rows drawn with rng.choice, without replacement, from the global numpy generator, or with
  the seed ignored
- bagged trees fit without n_classes (a bootstrap sample missing the top class shifts the columns)
- hard (majority) voting instead of averaging probabilities; ensemble importances pooled from raw
  decreases or not renormalised over trees without a split
- out-of-bag estimates that leak a row through the trees trained on it (all trees, only in-bag ones,
  or trees whose draw at position i is not i), rows never out of bag set to 0 or counted as wrong in
  oob_score, no error when no row is out of bag
- the documented ValueErrors missing (bad shapes, nan, labels, criterion, limits, n_classes)
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from graders.asserts import (assert_allclose, assert_equal, assert_scalar_close, assert_shape, call_repr,
                             describe, expect_raises)

TREE_KEYS = ("feature", "threshold", "children_left", "children_right", "impurity", "counts")
GOLDEN_TREES = ("gini_full", "gini_full_d3", "entropy_full", "entropy_depth_leaf", "gini_depth_split")
TOL = dict(rtol=1e-9, atol=1e-12)


@pytest.fixture(scope="module")
def golden() -> dict:
    """Inputs and scikit-learn's outputs, frozen by make_sklearn_golden.py."""
    with np.load(Path(__file__).with_name("sklearn_golden.npz"), allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def golden_params(code: np.ndarray) -> dict:
    """The fit parameters a golden case was made with (defaults left out, for shorter messages)."""
    criterion, max_depth, split, leaf = (int(v) for v in code)
    params = {"criterion": ("gini", "entropy")[criterion]}
    if max_depth >= 0:
        params["max_depth"] = max_depth
    if split != 2:
        params["min_samples_split"] = split
    if leaf != 1:
        params["min_samples_leaf"] = leaf
    return params


def dataset(seed: int, n: int, d: int, k: int, noise: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Continuous features, labels from random linear scores plus noise, every class present."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, size=d)
    y = np.argmax(X @ rng.normal(size=(d, k)) + noise * rng.normal(size=(n, k)), axis=1)
    y[:k] = np.arange(k)
    return X, y


def fit_call(X, y, **params) -> str:
    return call_repr("fit_tree", X, y, **params)


def judge_impurity(counts, criterion: str) -> float:
    counts = np.asarray(counts, dtype=float)
    p = counts[counts > 0] / counts.sum()
    return float(1.0 - np.sum(p * p)) if criterion == "gini" else float(-np.sum(p * np.log2(p)))


def as_tree(got, call: str) -> dict:
    """The learner's tree as a dict of arrays, or an AssertionError that says what is missing."""
    if not isinstance(got, dict):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a dict of arrays (the tree format)")
    missing = [key for key in (*TREE_KEYS, "n_features") if key not in got]
    if missing:
        raise AssertionError(f"called {call}; the tree has no key {missing[0]!r} (it needs {', '.join(TREE_KEYS)} "
                             "and 'n_features')")
    tree = {key: np.asarray(got[key]) for key in TREE_KEYS}
    for key in ("feature", "children_left", "children_right", "counts"):
        if tree[key].dtype.kind not in "iu":
            raise AssertionError(f"called {call}; tree[{key!r}] has dtype {tree[key].dtype}, expected integers")
    tree["n_features"] = got["n_features"]
    return tree


def check_tree(got, expected: dict, call: str, why: str = "") -> dict:
    """Node count, then every array node by node (preorder), against a trusted tree."""
    tree = as_tree(got, call)
    n_nodes = len(expected["feature"])
    if len(tree["feature"]) != n_nodes:
        hint = f" - {why}" if why else ""
        raise AssertionError(f"called {call}; the tree has {len(tree['feature'])} nodes, expected {n_nodes}{hint}")
    for key in ("feature", "children_left", "children_right", "counts"):
        assert_equal(tree[key], expected[key], f"{call}, tree[{key!r}]", show_expected=False,
                     why=why or "nodes are numbered in preorder (a node, its left subtree, its right subtree); "
                                "leaves have feature -2 and children -1")
    assert_allclose(tree["threshold"], expected["threshold"], f"{call}, tree['threshold']", show_expected=False,
                    why=why or "thresholds are midpoints between consecutive distinct values; leaves have -2.0", **TOL)
    assert_allclose(tree["impurity"], expected["impurity"], f"{call}, tree['impurity']", show_expected=False,
                    why="each node's impurity by the criterion (entropy in bits)", **TOL)
    n_features = tree["n_features"]
    if not (isinstance(n_features, (int, np.integer)) and int(n_features) == int(expected["n_features"])):
        raise AssertionError(f"called {call}; tree['n_features'] is {describe(n_features)}, "
                             f"expected {int(expected['n_features'])}")
    return tree


def hand_tree(feature, threshold, left, right, counts, n_features, criterion="gini") -> dict:
    """A tree in the statement's format, built by the judge."""
    counts = np.array(counts, dtype=np.int64)
    return {"feature": np.array(feature, dtype=np.int64), "threshold": np.array(threshold, dtype=np.float64),
            "children_left": np.array(left, dtype=np.int64), "children_right": np.array(right, dtype=np.int64),
            "impurity": np.array([judge_impurity(c, criterion) for c in counts]), "counts": counts,
            "n_features": n_features}


def depth_of(tree: dict) -> int:
    depth, stack = 0, [(0, 0)]
    while stack:
        node, d = stack.pop()
        depth = max(depth, d)
        if tree["children_left"][node] != -1:
            stack += [(int(tree["children_left"][node]), d + 1), (int(tree["children_right"][node]), d + 1)]
    return depth


XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 3)
XOR_Y = np.array([0, 1, 1, 0] * 3)


# ----------------------------------------------------------------------------- impurity


IMPURITY_CASES = [  # labels, then the class counts the judge computes the expected values from
    ([0, 0, 1, 1], "two balanced classes"),
    ([0, 0, 0, 1], "three to one"),
    ([0, 1, 2], "three classes"),
    ([4, 4, 4], "a pure set"),
    ([0, 0, 2, 2, 2], "class 1 absent (0 log 0 = 0)"),
    ([3, 1, 1, 0, 2, 1, 3], "four classes"),
]


@pytest.mark.clause("C1", probes="Gini impurity 1 - sum p^2 on hand examples", topic="trees and ensembles")
@pytest.mark.parametrize("labels, what", IMPURITY_CASES, ids=[c[1] for c in IMPURITY_CASES])
def test_gini(learner, labels, what):
    y = np.array(labels)
    expected = 1.0 - sum((c / len(y)) ** 2 for c in np.bincount(y))
    assert_scalar_close(learner.gini(y), expected, call_repr("gini", y) + f" ({what})", rtol=1e-12, atol=1e-15,
                        why="gini = 1 - sum_k p_k^2, p_k the fraction of class k")


@pytest.mark.clause("C1", probes="entropy in bits, 0 log 0 taken as 0", topic="trees and ensembles")
@pytest.mark.points(2)
@pytest.mark.parametrize("labels, what", IMPURITY_CASES, ids=[c[1] for c in IMPURITY_CASES])
def test_entropy_in_bits(learner, labels, what):
    y = np.array(labels)
    expected = -sum(c / len(y) * math.log2(c / len(y)) for c in np.bincount(y) if c > 0)
    assert_scalar_close(learner.entropy(y), expected, call_repr("entropy", y) + f" ({what})", rtol=1e-12, atol=1e-15,
                        why="entropy = -sum_k p_k log2 p_k in bits (as scikit-learn); an absent class adds 0, not nan")


# ----------------------------------------------------------------------------- best split


def split_call(X, y, **params) -> str:
    return call_repr("best_split", X, y, **params)


def check_split(got, expected, call: str, why: str = "") -> None:
    """(feature, threshold, gain) against a trusted triple, or None against None."""
    if expected is None:
        if got is not None:
            raise AssertionError(f"called {call}; got {describe(got)}, expected None (no valid candidate split)"
                                 + (f" - {why}" if why else ""))
        return
    if not (isinstance(got, tuple) and len(got) == 3):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a tuple (feature, threshold, gain)")
    feature, threshold, gain = got
    if not (isinstance(feature, (int, np.integer)) and int(feature) == expected[0]):
        raise AssertionError(f"called {call}; got feature {describe(feature)}, expected {expected[0]}"
                             + (f" - {why}" if why else ""))
    assert_scalar_close(threshold, expected[1], call + ", threshold", rtol=1e-12, atol=1e-15, why=why)
    assert_scalar_close(gain, expected[2], call + ", gain", **TOL,
                        why=why or "gain = I(parent) - n_L/n I(L) - n_R/n I(R)")


@pytest.mark.clause("C2", "C3", probes="thresholds that are not midpoints between consecutive values",
                    topic="trees and ensembles")
@pytest.mark.points(2)
def test_best_split_threshold_is_a_midpoint(learner):
    X = np.array([[5.0, 1.0], [5.0, 2.0], [5.0, 4.0], [5.0, 7.0]])  # feature 0 is constant
    y = np.array([0, 0, 1, 1])
    check_split(learner.best_split(X, y), (1, 3.0, 0.5), split_call(X, y),
                why="the threshold between the sorted values 2 and 4 is their midpoint 3.0 (x <= 3.0 goes left)")
    X2 = np.array([[0.25], [-3.0], [9.5], [1.75], [12.0]])
    y2 = np.array([0, 0, 1, 0, 1])
    check_split(learner.best_split(X2, y2, criterion="entropy"), (0, 5.625, judge_impurity([3, 2], "entropy")),
                split_call(X2, y2, criterion="entropy"), why="the midpoint of 1.75 and 9.5 is 5.625")


@pytest.mark.clause("C3", probes="children's impurities not weighted by their sizes", topic="trees and ensembles")
@pytest.mark.points(2)
def test_best_split_weights_children_by_size(learner):
    X = np.arange(1.0, 7.0)[:, None]
    y = np.array([0, 0, 0, 0, 1, 0])
    gain = judge_impurity([5, 1], "gini") - 2 / 6 * 0.5
    check_split(learner.best_split(X, y), (0, 4.5, gain), split_call(X, y),
                why="weight each child's impurity by its share of the rows: (I_L + I_R) / 2 would isolate row 0 "
                    "(threshold 1.5) instead")


@pytest.mark.clause("C3", probes="the returned gain is the impurity decrease of the returned split",
                    topic="trees and ensembles")
@pytest.mark.parametrize("criterion", ["gini", "entropy"])
def test_gain_is_the_impurity_decrease(learner, criterion):
    X, y = dataset(31, 40, 3, 3)
    got = learner.best_split(X, y, criterion=criterion)
    call = split_call(X, y, criterion=criterion)
    if not (isinstance(got, tuple) and len(got) == 3):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a tuple (feature, threshold, gain)")
    f, t, gain = int(got[0]), float(got[1]), got[2]
    left = X[:, f] <= t
    k = y.max() + 1
    expected = (judge_impurity(np.bincount(y, minlength=k), criterion)
                - left.mean() * judge_impurity(np.bincount(y[left], minlength=k), criterion)
                - (~left).mean() * judge_impurity(np.bincount(y[~left], minlength=k), criterion))
    assert_scalar_close(gain, expected, call + ", gain", **TOL,
                        why="gain = I(parent) - n_L/n I(L) - n_R/n I(R) for the split you returned")


SPLIT_CASES = [  # (seed, n, d, classes, criterion, min_samples_leaf)
    (1, 30, 2, 2, "gini", 1),
    (2, 60, 4, 3, "gini", 1),
    (3, 60, 4, 3, "entropy", 1),
    (4, 45, 3, 4, "entropy", 5),
    (5, 80, 5, 2, "gini", 12),
    (6, 25, 6, 3, "gini", 3),
]


@pytest.mark.clause("C2", "C3", probes="best split vs the reference on random data (Gini and entropy)",
                    topic="trees and ensembles")
@pytest.mark.points(2)
@pytest.mark.parametrize("case", SPLIT_CASES, ids=lambda c: f"n{c[1]}-d{c[2]}-k{c[3]}-{c[4]}-leaf{c[5]}")
def test_best_split_matches_reference(learner, reference, case):
    seed, n, d, k, criterion, leaf = case
    X, y = dataset(seed, n, d, k)
    params = {"criterion": criterion, "min_samples_leaf": leaf}
    check_split(learner.best_split(X, y, **params), reference.best_split(X, y, **params), split_call(X, y, **params))


@pytest.mark.clause("C2", "C3", probes="min_samples_leaf checked after choosing the split, or ignored",
                    topic="trees and ensembles")
@pytest.mark.points(2)
def test_min_samples_leaf_restricts_the_candidates(learner):
    X = np.arange(1.0, 9.0)[:, None]
    y = np.array([1, 0, 0, 0, 0, 0, 0, 0])
    check_split(learner.best_split(X, y), (0, 1.5, 0.21875), split_call(X, y))
    check_split(learner.best_split(X, y, min_samples_leaf=2), (0, 2.5, 0.21875 - 2 / 8 * 0.5),
                split_call(X, y, min_samples_leaf=2),
                why="with min_samples_leaf=2 the split at 1.5 is not a candidate; the best valid one (2.5) is "
                    "returned, not None")


@pytest.mark.clause("C3", probes="no valid candidate: constant features or too few rows", topic="trees and ensembles")
def test_best_split_none_without_a_candidate(learner):
    X, y = np.array([[2.0, 1.0], [2.0, 1.0], [2.0, 1.0]]), np.array([0, 1, 1])
    check_split(learner.best_split(X, y), None, split_call(X, y), why="every feature is constant")
    X2, y2 = np.array([[1.0], [2.0], [3.0]]), np.array([0, 1, 1])
    check_split(learner.best_split(X2, y2, min_samples_leaf=2), None, split_call(X2, y2, min_samples_leaf=2),
                why="3 rows cannot give two sides of at least 2")


@pytest.mark.clause("C4", probes="ties between features going to the last or highest feature",
                    topic="trees and ensembles")
@pytest.mark.points(2)
def test_ties_go_to_the_lowest_feature(learner):
    # features 1 and 2 make the same partition (feature 2 mirrored); feature 0 is worse
    X = np.array([[3.0, 1.0, 40.0], [1.0, 2.0, 30.0], [2.0, 3.0, 20.0], [0.0, 4.0, 10.0]])
    y = np.array([0, 0, 1, 1])
    check_split(learner.best_split(X, y), (1, 2.5, 0.5), split_call(X, y),
                why="features 1 and 2 give the same gain: the lowest feature wins")
    check_split(learner.best_split(X[:, ::-1], y), (0, 25.0, 0.5), split_call(X[:, ::-1], y),
                why="features 0 and 1 give the same gain: the lowest feature wins")


@pytest.mark.clause("C4", probes="ties between thresholds going to the last one", topic="trees and ensembles")
@pytest.mark.points(2)
def test_ties_go_to_the_lowest_threshold(learner):
    X, y = np.array([[1.0], [2.0], [3.0], [4.0]]), np.array([0, 1, 0, 1])
    gain = 0.5 - 3 / 4 * judge_impurity([1, 2], "gini")
    check_split(learner.best_split(X, y), (0, 1.5, gain), split_call(X, y),
                why="thresholds 1.5 and 3.5 tie (mirror images; gains within 1e-12 are ties): the lowest wins")
    X2, y2 = np.array([[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]]), np.array([0, 0, 1, 1, 0, 0])
    gain2 = judge_impurity([4, 2], "entropy") - 4 / 6 * 1.0
    check_split(learner.best_split(X2, y2, criterion="entropy"), (0, 2.5, gain2),
                split_call(X2, y2, criterion="entropy"), why="thresholds 2.5 and 4.5 tie: the lowest wins")


@pytest.mark.clause("C4", probes="ties decided by exact float comparison (no 1e-12 tolerance)",
                    topic="trees and ensembles")
@pytest.mark.points(2)
@pytest.mark.parametrize("labels, criterion", [
    ([0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0], "gini"),
    ([0, 1, 0, 0, 0, 2, 0, 0, 0, 1, 0], "entropy"),
    ([0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0], "gini"),
], ids=["3-classes-gini", "3-classes-entropy", "2-classes-gini"])
def test_ties_within_rounding_go_to_the_lowest_threshold(learner, labels, criterion):
    # labels read the same backwards: the splits at 2.5 and 9.5 are mirror images (same gain), but
    # I - w_L I_L - w_R I_R subtracts the two children in the opposite order, and the later one comes out
    # larger in the last bits for the usual gini and entropy formulas
    X, y = np.arange(1.0, 12.0)[:, None], np.array(labels)
    k = y.max() + 1
    left = np.bincount(y[:2], minlength=k)
    gain = (judge_impurity(np.bincount(y, minlength=k), criterion) - 2 / 11 * judge_impurity(left, criterion)
            - 9 / 11 * judge_impurity(np.bincount(y[2:], minlength=k), criterion))
    check_split(learner.best_split(X, y, criterion=criterion), (0, 2.5, gain), split_call(X, y, criterion=criterion),
                why="thresholds 2.5 and 9.5 are mirror images with the same gain up to rounding (gains within "
                    "1e-12 of the best are ties): the lowest threshold wins")


@pytest.mark.clause("C2", probes="a midpoint that rounds up to the upper value kept as the threshold",
                    topic="trees and ensembles")
def test_threshold_between_adjacent_floats(learner):
    lo = np.nextafter(1.0, 2.0)
    hi = np.nextafter(lo, 2.0)  # (lo + hi) / 2 rounds to hi: x <= hi would send both rows left
    X, y = np.array([[hi], [lo], [0.0]]), np.array([1, 0, 0])
    gain = judge_impurity([2, 1], "gini")
    call = split_call(X, y)
    why = (f"the midpoint of {float(lo)!r} and {float(hi)!r} rounds to {float(hi)!r}; the threshold is then the "
           f"lower value {float(lo)!r}, so that the row {float(hi)!r} still goes right")
    got = learner.best_split(X, y)
    check_split(got, (0, float(lo), gain), call, why=why)
    assert float(got[1]) == lo, f"called {call}; got threshold {float(got[1])!r}, expected exactly {float(lo)!r} - {why}"


# ----------------------------------------------------------------------------- growing the tree


TREE_CASES = [  # (seed, n, d, classes, params)
    (11, 40, 2, 2, {}),
    (12, 70, 3, 3, {"criterion": "entropy"}),
    (13, 90, 4, 3, {"max_depth": 3}),
    (14, 90, 3, 2, {"criterion": "entropy", "min_samples_leaf": 4}),
    (15, 80, 3, 4, {"min_samples_split": 15}),
    (16, 120, 5, 3, {"criterion": "entropy", "max_depth": 5, "min_samples_split": 6, "min_samples_leaf": 2}),
]


@pytest.mark.clause("C5", "C6", probes="the grown tree node by node vs the reference (limits, criteria, preorder)",
                    topic="trees and ensembles")
@pytest.mark.points(3)
@pytest.mark.parametrize("case", TREE_CASES, ids=lambda c: f"n{c[1]}-d{c[2]}-k{c[3]}-" + "-".join(
    f"{k}={v}" for k, v in c[4].items()) if c[4] else f"n{c[1]}-d{c[2]}-k{c[3]}-defaults")
def test_fit_tree_matches_reference(learner, reference, case):
    seed, n, d, k, params = case
    X, y = dataset(seed, n, d, k)
    check_tree(learner.fit_tree(X, y, **params), reference.fit_tree(X, y, **params), fit_call(X, y, **params))


@pytest.mark.clause("C5", probes="max_depth ignored or off by one (the root has depth 0)", topic="trees and ensembles")
@pytest.mark.points(2)
@pytest.mark.parametrize("max_depth", [1, 2, 4])
def test_max_depth(learner, reference, max_depth):
    X, y = dataset(21, 80, 3, 3, noise=1.0)
    call = fit_call(X, y, max_depth=max_depth)
    tree = as_tree(learner.fit_tree(X, y, max_depth=max_depth), call)
    got = depth_of(tree)
    assert got == max_depth, (f"called {call}; the tree is {got} levels deep, expected {max_depth} (the root has "
                              "depth 0; a node at depth max_depth is a leaf)")
    check_tree(tree, reference.fit_tree(X, y, max_depth=max_depth), call)


@pytest.mark.clause("C5", probes="min_samples_split read as <= or ignored", topic="trees and ensembles")
@pytest.mark.parametrize("split, nodes", [(6, 3), (7, 1), (2, 11)])
def test_min_samples_split(learner, split, nodes):
    # by hand: the root's best splits are 1.5 and 5.5 (tie: 1.5); each node then peels off its lowest row
    # (ties again to the lowest threshold), a chain of 5 splits and 6 leaves when nothing stops it
    X, y = np.arange(1.0, 7.0)[:, None], np.array([0, 1, 0, 1, 0, 1])
    call = fit_call(X, y, min_samples_split=split)
    tree = as_tree(learner.fit_tree(X, y, min_samples_split=split), call)
    assert len(tree["feature"]) == nodes, (
        f"called {call}; the tree has {len(tree['feature'])} nodes, expected {nodes} - a node with fewer than "
        f"min_samples_split rows is a leaf; one with exactly min_samples_split rows may be split")


@pytest.mark.clause("C5", "C4", probes="growth that stops at a zero-gain split (XOR is never learned)",
                    topic="trees and ensembles")
@pytest.mark.points(3)
def test_xor_needs_a_zero_gain_split(learner):
    call = fit_call(XOR_X, XOR_Y)
    expected = hand_tree([0, 1, -2, -2, 1, -2, -2], [0.5, 0.5, -2, -2, 0.5, -2, -2], [1, 2, -1, -1, 5, -1, -1],
                         [4, 3, -1, -1, 6, -1, -1], [[6, 6], [3, 3], [3, 0], [0, 3], [3, 3], [0, 3], [3, 0]], 2)
    check_tree(learner.fit_tree(XOR_X, XOR_Y), expected, call,
               why="every root split of XOR has gain 0, yet the node is impure: split it anyway (the best "
                   "candidate, ties to feature 0), as scikit-learn does; its children then separate the classes")


@pytest.mark.clause("C5", probes="pure nodes split further", topic="trees and ensembles")
def test_pure_node_is_a_leaf(learner):
    X, y = np.array([[1.0, 5.0], [2.0, 3.0], [3.0, 4.0], [4.0, 1.0], [5.0, 2.0]]), np.array([0, 0, 1, 1, 1])
    expected = hand_tree([0, -2, -2], [2.5, -2, -2], [1, -1, -1], [2, -1, -1], [[2, 3], [2, 0], [0, 3]], 2)
    check_tree(learner.fit_tree(X, y), expected, fit_call(X, y),
               why="a node whose rows all have one class is a leaf, even though zero-gain splits are taken elsewhere")


@pytest.mark.clause("C5", probes="impure nodes without a valid split (duplicate rows, min_samples_leaf)",
                    topic="trees and ensembles")
def test_node_without_a_valid_split_is_a_leaf(learner):
    X, y = np.array([[1.0], [1.0], [2.0], [2.0]]), np.array([0, 1, 0, 1])
    expected = hand_tree([0, -2, -2], [1.5, -2, -2], [1, -1, -1], [2, -1, -1], [[2, 2], [1, 1], [1, 1]], 1)
    check_tree(learner.fit_tree(X, y), expected, fit_call(X, y),
               why="the children hold identical rows with different labels: no candidate, so they are leaves")
    X2, y2 = np.arange(1.0, 6.0)[:, None], np.array([0, 1, 1, 0, 1])
    expected2 = hand_tree([-2], [-2], [-1], [-1], [[2, 3]], 1)
    check_tree(learner.fit_tree(X2, y2, min_samples_leaf=3), expected2, fit_call(X2, y2, min_samples_leaf=3),
               why="5 rows cannot give two sides of at least 3 rows: the root is a leaf")


@pytest.mark.clause("C6", probes="nodes numbered breadth-first instead of in preorder", topic="trees and ensembles")
@pytest.mark.points(2)
def test_preorder_numbering(learner):
    X = np.arange(1.0, 9.0)[:, None]
    y = np.array([0, 0, 1, 1, 1, 0, 0, 0])
    # root x <= 5.5: left rows 1..5 split again at 2.5, right rows 6..8 pure (breadth-first would number it 2)
    expected = hand_tree([0, 0, -2, -2, -2], [5.5, 2.5, -2, -2, -2], [1, 2, -1, -1, -1], [4, 3, -1, -1, -1],
                         [[5, 3], [2, 3], [2, 0], [0, 3], [3, 0]], 1)
    check_tree(learner.fit_tree(X, y), expected, fit_call(X, y),
               why="number nodes in depth-first preorder: the root 0, its whole left subtree, then its right subtree")


@pytest.mark.clause("C6", probes="n_classes widening the count columns", topic="api contract")
def test_n_classes_widens_the_counts(learner):
    X, y = np.array([[1.0], [2.0], [3.0]]), np.array([0, 1, 1])
    call = fit_call(X, y, n_classes=4)
    tree = as_tree(learner.fit_tree(X, y, n_classes=4), call)
    assert_equal(tree["counts"], np.array([[1, 2, 0, 0], [1, 0, 0, 0], [0, 2, 0, 0]]), call + ", tree['counts']",
                 why="counts has n_classes columns, classes absent from y included")
    proba = learner.predict_proba(tree, np.array([[0.0], [9.0]]))
    assert_allclose(proba, np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]]), "predict_proba of that tree", **TOL)


# ----------------------------------------------------------------------------- prediction


@pytest.mark.clause("C7", probes="rows exactly on a threshold, normalised leaf counts", topic="trees and ensembles")
@pytest.mark.points(2)
def test_predict_proba_on_a_hand_built_tree(learner):
    #        x1 <= 0.5
    #   x0 <= 2.0     leaf (1, 0, 3)
    # (4, 0, 0)  (1, 2, 1)
    tree = hand_tree([1, 0, -2, -2, -2], [0.5, 2.0, -2, -2, -2], [1, 2, -1, -1, -1], [4, 3, -1, -1, -1],
                     [[6, 2, 4], [5, 2, 1], [4, 0, 0], [1, 2, 1], [1, 0, 3]], 2)
    X = np.array([[2.0, 0.5], [2.0001, 0.5], [-7.0, 0.50001], [0.0, -1.0], [3.0, 9.0]])
    expected = np.array([[1, 0, 0], [0.25, 0.5, 0.25], [0.25, 0, 0.75], [1, 0, 0], [0.25, 0, 0.75]])
    call = call_repr("predict_proba", X) + " on a tree built by the judge"
    assert_allclose(learner.predict_proba(tree, X), expected, call, **TOL,
                    why="a row goes left when x[feature] <= threshold (equal goes left); the leaf's class counts "
                        "divided by their sum are the probabilities")
    assert_equal(learner.predict(tree, X), np.array([0, 1, 2, 0, 2]), call_repr("predict", X) + " on that tree")


@pytest.mark.clause("C7", probes="ties in predict going to the highest class; integer predictions",
                    topic="trees and ensembles")
def test_predict_ties_go_to_the_lowest_class(learner):
    tree = hand_tree([0, -2, -2], [0.0, -2, -2], [1, -1, -1], [2, -1, -1], [[2, 5, 3], [2, 2, 0], [0, 3, 3]], 1)
    X = np.array([[-1.0], [1.0]])
    got = learner.predict(tree, X)
    call = call_repr("predict", X) + " with leaves of counts (2, 2, 0) and (0, 3, 3)"
    got = assert_shape(got, (2,), call)
    assert got.dtype.kind in "iu", f"called {call}; got dtype {got.dtype}, expected integer class labels"
    assert_equal(got, np.array([0, 1]), call, why="equal probabilities: the lowest class wins")


@pytest.mark.clause("C7", probes="predict_proba and predict of fitted trees vs the reference", topic="trees and ensembles")
@pytest.mark.points(2)
@pytest.mark.parametrize("case", TREE_CASES[1:4], ids=["entropy", "depth3", "leaf4"])
def test_predictions_match_reference(learner, reference, case):
    seed, n, d, k, params = case
    X, y = dataset(seed, n, d, k)
    X_test, _ = dataset(seed + 100, 60, d, k)
    tree = reference.fit_tree(X, y, **params)
    call = call_repr("predict_proba", X_test) + f" on the reference's {call_repr('fit_tree', X, y, **params)}"
    assert_allclose(learner.predict_proba(tree, X_test), reference.predict_proba(tree, X_test), call,
                    show_expected=False, **TOL)
    assert_equal(learner.predict(tree, X_test), reference.predict(tree, X_test), call.replace("predict_proba", "predict"),
                 show_expected=False)


@pytest.mark.clause("C7", probes="X of the wrong width accepted by predict", topic="input validation")
def test_predict_rejects_the_wrong_number_of_features(learner):
    tree = hand_tree([0, -2, -2], [0.0, -2, -2], [1, -1, -1], [2, -1, -1], [[1, 1], [1, 0], [0, 1]], 2)
    X = np.zeros((3, 3))
    for name in ("predict_proba", "predict"):
        with expect_raises(ValueError, call_repr(name, X) + " on a tree of 2 features", "X must have n_features columns"):
            getattr(learner, name)(tree, X)


# ----------------------------------------------------------------------------- importances


def judge_importances(tree: dict) -> np.ndarray:
    counts = np.asarray(tree["counts"], dtype=float)
    n = counts.sum(axis=1)
    out = np.zeros(tree["n_features"])
    for t in range(len(n)):
        left, right = tree["children_left"][t], tree["children_right"][t]
        if left != -1:
            out[tree["feature"][t]] += (n[t] * tree["impurity"][t] - n[left] * tree["impurity"][left]
                                        - n[right] * tree["impurity"][right]) / n[0]
    return out / out.sum() if out.sum() > 1e-12 else np.zeros_like(out)


@pytest.mark.clause("C8", probes="importances not weighted by node size, not normalised, or counting splits",
                    topic="trees and ensembles")
@pytest.mark.points(2)
def test_importances_on_a_hand_built_tree(learner):
    # root (6, 4) splits on x0 into (2, 2) and (4, 2); each child splits on x1 into pure leaves
    tree = hand_tree([0, 1, -2, -2, 1, -2, -2], [0.0, 1.0, -2, -2, 2.0, -2, -2], [1, 2, -1, -1, 5, -1, -1],
                     [4, 3, -1, -1, 6, -1, -1], [[6, 4], [2, 2], [2, 0], [0, 2], [4, 2], [4, 0], [0, 2]], 3)
    # x0: 0.48 - 0.4 * 0.5 - 0.6 * 4/9 = 0.01333; x1: 0.4 * 0.5 + 0.6 * 4/9 = 0.46667 (hand calculation)
    expected = np.array([0.48 - 0.2 - 0.6 * 4 / 9, 0.2 + 0.6 * 4 / 9, 0.0])
    assert_allclose(learner.feature_importances(tree), expected / expected.sum(),
                    "feature_importances(tree) on a tree built by the judge", **TOL,
                    why="each split adds (n_t I_t - n_l I_l - n_r I_r) / N to its feature; divide by the total")


@pytest.mark.clause("C8", probes="importances vs the reference and the judge's own sum", topic="trees and ensembles")
@pytest.mark.points(2)
@pytest.mark.parametrize("case", TREE_CASES, ids=lambda c: f"seed{c[0]}")
def test_importances_match_reference(learner, reference, case):
    seed, n, d, k, params = case
    X, y = dataset(seed, n, d, k)
    tree = reference.fit_tree(X, y, **params)
    call = f"feature_importances of the reference's {call_repr('fit_tree', X, y, **params)}"
    got = assert_allclose(learner.feature_importances(tree), judge_importances(tree), call, show_expected=False, **TOL)
    assert_allclose(got, reference.feature_importances(tree), call, show_expected=False, **TOL)


@pytest.mark.clause("C8", probes="nan importances for a tree without a split or with zero-gain splits only",
                    topic="numerical stability")
def test_importances_zero_without_a_useful_split(learner):
    leaf = hand_tree([-2], [-2], [-1], [-1], [[3, 2]], 4)
    assert_allclose(learner.feature_importances(leaf), np.zeros(4), "feature_importances of a single-leaf tree",
                    why="no split: all zeros, not nan (0 / 0)")
    stump = hand_tree([0, -2, -2], [0.5, -2, -2], [1, -1, -1], [2, -1, -1], [[6, 6], [3, 3], [3, 3]], 2)
    assert_allclose(learner.feature_importances(stump), np.zeros(2),
                    "feature_importances of XOR's depth-1 tree (its one split has gain 0)",
                    why="the total decrease is 0 (<= 1e-12): all zeros, not nan")


# ----------------------------------------------------------------------------- scikit-learn


@pytest.mark.clause("C9", "C5", "C6", "C7", "C8", probes="tree, probabilities and importances vs scikit-learn",
                    topic="trees and ensembles")
@pytest.mark.points(3)
@pytest.mark.parametrize("name", GOLDEN_TREES)
def test_matches_sklearn_decision_tree(learner, golden, name):
    X, y, X_test = golden[f"{name}_X"], golden[f"{name}_y"], golden[f"{name}_X_test"]
    params = golden_params(golden[f"{name}_params"])
    call = fit_call(X, y, **params)
    sk = {key: golden[f"{name}_{key}"] for key in TREE_KEYS} | {"n_features": X.shape[1]}
    why = f"differs from sklearn.tree.DecisionTreeClassifier({', '.join(f'{k}={v!r}' for k, v in params.items())}).tree_"
    tree = check_tree(learner.fit_tree(X, y, **params), sk, call, why=why)
    assert_allclose(learner.predict_proba(tree, X_test), golden[f"{name}_proba"],
                    call_repr("predict_proba", X_test) + f" on {call}", show_expected=False, **TOL,
                    why="differs from scikit-learn's predict_proba")
    assert_allclose(learner.feature_importances(tree), golden[f"{name}_importances"],
                    f"feature_importances of {call}", show_expected=False, **TOL,
                    why="differs from scikit-learn's feature_importances_")


# ----------------------------------------------------------------------------- bagging


@pytest.mark.clause("C10", probes="bootstrap rows not drawn as documented (generator, call, replacement, seed)",
                    topic="randomness and reproducibility")
@pytest.mark.points(2)
@pytest.mark.parametrize("n, trees, seed", [(10, 3, 0), (57, 4, 3), (200, 7, 12345)])
def test_bootstrap_indices(learner, n, trees, seed):
    call = call_repr("bootstrap_indices", n, trees, seed)
    got = assert_shape(learner.bootstrap_indices(n, trees, seed), (trees, n), call)
    assert got.dtype.kind in "iu", f"called {call}; got dtype {got.dtype}, expected integer row indices"
    assert_equal(got, np.random.default_rng(seed).integers(0, n, size=(trees, n)), call, show_expected=False,
                 why="np.random.default_rng(seed).integers(0, n_samples, size=(n_estimators, n_samples)): drawn with "
                     "replacement, from a generator of its own")


def rare_class_data() -> tuple[np.ndarray, np.ndarray]:
    """Class 2 has 2 rows of 40: several bootstrap samples below miss it."""
    X, y = dataset(41, 40, 3, 2, noise=0.8)
    y[[5, 17]] = 2
    return X, y


@pytest.mark.clause("C11", probes="bagged trees vs the reference; n_classes not passed to trees missing a class",
                    topic="trees and ensembles")
@pytest.mark.points(3)
def test_fit_bagging_matches_reference(learner, reference):
    X, y = rare_class_data()
    params = {"n_estimators": 6, "seed": 5, "max_depth": 4}
    call = call_repr("fit_bagging", X, y, **params)
    got = learner.fit_bagging(X, y, **params)
    expected = reference.fit_bagging(X, y, **params)
    if not (isinstance(got, dict) and "trees" in got and "indices" in got):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a dict with keys 'trees' and 'indices'")
    assert_equal(got["indices"], expected["indices"], call + ", ensemble['indices']", show_expected=False,
                 why="indices = bootstrap_indices(n_samples, n_estimators, seed)")
    assert len(got["trees"]) == 6, f"called {call}; got {len(got['trees'])} trees, expected 6"
    missing = [t for t, rows in enumerate(expected["indices"]) if not np.isin([5, 17], rows).any()]
    assert missing, "the judge's case must have a bootstrap sample without class 2"
    for t, (tree, want) in enumerate(zip(got["trees"], expected["trees"])):
        check_tree(tree, want, f"{call}, tree {t}" + (" (its sample has no row of class 2)" if t in missing else ""),
                   why="tree t is fit_tree(X[indices[t]], y[indices[t]], same parameters, n_classes=y.max() + 1 of "
                       "the full y): every tree keeps a column for every class")


def reference_ensemble(reference, X, y, n_trees: int, seed: int, **params) -> dict:
    """An ensemble in the statement's format, built by the judge from the reference's trees."""
    indices = np.random.default_rng(seed).integers(0, len(y), size=(n_trees, len(y)))
    k = int(y.max()) + 1
    return {"trees": [reference.fit_tree(X[rows], y[rows], n_classes=k, **params) for rows in indices],
            "indices": indices}


@pytest.mark.clause("C12", probes="hard (majority) voting instead of averaging probabilities", topic="trees and ensembles")
@pytest.mark.points(2)
def test_bagging_predict_proba_averages(learner, reference):
    X, y = dataset(42, 60, 3, 3, noise=1.0)
    X_test, _ = dataset(142, 40, 3, 3)
    ensemble = reference_ensemble(reference, X, y, 7, 9, max_depth=3)
    call = call_repr("bagging_predict_proba", X_test) + " on an ensemble of 7 trees of depth 3"
    proba = assert_allclose(learner.bagging_predict_proba(ensemble, X_test),
                            np.mean([reference.predict_proba(t, X_test) for t in ensemble["trees"]], axis=0),
                            call, show_expected=False, **TOL,
                            why="the mean of the trees' predict_proba (soft voting), not a vote of their predictions")
    top = np.sort(proba, axis=1)
    clear = top[:, -1] - top[:, -2] > 1e-9
    got = assert_shape(learner.bagging_predict(ensemble, X_test), (len(X_test),), call.replace("_proba", ""))
    assert_equal(got[clear], np.argmax(proba, axis=1)[clear], call.replace("_proba", ""), show_expected=False,
                 why="bagging_predict is the argmax of bagging_predict_proba")


@pytest.mark.clause("C12", probes="ensemble ties going to the highest class", topic="trees and ensembles")
def test_bagging_predict_ties_go_to_the_lowest_class(learner):
    a = hand_tree([-2], [-2], [-1], [-1], [[3, 0]], 1)
    b = hand_tree([-2], [-2], [-1], [-1], [[0, 2]], 1)
    ensemble = {"trees": [a, b], "indices": np.array([[0, 1, 1], [0, 0, 2]])}
    X = np.array([[0.0], [1.0]])
    call = call_repr("bagging_predict", X) + " with two trees voting (1, 0) and (0, 1)"
    assert_allclose(learner.bagging_predict_proba(ensemble, X), np.full((2, 2), 0.5), call.replace("predict", "predict_proba"))
    assert_equal(learner.bagging_predict(ensemble, X), np.array([0, 0]), call, why="equal probabilities: the lowest class")


@pytest.mark.clause("C12", probes="ensemble importances pooled from raw decreases, or trees without a split counted",
                    topic="trees and ensembles")
@pytest.mark.points(2)
def test_bagging_feature_importances(learner, reference):
    X, y = dataset(43, 50, 4, 2, noise=1.0)
    ensemble = reference_ensemble(reference, X, y, 4, 2, max_depth=2)
    ensemble["trees"].append(hand_tree([-2], [-2], [-1], [-1], [[3, 2]], 4))  # a tree without a split
    ensemble["indices"] = np.vstack([ensemble["indices"], np.zeros((1, len(y)), dtype=np.int64)])
    per_tree = np.array([judge_importances(t) for t in ensemble["trees"]])
    expected = per_tree.sum(axis=0) / per_tree.sum()
    assert_allclose(learner.bagging_feature_importances(ensemble), expected,
                    "bagging_feature_importances of 4 trees of depth 2 and one single-leaf tree", show_expected=False,
                    **TOL, why="sum the trees' normalised importances, then divide by the total (the mean over the "
                               "trees with a split, as a random forest does)")


@pytest.mark.clause("C13", probes="out-of-bag rows predicted by trees that were trained on them",
                    topic="validation and leakage")
@pytest.mark.points(3)
def test_oob_on_a_hand_built_ensemble(learner):
    a = hand_tree([-2], [-2], [-1], [-1], [[3, 1]], 1)
    b = hand_tree([-2], [-2], [-1], [-1], [[0, 4]], 1)
    c = hand_tree([-2], [-2], [-1], [-1], [[1, 1]], 1)
    ensemble = {"trees": [a, b, c], "indices": np.array([[0, 0, 1, 2, 1], [1, 2, 3, 3, 4], [4, 1, 1, 2, 2]])}
    X = np.zeros((5, 1))
    expected = np.array([[0.25, 0.75], [np.nan, np.nan], [np.nan, np.nan], [0.625, 0.375], [0.75, 0.25]])
    # row 0: trees b, c; rows 1, 2: in every sample; row 3: trees a, c; row 4: tree a only
    call = call_repr("oob_predict_proba", X) + " with indices [[0, 0, 1, 2, 1], [1, 2, 3, 3, 4], [4, 1, 1, 2, 2]]"
    got = assert_shape(learner.oob_predict_proba(ensemble, X), (5, 2), call)
    assert_equal(np.isnan(got).all(axis=1), np.isnan(expected).all(axis=1), call + ", rows of nan",
                 why="a row in every bootstrap sample has no out-of-bag tree: its row is nan")
    assert_allclose(got[[0, 3, 4]], expected[[0, 3, 4]], call + ", rows 0, 3 and 4", **TOL,
                    why="row i is averaged over the trees whose bootstrap sample does not contain i, and only those")
    y = np.array([1, 0, 0, 1, 1])
    assert_scalar_close(learner.oob_score(ensemble, X, y), 1 / 3, call_repr("oob_score", X, y) + " on that ensemble",
                        rtol=1e-12, why="accuracy over the 3 rows that are out of bag for some tree (rows 1 and 2 "
                                        "are left out, not counted as wrong)")


@pytest.mark.clause("C13", probes="out-of-bag probabilities and score vs the reference", topic="validation and leakage")
@pytest.mark.points(2)
@pytest.mark.parametrize("n_trees, seed", [(2, 3), (9, 4)])
def test_oob_matches_reference(learner, reference, n_trees, seed):
    X, y = dataset(44, 30, 3, 2, noise=1.0)
    ensemble = reference_ensemble(reference, X, y, n_trees, seed)  # fully grown: leaves are pure, ties exact
    expected = reference.oob_predict_proba(ensemble, X)
    call = call_repr("oob_predict_proba", X) + f" on {n_trees} fully grown trees"
    got = assert_shape(learner.oob_predict_proba(ensemble, X), expected.shape, call)
    nan = np.isnan(expected).all(axis=1)
    assert_equal(np.isnan(got).all(axis=1), nan, call + ", rows of nan", show_expected=False,
                 why="rows in every bootstrap sample are nan, the others are not")
    assert_allclose(got[~nan], expected[~nan], call, show_expected=False, **TOL)
    assert_scalar_close(learner.oob_score(ensemble, X, y), reference.oob_score(ensemble, X, y),
                        call_repr("oob_score", X, y) + f" on {n_trees} fully grown trees", rtol=1e-12,
                        show_expected=False)


@pytest.mark.clause("C13", "C14", probes="oob without any out-of-bag row, or on rows that are not the training rows",
                    topic="input validation")
def test_oob_errors(learner):
    leaf = hand_tree([-2], [-2], [-1], [-1], [[1, 1]], 1)
    ensemble = {"trees": [leaf, leaf], "indices": np.array([[0, 1], [1, 0]])}
    X, y = np.zeros((2, 1)), np.array([0, 1])
    with expect_raises(ValueError, call_repr("oob_score", X, y) + " when every row is in every sample",
                       "no row is out of bag for any tree"):
        learner.oob_score(ensemble, X, y)
    with expect_raises(ValueError, call_repr("oob_predict_proba", np.zeros((3, 1))) + " on an ensemble of 2 rows",
                       "X must be the n training rows the indices refer to"):
        learner.oob_predict_proba(ensemble, np.zeros((3, 1)))


@pytest.mark.clause("C9", "C10", "C11", "C12", "C13", probes="bagging vs scikit-learn trees on the same bootstrap samples",
                    topic="trees and ensembles")
@pytest.mark.points(3)
def test_bagging_matches_sklearn(learner, golden):
    X, y, X_test = golden["bag_X"], golden["bag_y"], golden["bag_X_test"]
    params = golden_params(golden["bag_params"]) | {"n_estimators": int(golden["bag_n_estimators"]), "seed": int(golden["bag_seed"])}
    call = call_repr("fit_bagging", X, y, **params)
    ensemble = learner.fit_bagging(X, y, **params)
    if not (isinstance(ensemble, dict) and "trees" in ensemble and "indices" in ensemble):
        raise AssertionError(f"called {call}; got {describe(ensemble)}, expected a dict with keys 'trees' and 'indices'")
    assert_equal(ensemble["indices"], golden["bag_indices"], call + ", ensemble['indices']", show_expected=False)
    why = "differs from DecisionTreeClassifier trees fit on the same bootstrap samples"
    assert_allclose(learner.bagging_predict_proba(ensemble, X_test), golden["bag_proba"],
                    call_repr("bagging_predict_proba", X_test) + f" on {call}", show_expected=False, **TOL, why=why)
    assert_allclose(learner.bagging_feature_importances(ensemble), golden["bag_importances"],
                    f"bagging_feature_importances of {call}", show_expected=False, **TOL, why=why)
    assert_allclose(learner.oob_predict_proba(ensemble, X), golden["bag_oob"],
                    call_repr("oob_predict_proba", X) + f" on {call}", show_expected=False, **TOL, why=why)


# ----------------------------------------------------------------------------- validation


def invalid_calls():
    X, y = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 0.0]]), np.array([0, 1, 1])
    nan_X = X.copy()
    nan_X[1, 0] = np.nan
    return [
        ("fit_tree", (X[:, 0], y), {}, "X must be 2-D"),
        ("fit_tree", (nan_X, y), {}, "X holds nan"),
        ("fit_tree", (X, y[:2]), {}, "X and y differ in length"),
        ("fit_tree", (X[:0], y[:0]), {}, "y is empty"),
        ("fit_tree", (X, np.array([0, -1, 1])), {}, "labels must be >= 0"),
        ("fit_tree", (X, np.array([0.0, 0.5, 1.0])), {}, "labels must be integers"),
        ("fit_tree", (X, y), {"criterion": "mse"}, "criterion must be 'gini' or 'entropy'"),
        ("fit_tree", (X, y), {"max_depth": 0}, "max_depth must be None or >= 1"),
        ("fit_tree", (X, y), {"min_samples_split": 1}, "min_samples_split must be >= 2"),
        ("fit_tree", (X, y), {"min_samples_leaf": 0}, "min_samples_leaf must be >= 1"),
        ("fit_tree", (X, y), {"n_classes": 1}, "n_classes is smaller than y.max() + 1"),
        ("best_split", (X, np.array([0, 1, -2])), {}, "labels must be >= 0"),
        ("best_split", (X, y), {"criterion": "log_loss"}, "criterion must be 'gini' or 'entropy'"),
        ("best_split", (X, y), {"min_samples_leaf": 0}, "min_samples_leaf must be >= 1"),
        ("fit_bagging", (X, y), {"n_estimators": 0}, "n_estimators must be >= 1"),
        ("fit_bagging", (X, y), {"max_depth": 0}, "max_depth must be None or >= 1"),
        ("fit_bagging", (nan_X, y), {}, "X holds nan"),
        ("gini", (np.array([], dtype=np.int64),), {}, "y is empty"),
        ("entropy", (np.array([1, -1]),), {}, "labels must be >= 0"),
    ]


@pytest.mark.clause("C14", probes="bad shapes, nan, labels, criterion or limits accepted", topic="input validation")
@pytest.mark.parametrize("index", range(len(invalid_calls())))
def test_invalid_input_raises(learner, index):
    name, args, kwargs, why = invalid_calls()[index]
    with expect_raises(ValueError, call_repr(name, *args, **kwargs), why):
        getattr(learner, name)(*args, **kwargs)
