"""ROC curve and AUC, from scratch in numpy.

Run the visible tests with `python grade.py check roc_auc`.

Conventions:
- y_true: 1-D array of 0/1 (or False/True) labels, 1 = positive; scores: 1-D array of the same length,
  higher = more positive. Raise ValueError if the lengths differ, if a label is not 0/1, or if y_true
  holds only one class (then the curve and its AUC are undefined); the message says which class is missing.
- roc_curve equals sklearn.metrics.roc_curve(y_true, scores, drop_intermediate=False).
Do not use sklearn, scipy, tensorflow, keras or torch.
"""
import numpy as np


def roc_curve(y_true, scores):
    """(fpr, tpr, thresholds), three float arrays of length (number of distinct scores) + 1.

    thresholds[0] = +inf (nothing predicted positive: the point (0, 0)); then every distinct score in
    DECREASING order; point i predicts positive every sample with score >= thresholds[i].
    Tied scores cross the threshold together: one point per distinct score, never one per sample.
    """
    # TODO
    raise NotImplementedError("roc_curve")


def auc(x, y):
    """Area under the piecewise-linear curve through (x[i], y[i]) (trapezoidal rule), a float.
    x must be monotonic (increasing or decreasing; the area is positive for a positive y either way),
    else ValueError; x and y need the same length >= 2."""
    # TODO
    raise NotImplementedError("auc")


def roc_auc_score(y_true, scores):
    """Area under the ROC curve, a float in [0, 1]."""
    # TODO
    raise NotImplementedError("roc_auc_score")
