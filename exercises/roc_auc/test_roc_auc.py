"""Visible tests for roc_auc: `python grade.py check roc_auc`."""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_scalar_close, call_repr, expect_raises


def test_roc_curve_without_ties(learner):
    y, s = np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])
    fpr, tpr, thresholds = learner.roc_curve(y, s)
    call = call_repr("roc_curve", y, s)
    assert_allclose(fpr, [0.0, 0.0, 0.5, 0.5, 1.0], call + " fpr")
    assert_allclose(tpr, [0.0, 0.5, 0.5, 1.0, 1.0], call + " tpr")
    assert_allclose(thresholds, [np.inf, 0.8, 0.4, 0.35, 0.1], call + " thresholds")


@pytest.mark.points(2)
def test_roc_curve_with_ties(learner):
    y, s = np.array([0, 1, 1, 0, 1]), np.array([0.1, 0.4, 0.4, 0.4, 0.8])
    fpr, tpr, thresholds = learner.roc_curve(y, s)
    call = call_repr("roc_curve", y, s)
    assert_allclose(thresholds, [np.inf, 0.8, 0.4, 0.1], call + " thresholds",
                    why="one point per distinct score: the three samples at 0.4 cross the threshold together")
    assert_allclose(tpr, [0.0, 1 / 3, 1.0, 1.0], call + " tpr")
    assert_allclose(fpr, [0.0, 0.0, 0.5, 1.0], call + " fpr")


def test_auc_trapezoid(learner):
    x, y = np.array([0.0, 0.5, 1.0]), np.array([0.0, 1.0, 1.0])
    assert_scalar_close(learner.auc(x, y), 0.75, call_repr("auc", x, y))


def test_roc_auc_score(learner):
    y, s = np.array([0, 1, 1, 0, 1]), np.array([0.1, 0.4, 0.4, 0.4, 0.8])
    # 3 positives x 2 negatives = 6 pairs; the positive scores higher in 4, ties in 2 (0.4 vs 0.4),
    # and a tie counts 1/2: (4 + 2 / 2) / 6
    assert_scalar_close(learner.roc_auc_score(y, s), 5 / 6, call_repr("roc_auc_score", y, s))


def test_one_class_raises(learner):
    y, s = np.ones(4, dtype=int), np.array([0.1, 0.2, 0.3, 0.4])
    with expect_raises(ValueError, call_repr("roc_auc_score", y, s) + " with only positive labels",
                       "the ROC curve is undefined with one class"):
        learner.roc_auc_score(y, s)
