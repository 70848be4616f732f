"""Visible tests for classification_metrics: `python grade.py check classification_metrics`."""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_equal, assert_scalar_close, call_repr

Y_TRUE = np.array([1, 1, 1, 0, 0, 0, 0, 1])
Y_PRED = np.array([1, 0, 1, 0, 1, 0, 0, 1])  # tp=3, fn=1, fp=1, tn=3


def test_confusion_matrix_binary(learner):
    assert_equal(learner.confusion_matrix(Y_TRUE, Y_PRED), [[3, 1], [1, 3]],
                 call_repr("confusion_matrix", Y_TRUE, Y_PRED))


@pytest.mark.points(2)
def test_confusion_matrix_rows_are_true_labels(learner):
    y_true, y_pred = np.array([0, 0, 0, 2]), np.array([0, 2, 2, 2])
    assert_equal(learner.confusion_matrix(y_true, y_pred), [[1, 2], [0, 1]],
                 call_repr("confusion_matrix", y_true, y_pred),
                 why="entry [i, j] counts true label i predicted as j; labels=None is the sorted union [0, 2]")


def test_accuracy(learner):
    assert_scalar_close(learner.accuracy(Y_TRUE, Y_PRED), 0.75, call_repr("accuracy", Y_TRUE, Y_PRED))


def test_binary_precision_recall_f1(learner):
    y_true, y_pred = np.array([1, 1, 1, 1, 0, 0]), np.array([1, 1, 0, 0, 1, 0])  # tp=2, fn=2, fp=1
    assert_scalar_close(learner.precision(y_true, y_pred), 2 / 3, call_repr("precision", y_true, y_pred))
    assert_scalar_close(learner.recall(y_true, y_pred), 0.5, call_repr("recall", y_true, y_pred))
    assert_scalar_close(learner.f1_score(y_true, y_pred), 4 / 7, call_repr("f1_score", y_true, y_pred))


def test_macro_and_per_class(learner):
    y_true, y_pred = np.array([0, 0, 1, 1, 2, 2]), np.array([0, 1, 1, 1, 2, 0])
    # per class precision: 0 -> 1/2, 1 -> 2/3, 2 -> 1/1
    assert_allclose(learner.precision(y_true, y_pred, average=None), [0.5, 2 / 3, 1.0],
                    call_repr("precision", y_true, y_pred, average=None))
    assert_scalar_close(learner.precision(y_true, y_pred, average="macro"), (0.5 + 2 / 3 + 1.0) / 3,
                        call_repr("precision", y_true, y_pred, average="macro"))


def test_zero_division(learner):
    y_true, y_pred = np.array([0, 1, 1]), np.array([0, 0, 0])  # class 1 is never predicted
    for zd in (0, 1):
        assert_scalar_close(learner.precision(y_true, y_pred, zero_division=zd), float(zd),
                            call_repr("precision", y_true, y_pred, zero_division=zd),
                            why="precision is 0/0 here; it takes the value zero_division")
