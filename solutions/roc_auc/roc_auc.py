"""Reference solution: ROC curve and AUC, with tied scores handled as scikit-learn does.

roc_curve equals sklearn.metrics.roc_curve(y_true, scores, drop_intermediate=False): one point per
distinct score, plus the starting point (0, 0) whose threshold is +inf.
"""
import numpy as np


def _check_binary(y_true, scores):
    y = np.asarray(y_true).ravel()
    s = np.asarray(scores, dtype=np.float64).ravel()
    if y.shape != s.shape:
        raise ValueError(f"y_true has {y.size} labels but scores has {s.size} values")
    if not set(np.unique(y).tolist()) <= {0, 1}:
        raise ValueError(f"y_true must hold 0/1 (or False/True) labels, found {np.unique(y).tolist()}")
    y = y.astype(np.int64)
    n_pos = int(y.sum())
    if n_pos == 0 or n_pos == y.size:
        missing = "positive (1)" if n_pos == 0 else "negative (0)"
        raise ValueError(f"y_true contains only one class: there is no {missing} sample, so the ROC curve "
                         f"and its AUC are undefined")
    return y, s


def roc_curve(y_true, scores):
    y, s = _check_binary(y_true, scores)
    order = np.argsort(-s, kind="stable")  # decreasing score
    s, y = s[order], y[order]
    # one threshold per distinct score: the last index of each run of equal scores
    last = np.r_[np.flatnonzero(np.diff(s)), s.size - 1]
    tps = np.cumsum(y)[last]
    fps = (last + 1) - tps
    tpr = np.r_[0, tps] / tps[-1]
    fpr = np.r_[0, fps] / fps[-1]
    thresholds = np.r_[np.inf, s[last]]
    return fpr, tpr, thresholds


def auc(x, y):
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if x.shape != y.shape or x.size < 2:
        raise ValueError(f"auc needs x and y of the same length >= 2, got {x.size} and {y.size}")
    dx = np.diff(x)
    if np.all(dx >= 0):
        direction = 1.0
    elif np.all(dx <= 0):
        direction = -1.0
    else:
        raise ValueError("x is neither increasing nor decreasing, so the area under y(x) is ambiguous")
    return float(direction * np.sum(dx * (y[1:] + y[:-1]) / 2.0))


def roc_auc_score(y_true, scores):
    fpr, tpr, _ = roc_curve(y_true, scores)
    return auc(fpr, tpr)
