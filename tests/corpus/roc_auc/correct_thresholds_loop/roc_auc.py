"""Correct, by brute force: threshold at every distinct score and count; AUC from pairs."""
import numpy as np


def _validate(y_true, scores):
    y = [int(v) for v in np.asarray(y_true).ravel().tolist()]
    s = [float(v) for v in np.asarray(scores).ravel().tolist()]
    if len(y) != len(s):
        raise ValueError("y_true and scores differ in length")
    if any(v not in (0, 1) for v in y):
        raise ValueError("labels must be 0 or 1")
    if sum(y) == 0:
        raise ValueError("only one class in y_true: no positive samples")
    if sum(y) == len(y):
        raise ValueError("only one class in y_true: no negative samples")
    return y, s


def roc_curve(y_true, scores):
    y, s = _validate(y_true, scores)
    P, N = sum(y), len(y) - sum(y)
    fpr, tpr, thr = [0.0], [0.0], [float("inf")]
    for t in sorted(set(s), reverse=True):
        tp = sum(1 for a, b in zip(y, s) if b >= t and a == 1)
        fp = sum(1 for a, b in zip(y, s) if b >= t and a == 0)
        fpr.append(fp / N)
        tpr.append(tp / P)
        thr.append(t)
    return np.array(fpr), np.array(tpr), np.array(thr)


def auc(x, y):
    x = [float(v) for v in np.asarray(x).ravel()]
    y = [float(v) for v in np.asarray(y).ravel()]
    if len(x) != len(y) or len(x) < 2:
        raise ValueError("need two equal-length sequences of at least 2 points")
    steps = [b - a for a, b in zip(x, x[1:])]
    if all(d >= 0 for d in steps):
        sign = 1.0
    elif all(d <= 0 for d in steps):
        sign = -1.0
    else:
        raise ValueError("x must be monotonic")
    area = 0.0
    for i in range(len(x) - 1):
        area += (x[i + 1] - x[i]) * (y[i] + y[i + 1]) / 2
    return sign * area


def roc_auc_score(y_true, scores):
    y, s = _validate(y_true, scores)
    pos = [b for a, b in zip(y, s) if a == 1]
    neg = [b for a, b in zip(y, s) if a == 0]
    wins = 0.0
    for p in pos:
        for n in neg:
            wins += 1.0 if p > n else (0.5 if p == n else 0.0)
    return wins / (len(pos) * len(neg))
