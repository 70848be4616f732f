"""Visible tests for kappa_and_cv: `python grade.py check kappa_and_cv`."""
import numpy as np

from graders.asserts import assert_equal, assert_scalar_close, call_repr


def test_kappa_hand_example(learner):
    # p_o = 3/4; rater 1 says (0, 1) half/half, rater 2 a quarter/three quarters:
    # p_e = 0.5 * 0.25 + 0.5 * 0.75 = 0.5, so kappa = (0.75 - 0.5) / (1 - 0.5) = 0.5
    y1, y2 = np.array([0, 0, 1, 1]), np.array([0, 1, 1, 1])
    assert_scalar_close(learner.cohen_kappa(y1, y2), 0.5, call_repr("cohen_kappa", y1, y2), rtol=1e-9)


def test_kappa_perfect_agreement_is_one(learner):
    y = np.array(["cat", "dog", "dog", "bird"])
    assert_scalar_close(learner.cohen_kappa(y, y), 1.0, call_repr("cohen_kappa", y, y), rtol=1e-9)


def test_kfold_contiguous_folds(learner):
    folds = learner.kfold_indices(7, 3)
    assert len(folds) == 3, f"called kfold_indices(7, 3); got {len(folds)} folds, expected 3"
    expected_tests = [[0, 1, 2], [3, 4], [5, 6]]  # the first 7 % 3 = 1 fold gets one extra sample
    for i, (train, test) in enumerate(folds):
        call = call_repr("kfold_indices", 7, 3) + f" fold {i}"
        assert_equal(np.sort(test), expected_tests[i], call + " test indices")
        assert_equal(np.sort(train), [j for j in range(7) if j not in expected_tests[i]], call + " train indices")


def test_stratified_folds_keep_class_counts(learner):
    y = np.array([0] * 6 + [1] * 3)
    folds = learner.stratified_kfold_indices(y, 3)
    assert len(folds) == 3, f"called stratified_kfold_indices(y, 3); got {len(folds)} folds, expected 3"
    for i, (train, test) in enumerate(folds):
        counts = np.bincount(y[np.asarray(test)], minlength=2)
        assert_equal(counts, [2, 1], call_repr("stratified_kfold_indices", y, 3) + f" fold {i}: class counts in the test fold")
