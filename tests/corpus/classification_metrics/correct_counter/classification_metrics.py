"""Correct, with plain Python loops and collections.Counter."""
from collections import Counter

import numpy as np


def _lists(y_true, y_pred):
    a, b = list(np.asarray(y_true).tolist()), list(np.asarray(y_pred).tolist())
    if len(a) != len(b):
        raise ValueError("y_true and y_pred must have the same length")
    return a, b


def confusion_matrix(y_true, y_pred, labels=None):
    a, b = _lists(y_true, y_pred)
    if labels is None:
        labels = sorted(set(a) | set(b))
    labels = list(np.asarray(labels).tolist())
    pairs = Counter(zip(a, b))
    return np.array([[pairs[(t, p)] for p in labels] for t in labels], dtype=np.int64).reshape(len(labels), len(labels))


def accuracy(y_true, y_pred):
    a, b = _lists(y_true, y_pred)
    return sum(t == p for t, p in zip(a, b)) / len(a)


def _ratio(num, den, zero_division):
    return num / den if den else float(zero_division)


def _per_class(a, b, labels):
    rows = []
    for k in labels:
        tp = sum(1 for t, p in zip(a, b) if t == k and p == k)
        fp = sum(1 for t, p in zip(a, b) if t != k and p == k)
        fn = sum(1 for t, p in zip(a, b) if t == k and p != k)
        rows.append((tp, fp, fn))
    return rows


def _metric(tp, fp, fn, kind, zd):
    if kind == "precision":
        return _ratio(tp, tp + fp, zd)
    if kind == "recall":
        return _ratio(tp, tp + fn, zd)
    return _ratio(2 * tp, 2 * tp + fp + fn, zd)


def _generic(kind, y_true, y_pred, average, pos_label, labels, zero_division):
    a, b = _lists(y_true, y_pred)
    present = sorted(set(a) | set(b))
    if average == "binary":
        if len(present) > 2 or (len(present) == 2 and pos_label not in present):
            raise ValueError("average='binary' needs two labels including pos_label")
        tp, fp, fn = _per_class(a, b, [pos_label])[0]
        return _metric(tp, fp, fn, kind, zero_division)
    if average not in ("micro", "macro", "weighted", None):
        raise ValueError("unknown average %r" % (average,))
    labels = present if labels is None else list(np.asarray(labels).tolist())
    rows = _per_class(a, b, labels)
    if average == "micro":
        tp, fp, fn = (sum(r[i] for r in rows) for i in range(3))
        return _metric(tp, fp, fn, kind, zero_division)
    scores = [_metric(tp, fp, fn, kind, zero_division) for tp, fp, fn in rows]
    if average is None:
        return np.array(scores, dtype=float)
    if average == "weighted":
        support = [tp + fn for tp, fp, fn in rows]
        if sum(support):
            return sum(s * w for s, w in zip(scores, support)) / sum(support)
    return sum(scores) / len(scores)


def precision(y_true, y_pred, average="binary", pos_label=1, labels=None, zero_division=0):
    return _generic("precision", y_true, y_pred, average, pos_label, labels, zero_division)


def recall(y_true, y_pred, average="binary", pos_label=1, labels=None, zero_division=0):
    return _generic("recall", y_true, y_pred, average, pos_label, labels, zero_division)


def f1_score(y_true, y_pred, average="binary", pos_label=1, labels=None, zero_division=0):
    return _generic("f1", y_true, y_pred, average, pos_label, labels, zero_division)
