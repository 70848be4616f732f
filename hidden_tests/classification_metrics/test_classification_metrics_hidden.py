"""Hidden tests for classification_metrics.

Wrong answers this suite is built to catch (one line each):
- confusion matrix transposed (rows = predicted instead of rows = true).
- labels=None taken from y_true only, or in order of first appearance instead of the sorted union.
- the `labels` argument ignored, its order ignored, or its absent classes dropped.
- precision and recall swapped (dividing by true counts instead of predicted counts).
- macro and weighted confused (support weights missing or applied to macro).
- micro computed as macro (averaging per-class scores instead of pooling the counts).
- F1 (macro) computed as the harmonic mean of macro precision and macro recall.
- zero_division ignored (always 0), or nan / an exception for a class that is never predicted or never true.
- absent classes (only in y_pred, only in `labels`) skipped in the macro average.
- per-class counts taken from the confusion matrix restricted to `labels` (drops samples of unlisted classes).
- average="binary" not scoring pos_label, or silently accepting multiclass data instead of ValueError.
- all-negative predictions giving nan instead of zero_division.
- accuracy computed per class, or y_true / y_pred of different lengths accepted silently.
The trusted values come from scikit-learn (imported lazily), on hand-made edge cases and on random label
vectors drawn by hypothesis (derandomized).
"""
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from graders.asserts import assert_allclose, assert_equal, assert_scalar_close, call_repr

# no shrinking: a wrong submission must fail fast, not spend the budget minimising its counterexample
FAST = settings(max_examples=15, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
                report_multiple_bugs=False, suppress_health_check=[HealthCheck.too_slow])
SCORES = ("precision", "recall", "f1_score")


@pytest.fixture(scope="module")
def skm():
    import sklearn.metrics

    return sklearn.metrics


