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
- accuracy computed per class, or y_true / y_pred of different lengths accepted silently (zip truncates,
  a length-1 vector broadcasts) by any function.
- a confusion matrix of float counts; Python lists not accepted (y == k on a list is a single False).
- average='binary' accepting 2 labels that do not include pos_label, or counting labels in y_true only.
- average='weighted' dividing by a total support of 0 (nan) instead of taking a plain mean.
- an averaged score returned as a one-element array instead of a float.
The trusted values come from scikit-learn (imported lazily), on hand-made edge cases and on random label
vectors drawn by hypothesis (derandomized). Counts and scores are exact: the tolerances are float rounding
bounds, not sweep figures (nothing is trained or seeded at grading time). Each test names the statement's
## Contract clauses it enforces.
"""
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from graders.asserts import (as_array, assert_allclose, assert_equal, assert_scalar_close, call_repr, describe,
                             expect_raises)

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

@pytest.mark.clause("C1", "C2", probes="a transposed matrix, labels from y_true only or unsorted, the labels argument or its order ignored",
                    topic="evaluation metrics")
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


@pytest.mark.clause("C1", "C2", "C5", probes="string labels in the confusion matrix", topic="evaluation metrics")
def test_confusion_matrix_string_labels(learner, skm):
    y_true = np.array(["dog", "cat", "dog", "bird", "cat"])
    y_pred = np.array(["cat", "cat", "dog", "dog", "bird"])
    assert_equal(learner.confusion_matrix(y_true, y_pred), sk_confusion(skm, y_true, y_pred),
                 call_repr("confusion_matrix", y_true, y_pred),
                 why="labels can be strings; they are sorted too", show_expected=False)


@pytest.mark.clause("C1", "C2", probes="the confusion matrix on random label vectors", topic="evaluation metrics")
@FAST
@given(pair=label_pairs(), permute=st.booleans())
def test_confusion_matrix_random_vs_sklearn(learner, skm, pair, permute):
    y_true, y_pred = np.array(pair[0]), np.array(pair[1])
    labels = [4, 0, 2, 1, 3] if permute else None
    assert_equal(learner.confusion_matrix(y_true, y_pred, labels=labels),
                 sk_confusion(skm, y_true, y_pred, labels=labels),
                 call_repr("confusion_matrix", y_true, y_pred, labels=labels), show_expected=False)


# ------------------------------------------------------------------ accuracy

@pytest.mark.clause("C3", "C5", probes="accuracy on random and string labels, and lengths that differ",
                    topic="evaluation metrics")
def test_accuracy(learner, skm):
    rng = np.random.default_rng(5)
    y_true, y_pred = rng.integers(0, 4, 37), rng.integers(0, 4, 37)
    assert_scalar_close(learner.accuracy(y_true, y_pred), skm.accuracy_score(y_true, y_pred),
                        call_repr("accuracy", y_true, y_pred), why="the fraction of samples predicted exactly right",
                        show_expected=False)
    y_true, y_pred = np.array(["a", "b", "a"]), np.array(["a", "a", "a"])
    assert_scalar_close(learner.accuracy(y_true, y_pred), 2 / 3, call_repr("accuracy", y_true, y_pred))
    y_true, y_pred = np.array([0, 1, 1]), np.array([0, 1])
    with expect_raises(ValueError, call_repr("accuracy", y_true, y_pred), "y_true and y_pred differ in length"):
        learner.accuracy(y_true, y_pred)


# ------------------------------------------------------------------ hand-made traps

@pytest.mark.clause("C4", "C6", probes="precision and recall swapped", topic="evaluation metrics")
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


@pytest.mark.clause("C7", "C8", "C9", probes="micro, macro and weighted averages confused on imbalanced data",
                    topic="evaluation metrics")
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


@pytest.mark.clause("C8", probes="macro F1 as the harmonic mean of macro precision and recall",
                    topic="evaluation metrics")
def test_macro_f1_is_mean_of_per_class_f1(learner, skm):
    y_true = np.array([0, 0, 0, 0, 1, 1, 2, 2, 2])
    y_pred = np.array([0, 1, 1, 2, 1, 1, 2, 0, 0])
    check_scores(learner, skm, y_true, y_pred, average="macro",
                 why="macro F1 averages the per-class F1 values; it is not the harmonic mean of macro P and R")


@pytest.mark.clause("C4", "C8", "C10", "C11", probes="classes never predicted or never true, and a labels subset",
                    topic="evaluation metrics")
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


@pytest.mark.clause("C6", "C11", probes="all-negative predictions: 0/0 scores", topic="evaluation metrics")
@pytest.mark.points(2)
def test_all_negative_predictions(learner, skm):
    y_true = np.array([0, 1, 0, 1, 1, 0])
    y_pred = np.zeros(6, dtype=int)
    for zero_division in (0, 1):
        check_scores(learner, skm, y_true, y_pred, zero_division=zero_division,
                     why="nothing is predicted positive: precision is 0/0, so it is zero_division")
        check_scores(learner, skm, y_pred, y_pred, zero_division=zero_division,
                     why="no positives at all: every score is 0/0, so it is zero_division")


@pytest.mark.clause("C6", probes="pos_label ignored, or average='binary' accepting multiclass data",
                    topic="evaluation metrics")
def test_binary_pos_label_and_multiclass_error(learner, skm):
    y_true = np.array(["spam", "ham", "spam", "ham", "ham"])
    y_pred = np.array(["spam", "spam", "ham", "ham", "ham"])
    check_scores(learner, skm, y_true, y_pred, pos_label="ham", why="average='binary' scores pos_label only")
    y_true = np.array([0, 1, 2, 1])
    for name in SCORES:
        with expect_raises(ValueError, call_repr(name, y_true, y_true),
                           "average='binary' (the default) needs two classes, and these labels hold 3"):
            getattr(learner, name)(y_true, y_true)


# ------------------------------------------------------------------ random label vectors vs scikit-learn

@pytest.mark.parametrize("average", ["micro", "macro", "weighted", None])
@pytest.mark.points(2)
@FAST
@given(pair=label_pairs(n_labels=4), zero_division=st.sampled_from([0, 1]),
       labels=st.sampled_from([None, None, [0, 1, 2, 3, 4], [2, 0]]))
@pytest.mark.clause("C4", "C7", "C8", "C9", "C10", "C11", probes="every average on random label vectors",
                    topic="evaluation metrics")
def test_scores_random_vs_sklearn(learner, skm, average, pair, zero_division, labels):
    y_true, y_pred = np.array(pair[0]), np.array(pair[1])
    check_scores(learner, skm, y_true, y_pred, average=average, labels=labels, zero_division=zero_division)


@pytest.mark.clause("C4", "C6", "C11", probes="binary scores on random 0/1 vectors", topic="evaluation metrics")
@FAST
@given(pair=label_pairs(n_labels=2), zero_division=st.sampled_from([0, 1]))
def test_binary_random_vs_sklearn(learner, skm, pair, zero_division):
    y_true, y_pred = np.array(pair[0]), np.array(pair[1])
    check_scores(learner, skm, y_true, y_pred, zero_division=zero_division)


# ------------------------------------------------------------------ contract: types, inputs, validation

@pytest.mark.clause("C1", probes="a confusion matrix of floats instead of integer counts", topic="api contract")
def test_confusion_matrix_holds_integers(learner):
    y_true, y_pred = np.array([0, 1, 1, 2]), np.array([0, 2, 1, 2])
    for labels in (None, [2, 0]):
        call = call_repr("confusion_matrix", y_true, y_pred, labels=labels)
        cm = as_array(learner.confusion_matrix(y_true, y_pred, labels=labels), call)
        if cm.dtype.kind not in "iu":
            raise AssertionError(f"called {call}; got dtype {cm.dtype}, expected an int array of counts")


@pytest.mark.clause("C5", probes="inputs given as Python lists (the functions assume numpy arrays)",
                    topic="api contract")
def test_python_lists_are_accepted(learner, skm):
    y_true, y_pred = [0, 1, 1, 2, 2, 0, 1], [0, 2, 1, 2, 1, 0, 0]
    why = "y_true and y_pred may be Python lists: convert them with np.asarray first"
    assert_equal(learner.confusion_matrix(y_true, y_pred), sk_confusion(skm, y_true, y_pred),
                 call_repr("confusion_matrix", y_true, y_pred), why=why, show_expected=False)
    assert_scalar_close(learner.accuracy(y_true, y_pred), skm.accuracy_score(y_true, y_pred),
                        call_repr("accuracy", y_true, y_pred), why=why, show_expected=False)
    for average in ("macro", None):
        check_scores(learner, skm, y_true, y_pred, why=why, average=average)
    check_scores(learner, skm, ["b", "a", "b", "b"], ["b", "b", "a", "b"], why=why, pos_label="b")


@pytest.mark.points(2)
@pytest.mark.clause("C5", probes="y_true and y_pred of different lengths truncated (zip) or broadcast",
                    topic="input validation")
def test_every_function_refuses_different_lengths(learner):
    for y_true, y_pred in ((np.array([0, 1, 1, 0]), np.array([0, 1, 1])),
                           (np.array([0, 1, 1]), np.array([1])),
                           ([1, 0], [1, 0, 0])):
        for name in ("confusion_matrix", "accuracy") + SCORES:
            with expect_raises(ValueError, call_repr(name, y_true, y_pred),
                               "the lengths differ: never truncate or broadcast"):
                getattr(learner, name)(y_true, y_pred)


@pytest.mark.points(2)
@pytest.mark.clause("C6", probes="average='binary' with pos_label not among two labels, or more than 2 labels "
                                 "counted in y_true alone", topic="input validation")
def test_binary_refuses_a_missing_pos_label_and_extra_predicted_labels(learner):
    cases = [(np.array([0, 2, 2, 0]), np.array([2, 0, 2, 2]), {}, "2 labels {0, 2} and pos_label=1 is not one of them"),
             (np.array(["ham", "spam", "ham"]), np.array(["spam", "spam", "ham"]), {"pos_label": "eggs"},
              "pos_label='eggs' is not one of the 2 labels"),
             (np.array([0, 1, 1, 0]), np.array([0, 2, 1, 0]), {},
              "y_true and y_pred hold 3 labels together (2 only appears in y_pred)")]
    for y_true, y_pred, kwargs, what in cases:
        for name in SCORES:
            with expect_raises(ValueError, call_repr(name, y_true, y_pred, **kwargs),
                               f"{what}, so average='binary' cannot score it"):
                getattr(learner, name)(y_true, y_pred, **kwargs)


@pytest.mark.clause("C9", probes="average='weighted' when no scored class has support (0/0 weights)",
                    topic="evaluation metrics")
def test_weighted_without_support_is_a_plain_mean(learner, skm):
    y_true = np.array([0, 0, 1, 1, 1, 2])
    y_pred = np.array([0, 3, 1, 1, 0, 0])  # 3 is never true, 4 occurs nowhere
    for labels in ([3, 4], [3]):
        for zero_division in (0, 1):
            check_scores(learner, skm, y_true, y_pred, average="weighted", labels=labels,
                         zero_division=zero_division,
                         why="no scored class has any true sample: the weighted mean is then a plain mean")


@pytest.mark.clause("C12", probes="an averaged score or accuracy returned as an array instead of a float",
                    topic="api contract")
def test_averaged_scores_are_floats(learner):
    y_true, y_pred = np.array([0, 1, 2, 2, 1, 0]), np.array([0, 2, 2, 1, 1, 1])
    calls = [("accuracy", {})] + [(name, {"average": a}) for name in SCORES for a in ("micro", "macro", "weighted")]
    calls += [(name, {}) for name in SCORES]
    for name, kwargs in calls:
        y, p = (y_true, y_pred) if kwargs or name == "accuracy" else (y_true % 2, y_pred % 2)
        got = getattr(learner, name)(y, p, **kwargs)
        if not isinstance(got, float):
            raise AssertionError(f"called {call_repr(name, y, p, **kwargs)}; got {describe(got)}, "
                                 f"expected a Python float")
