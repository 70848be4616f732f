"""Correct, with np.unique counts for the curve and mid-ranks (Mann-Whitney U) for the AUC."""
import numpy as np


def _prepare(y_true, scores):
    y = np.asarray(y_true).reshape(-1)
    s = np.asarray(scores, dtype=float).reshape(-1)
    if y.size != s.size:
        raise ValueError("length mismatch between y_true and scores")
    if np.any((y != 0) & (y != 1)):
        raise ValueError("y_true must be binary 0/1")
    y = y.astype(bool)
    if y.all() or not y.any():
        raise ValueError("ROC AUC is undefined when y_true has a single class")
    return y, s


def roc_curve(y_true, scores):
    y, s = _prepare(y_true, scores)
    values, inverse = np.unique(s, return_inverse=True)      # ascending distinct scores
    pos = np.bincount(inverse, weights=y, minlength=values.size)
    neg = np.bincount(inverse, weights=~y, minlength=values.size)
    tps = np.cumsum(pos[::-1])                                 # from the highest score down
    fps = np.cumsum(neg[::-1])
    fpr = np.concatenate([[0.0], fps / fps[-1]])
    tpr = np.concatenate([[0.0], tps / tps[-1]])
    thresholds = np.concatenate([[np.inf], values[::-1]])
    return fpr, tpr, thresholds


def auc(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.ndim != 1 or x.shape != y.shape or x.size < 2:
        raise ValueError("x and y must be 1-D of equal length >= 2")
    d = np.diff(x)
    if (d < 0).any() and (d > 0).any():
        raise ValueError("x must be monotonic")
    return float(abs(np.dot(d, (y[:-1] + y[1:]) * 0.5)))


def _midranks(s):
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(s.size)
    sorted_s = s[order]
    i = 0
    while i < s.size:
        j = i
        while j + 1 < s.size and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i:j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def roc_auc_score(y_true, scores):
    y, s = _prepare(y_true, scores)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    u = _midranks(s)[y].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))
