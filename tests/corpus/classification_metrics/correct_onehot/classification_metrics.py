"""Correct, with one-hot matrices: the confusion matrix is T.T @ P."""
import numpy as np


def _encode(y_true, y_pred, labels):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"length mismatch: {y_true.shape} vs {y_pred.shape}")
    labels = np.asarray(labels)
    T = (y_true[:, None] == labels[None, :]).astype(np.int64)
    P = (y_pred[:, None] == labels[None, :]).astype(np.int64)
    return T, P


def confusion_matrix(y_true, y_pred, labels=None):
    if labels is None:
        labels = np.union1d(y_true, y_pred)
    T, P = _encode(y_true, y_pred, labels)
    keep = (T.sum(1) == 1) & (P.sum(1) == 1)
    return T[keep].T @ P[keep]


def accuracy(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError("length mismatch")
    return float(np.count_nonzero(y_true == y_pred) / y_true.size)


def _safe(num, den, zd):
    num, den = np.atleast_1d(num).astype(float), np.atleast_1d(den).astype(float)
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), float(zd))


def _prf(y_true, y_pred, average, pos_label, labels, zd):
    present = np.union1d(y_true, y_pred)
    if average == "binary":
        if present.size > 2:
            raise ValueError("binary average needs binary labels; pass average='macro' for multiclass")
        if present.size == 2 and pos_label not in present.tolist():
            raise ValueError("pos_label not among the labels")
        labels = np.asarray([pos_label])
    elif average not in ("micro", "macro", "weighted", None):
        raise ValueError("bad average")
    elif labels is None:
        labels = present
    T, P = _encode(y_true, y_pred, labels)
    tp = (T * P).sum(0)
    true, pred = T.sum(0), P.sum(0)
    if average == "micro":
        tp, true, pred = tp.sum(), true.sum(), pred.sum()
    scores = np.stack([_safe(tp, pred, zd), _safe(tp, true, zd), _safe(2 * tp, true + pred, zd)])
    if average is None:
        return scores
    if average == "weighted" and np.sum(true) > 0:
        return scores @ (true / np.sum(true))
    return scores.mean(axis=1)


def precision(y_true, y_pred, average="binary", pos_label=1, labels=None, zero_division=0):
    out = _prf(y_true, y_pred, average, pos_label, labels, zero_division)[0]
    return out if average is None else float(out)


def recall(y_true, y_pred, average="binary", pos_label=1, labels=None, zero_division=0):
    out = _prf(y_true, y_pred, average, pos_label, labels, zero_division)[1]
    return out if average is None else float(out)


def f1_score(y_true, y_pred, average="binary", pos_label=1, labels=None, zero_division=0):
    out = _prf(y_true, y_pred, average, pos_label, labels, zero_division)[2]
    return out if average is None else float(out)
