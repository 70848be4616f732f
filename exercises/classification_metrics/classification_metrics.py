"""Confusion matrix, accuracy, precision, recall and F1, from scratch in numpy.

Run the visible tests with `python grade.py check classification_metrics`.

Conventions (scikit-learn's):
- y_true, y_pred: 1-D arrays (or lists) of equal length holding class labels: ints or strings.
  Raise ValueError if their lengths differ.
- labels=None means the SORTED union of the labels found in y_true and y_pred.
- `average`:
    "binary"   -> the score of class `pos_label` only (ValueError if there are more than 2 labels,
                  or 2 labels and pos_label is not one of them);
    "micro"    -> pool tp / fp / fn over the classes, then divide once;
    "macro"    -> unweighted mean of the per-class scores;
    "weighted" -> mean of the per-class scores weighted by support (number of true samples per class);
    None       -> the per-class scores, a float array in `labels` order.
- `labels` (for micro / macro / weighted / None) chooses which classes are scored and averaged;
  the counts for a class always use every sample.
- zero_division: the value (0 or 1) a score takes when its denominator is 0 (e.g. precision of a class
  that is never predicted).
Do not use sklearn, scipy, tensorflow, keras or torch.
"""
import numpy as np


def confusion_matrix(y_true, y_pred, labels=None):
    """(K, K) int array: entry [i, j] counts samples with true label labels[i] predicted as labels[j]
    (rows = true, columns = predicted). Samples whose true or predicted label is not in `labels` are
    ignored."""
    # TODO
    raise NotImplementedError("confusion_matrix")


def accuracy(y_true, y_pred):
    """Fraction of samples with y_pred == y_true, a float."""
    # TODO
    raise NotImplementedError("accuracy")


def precision(y_true, y_pred, average="binary", pos_label=1, labels=None, zero_division=0):
    """tp / (tp + fp) per class, averaged as `average` says. A float (an array for average=None)."""
    # TODO
    raise NotImplementedError("precision")


def recall(y_true, y_pred, average="binary", pos_label=1, labels=None, zero_division=0):
    """tp / (tp + fn) per class, averaged as `average` says. A float (an array for average=None)."""
    # TODO
    raise NotImplementedError("recall")


def f1_score(y_true, y_pred, average="binary", pos_label=1, labels=None, zero_division=0):
    """Harmonic mean of precision and recall per class, 2 tp / (2 tp + fp + fn), averaged as `average`
    says (macro averages the per-class F1 values). zero_division when 2 tp + fp + fn = 0."""
    # TODO
    raise NotImplementedError("f1_score")
