"""Visible tests for decision_tree: `python grade.py check decision_tree`."""
import math

import numpy as np

from graders.asserts import assert_allclose, assert_equal, assert_scalar_close, call_repr

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def test_gini_and_entropy(learner):
    y = np.array([0, 0, 1, 1, 1])
    assert_scalar_close(learner.gini(y), 1 - (0.4 ** 2 + 0.6 ** 2), call_repr("gini", y))
    expected = -(0.4 * math.log2(0.4) + 0.6 * math.log2(0.6))  # bits
    assert_scalar_close(learner.entropy(y), expected, call_repr("entropy", y))
    y2 = np.array([0, 0, 2, 2])  # class 1 is absent: 0 log 0 = 0
    assert_scalar_close(learner.entropy(y2), 1.0, call_repr("entropy", y2))


def test_best_split_uses_midpoints(learner):
    X, y = np.array([[1.0], [2.0], [4.0], [7.0]]), np.array([0, 0, 1, 1])
    feature, threshold, gain = learner.best_split(X, y)
    call = call_repr("best_split", X, y)
    assert int(feature) == 0, f"called {call}; got feature {feature}, expected 0"
    assert_scalar_close(threshold, 3.0, call + ", threshold (the midpoint of 2 and 4)")
    assert_scalar_close(gain, 0.5, call + ", gain (0.5 - 0 - 0)")


def test_best_split_weights_children_by_size(learner):
    X, y = np.arange(1.0, 7.0)[:, None], np.array([0, 0, 0, 0, 1, 0])
    _, threshold, _ = learner.best_split(X, y)
    # 4.5: 2/6 * gini([1, 0]) = 1/6; 1.5 (isolating row 0): 5/6 * gini([0, 0, 0, 1, 0]) = 0.267
    assert_scalar_close(threshold, 4.5, call_repr("best_split", X, y) + ", threshold")


def test_xor_tree(learner):
    tree = learner.fit_tree(XOR_X, XOR_Y)
    call = call_repr("fit_tree", XOR_X, XOR_Y)
    assert_equal(np.asarray(tree["feature"]), np.array([0, 1, -2, -2, 1, -2, -2]), call + ", tree['feature']")
    assert_equal(np.asarray(tree["children_left"]), np.array([1, 2, -1, -1, 5, -1, -1]),
                 call + ", tree['children_left'] (preorder)")
    assert_equal(np.asarray(tree["children_right"]), np.array([4, 3, -1, -1, 6, -1, -1]),
                 call + ", tree['children_right']")
    assert_allclose(tree["threshold"], np.array([0.5, 0.5, -2, -2, 0.5, -2, -2]), call + ", tree['threshold']")
    assert_equal(np.asarray(tree["counts"]), np.array([[2, 2], [1, 1], [1, 0], [0, 1], [1, 1], [0, 1], [1, 0]]),
                 call + ", tree['counts']")
    assert_equal(learner.predict(tree, XOR_X), XOR_Y, call_repr("predict", XOR_X) + " on that tree")
    assert_allclose(learner.feature_importances(tree), np.array([0.0, 1.0]), "feature_importances of that tree")


def test_max_depth_one_is_a_stump(learner):
    tree = learner.fit_tree(XOR_X, XOR_Y, max_depth=1)
    assert len(tree["feature"]) == 3, f"fit_tree(XOR, max_depth=1) has {len(tree['feature'])} nodes, expected 3"
    assert_allclose(learner.feature_importances(tree), np.zeros(2),
                    "feature_importances(fit_tree(XOR, max_depth=1)) (one split of gain 0: zeros, not nan)")


def test_bootstrap_indices(learner):
    got = learner.bootstrap_indices(4, 3, 0)
    assert_equal(got, np.array([[3, 2, 2, 1], [1, 0, 0, 0], [0, 3, 2, 3]]), "bootstrap_indices(4, 3, 0)")


def test_oob_leaves_out_the_trees_that_saw_a_row(learner):
    def leaf(counts):
        return {"feature": np.array([-2]), "threshold": np.array([-2.0]), "children_left": np.array([-1]),
                "children_right": np.array([-1]), "impurity": np.array([0.0]), "counts": np.array([counts]),
                "n_features": 1}

    ensemble = {"trees": [leaf([4, 0]), leaf([1, 3])], "indices": np.array([[0, 0, 1], [1, 2, 2]])}
    X = np.zeros((3, 1))
    got = learner.oob_predict_proba(ensemble, X)
    # row 0: only tree 1 did not see it; row 1: both saw it (nan); row 2: only tree 0 did not see it
    assert_allclose(got, np.array([[0.25, 0.75], [np.nan, np.nan], [1.0, 0.0]]), "oob_predict_proba(ensemble, X)")
    assert_scalar_close(learner.oob_score(ensemble, X, np.array([1, 0, 0])), 1.0,
                        "oob_score(ensemble, X, y=[1, 0, 0]) (row 1 has no out-of-bag prediction)")
