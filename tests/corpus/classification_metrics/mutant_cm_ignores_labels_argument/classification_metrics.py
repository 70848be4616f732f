"""Reference solution: confusion matrix, accuracy, precision, recall and F1 (scikit-learn semantics)."""
import numpy as np

AVERAGES = ("binary", "micro", "macro", "weighted", None)


def _vectors(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true has {len(y_true)} labels but y_pred has {len(y_pred)}")
    return y_true, y_pred


def _counts(y_true, y_pred, labels):
    """tp, predicted and true counts for each label, counted over every sample."""
    labels = np.asarray(labels)
    tp = np.array([np.sum((y_true == k) & (y_pred == k)) for k in labels])
    predicted = np.array([np.sum(y_pred == k) for k in labels])
    true = np.array([np.sum(y_true == k) for k in labels])
    return tp, predicted, true


def _divide(num, den, zero_division):
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    out = np.full(num.shape, float(zero_division))
    np.divide(num, den, out=out, where=den != 0)
    return out


def confusion_matrix(y_true, y_pred, labels=None):
    y_true, y_pred = _vectors(y_true, y_pred)
    labels = np.unique(np.concatenate([y_true, y_pred]))
    index = {label: i for i, label in enumerate(np.asarray(labels).tolist())}
    cm = np.zeros((len(index), len(index)), dtype=np.int64)
    for t, p in zip(y_true.tolist(), y_pred.tolist()):
        if t in index and p in index:
            cm[index[t], index[p]] += 1  # row = true label, column = predicted label
    return cm


def accuracy(y_true, y_pred):
    y_true, y_pred = _vectors(y_true, y_pred)
    return float(np.mean(y_true == y_pred))


def _score(kind, y_true, y_pred, average, pos_label, labels, zero_division):
    if average not in AVERAGES:
        raise ValueError(f"average must be one of {AVERAGES}, got {average!r}")
    y_true, y_pred = _vectors(y_true, y_pred)
    present = np.unique(np.concatenate([y_true, y_pred]))
    if average == "binary":
        if len(present) > 2:
            raise ValueError(f"average='binary' needs at most 2 labels, found {len(present)}: "
                             f"use average='micro', 'macro' or 'weighted' for multiclass data")
        if len(present) == 2 and pos_label not in present.tolist():
            raise ValueError(f"pos_label={pos_label!r} is not one of the labels {present.tolist()}")
        labels = [pos_label]
    elif labels is None:
        labels = present
    tp, predicted, true = _counts(y_true, y_pred, labels)
    if average == "micro":
        tp, predicted, true = tp.sum(keepdims=True), predicted.sum(keepdims=True), true.sum(keepdims=True)
    if kind == "precision":
        scores = _divide(tp, predicted, zero_division)
    elif kind == "recall":
        scores = _divide(tp, true, zero_division)
    else:  # F1 = 2 P R / (P + R) = 2 tp / (2 tp + fp + fn)
        scores = _divide(2 * tp, predicted + true, zero_division)
    if average is None:
        return scores
    if average == "weighted" and true.sum() > 0:  # (no support at all: plain mean, as scikit-learn)
        return float(np.average(scores, weights=true))
    return float(np.mean(scores))


def precision(y_true, y_pred, average="binary", pos_label=1, labels=None, zero_division=0):
    return _score("precision", y_true, y_pred, average, pos_label, labels, zero_division)


def recall(y_true, y_pred, average="binary", pos_label=1, labels=None, zero_division=0):
    return _score("recall", y_true, y_pred, average, pos_label, labels, zero_division)


def f1_score(y_true, y_pred, average="binary", pos_label=1, labels=None, zero_division=0):
    return _score("f1", y_true, y_pred, average, pos_label, labels, zero_division)