def sk_scores(skm, y_true, y_pred, **kwargs):
    """scikit-learn's (precision, recall, f1) for the same arguments."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return skm.precision_recall_fscore_support(y_true, y_pred, **kwargs)[:3]


def sk_confusion(skm, y_true, y_pred, labels=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return skm.confusion_matrix(y_true, y_pred, labels=labels)


def check_scores(learner, skm, y_true, y_pred, why="", **kwargs):
    expected = sk_scores(skm, y_true, y_pred, **{"average": "binary", **kwargs})
    for name, exp in zip(SCORES, expected):
        got = getattr(learner, name)(y_true, y_pred, **kwargs)
        call = call_repr(name, y_true, y_pred, **kwargs)
        if kwargs.get("average", "binary") is None:
            assert_allclose(got, exp, call, rtol=1e-9, why=why, show_expected=False)
        else:
            assert_scalar_close(got, exp, call, rtol=1e-9, atol=1e-12, why=why, show_expected=False)


def label_pairs(n_labels=5, max_size=30):
    return st.integers(1, max_size).flatmap(lambda n: st.tuples(
        st.lists(st.integers(0, n_labels - 1), min_size=n, max_size=n),
        st.lists(st.integers(0, n_labels - 1), min_size=n, max_size=n)))


# ------------------------------------------------------------------ confusion matrix

@pytest.mark.points(2)
def test_confusion_matrix_orientation_and_labels(learner, skm):
    y_true = np.array([0, 0, 0, 1, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 0, 2])
    assert_equal(learner.confusion_matrix(y_true, y_pred), sk_confusion(skm, y_true, y_pred),
                 call_repr("confusion_matrix", y_true, y_pred),
                 why="rows are true labels, columns are predicted labels", show_expected=False)
    y_true = np.array([3, 1, 3, 1, 3])
    y_pred = np.array([2, 3, 1, 5, 3])  # 2 and 5 only predicted: labels=None is the sorted union [1, 2, 3, 5]
    assert_equal(learner.confusion_matrix(y_true, y_pred), sk_confusion(skm, y_true, y_pred),
                 call_repr("confusion_matrix", y_true, y_pred),
                 why="labels=None means the sorted union of the labels in y_true and y_pred", show_expected=False)
    for labels in ([5, 3, 1], [3, 7, 1]):  # an order of our own; 7 never occurs; 2 (and 5) left out
        assert_equal(learner.confusion_matrix(y_true, y_pred, labels=labels),
                     sk_confusion(skm, y_true, y_pred, labels=labels),
                     call_repr("confusion_matrix", y_true, y_pred, labels=labels),
                     why="rows and columns follow `labels` in the given order; unlisted labels are ignored",
                     show_expected=False)


def test_confusion_matrix_string_labels(learner, skm):
    y_true = np.array(["dog", "cat", "dog", "bird", "cat"])
    y_pred = np.array(["cat", "cat", "dog", "dog", "bird"])
    assert_equal(learner.confusion_matrix(y_true, y_pred), sk_confusion(skm, y_true, y_pred),
                 call_repr("confusion_matrix", y_true, y_pred),
                 why="labels can be strings; they are sorted too", show_expected=False)


@FAST
@given(pair=label_pairs(), permute=st.booleans())
def test_confusion_matrix_random_vs_sklearn(learner, skm, pair, permute):
    y_true, y_pred = np.array(pair[0]), np.array(pair[1])
    labels = [4, 0, 2, 1, 3] if permute else None
    assert_equal(learner.confusion_matrix(y_true, y_pred, labels=labels),
                 sk_confusion(skm, y_true, y_pred, labels=labels),
                 call_repr("confusion_matrix", y_true, y_pred, labels=labels), show_expected=False)


# ------------------------------------------------------------------ accuracy

def test_accuracy(learner, skm):
    rng = np.random.default_rng(5)
    y_true, y_pred = rng.integers(0, 4, 37), rng.integers(0, 4, 37)
    assert_scalar_close(learner.accuracy(y_true, y_pred), skm.accuracy_score(y_true, y_pred),
                        call_repr("accuracy", y_true, y_pred), why="the fraction of samples predicted exactly right",
                        show_expected=False)
    y_true, y_pred = np.array(["a", "b", "a"]), np.array(["a", "a", "a"])
    assert_scalar_close(learner.accuracy(y_true, y_pred), 2 / 3, call_repr("accuracy", y_true, y_pred))
    with pytest.raises(ValueError):
        learner.accuracy(np.array([0, 1, 1]), np.array([0, 1]))
        pytest.fail("accuracy(3 labels, 2 labels) should raise ValueError: the lengths differ")


# ------------------------------------------------------------------ hand-made traps

@pytest.mark.points(2)
def test_precision_and_recall_not_swapped(learner):
    y_true = np.array([1, 1, 1, 1, 0, 0, 0])
    y_pred = np.array([1, 0, 0, 0, 1, 0, 0])  # tp=1, fp=1, fn=3
    for name, expected, why in [
        ("precision", 0.5, "precision divides tp by the number of PREDICTED positives"),
        ("recall", 0.25, "recall divides tp by the number of TRUE positives"),
        ("f1_score", 2 * 0.5 * 0.25 / 0.75, "F1 is the harmonic mean of precision and recall"),
    ]:
        assert_scalar_close(getattr(learner, name)(y_true, y_pred), expected, call_repr(name, y_true, y_pred),
                            why=why)


@pytest.mark.points(2)
def test_micro_macro_weighted_are_different(learner, skm):
    # imbalanced: class 0 is large and easy, classes 1 and 2 are small and hard
    y_true = np.array([0] * 10 + [1] * 3 + [2] * 2)
    y_pred = np.array([0] * 9 + [1] + [1, 0, 2] + [0, 0])
    whys = {"micro": "micro pools tp, fp and fn over all classes before dividing (it is not a mean of scores)",
            "macro": "macro is the plain mean of the per-class scores (every class counts the same)",
            "weighted": "weighted averages the per-class scores with weights = support (true counts)"}
    for average, why in whys.items():
        check_scores(learner, skm, y_true, y_pred, why=why, average=average)
    assert_scalar_close(learner.precision(y_true, y_pred, average="micro"), 10 / 15,
                        call_repr("precision", y_true, y_pred, average="micro"),
                        why="without a `labels` subset, micro precision equals accuracy")


def test_macro_f1_is_mean_of_per_class_f1(learner, skm):
    y_true = np.array([0, 0, 0, 0, 1, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 2, 1, 1, 2, 0, 0])
    check_scores(learner, skm, y_true, y_pred, average="macro",
                 why="macro F1 averages the per-class F1 values; it is not the harmonic mean of macro P and R")


@pytest.mark.points(2)
def test_absent_classes_and_zero_division(learner, skm):
    y_true = np.array([0, 0, 1, 1, 1, 2])
    y_pred = np.array([0, 3, 1, 1, 0, 0])  # 2 is never predicted, 3 is never true
    for zero_division in (0, 1):
        for average in (None, "macro", "weighted", "micro"):
            check_scores(learner, skm, y_true, y_pred, average=average, zero_division=zero_division,
                         why="a class with no predicted (or no true) samples scores zero_division there; "
                             "it still counts in the macro mean")
        for labels in ([0, 1, 2, 3, 4], [4, 1], [2, 0]):  # 4 occurs nowhere
            for average in (None, "macro", "micro"):
                check_scores(learner, skm, y_true, y_pred, average=average, labels=labels,
                             zero_division=zero_division,
                             why="`labels` picks the classes to score; each class's counts use every sample")


@pytest.mark.points(2)
def test_all_negative_predictions(learner, skm):
    y_true = np.array([0, 1, 0, 1, 1, 0])
    y_pred = np.zeros(6, dtype=int)
    for zero_division in (0, 1):
        check_scores(learner, skm, y_true, y_pred, zero_division=zero_division,
                     why="nothing is predicted positive: precision is 0/0, so it is zero_division")
        check_scores(learner, skm, y_pred, y_pred, zero_division=zero_division,
                     why="no positives at all: every score is 0/0, so it is zero_division")


def test_binary_pos_label_and_multiclass_error(learner, skm):
    y_true = np.array(["spam", "ham", "spam", "ham", "ham"])
    y_pred = np.array(["spam", "spam", "ham", "ham", "ham"])
    check_scores(learner, skm, y_true, y_pred, pos_label="ham", why="average='binary' scores pos_label only")
    y_true = np.array([0, 1, 2, 1])
    for name in SCORES:
        with pytest.raises(ValueError):
            getattr(learner, name)(y_true, y_true)
            pytest.fail(f"called {call_repr(name, y_true, y_true)}: average='binary' with 3 classes must raise "
                        f"ValueError")


# ------------------------------------------------------------------ random label vectors vs scikit-learn

@pytest.mark.parametrize("average", ["micro", "macro", "weighted", None])
@pytest.mark.points(2)
@FAST
@given(pair=label_pairs(n_labels=4), zero_division=st.sampled_from([0, 1]),
       labels=st.sampled_from([None, None, [0, 1, 2, 3, 4], [2, 0]]))
def test_scores_random_vs_sklearn(learner, skm, average, pair, zero_division, labels):
    y_true, y_pred = np.array(pair[0]), np.array(pair[1])
    check_scores(learner, skm, y_true, y_pred, average=average, labels=labels, zero_division=zero_division)


@FAST
@given(pair=label_pairs(n_labels=2), zero_division=st.sampled_from([0, 1]))
def test_binary_random_vs_sklearn(learner, skm, pair, zero_division):
    y_true, y_pred = np.array(pair[0]), np.array(pair[1])
    check_scores(learner, skm, y_true, y_pred, zero_division=zero_division)
