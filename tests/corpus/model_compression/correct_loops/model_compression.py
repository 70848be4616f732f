"""Correct, written independently: sorted-index pruning (later index pruned first on ties), per-sample loops."""
import math

import numpy as np


def magnitude_prune(w, sparsity):
    if sparsity < 0 or sparsity > 1:
        raise ValueError("sparsity must lie in [0, 1]")
    w = np.asarray(w)
    flat = np.abs(w).ravel()
    k = int(round(sparsity * flat.size))
    ranked = sorted(range(flat.size), key=lambda i: (flat[i], -i))  # ties: the later entry goes first
    keep = np.ones(flat.size, dtype=bool)
    for i in ranked[:k]:
        keep[i] = False
    keep = keep.reshape(w.shape)
    out = w.copy()
    out[~keep] = 0
    return out, keep


def quantize_int8(w):
    w = np.asarray(w, dtype=np.float64)
    lo = min(0.0, float(np.min(w)))
    hi = max(0.0, float(np.max(w)))
    scale = 1.0 if hi == lo else (hi - lo) / 255.0
    zero_point = int(np.rint(-128.0 - lo / scale))
    zero_point = max(-128, min(127, zero_point))
    q = np.rint(w / scale + zero_point)
    q = np.minimum(np.maximum(q, -128), 127).astype(np.int8)
    return q, scale, zero_point


def dequantize(q, scale, zero_point):
    return (np.asarray(q).astype(np.int32) - int(zero_point)).astype(np.float64) * float(scale)


def _log_probs(row):
    top = max(row)
    log_total = top + math.log(sum(math.exp(v - top) for v in row))
    return [v - log_total for v in row]


def distillation_loss(student_logits, teacher_logits, y, T, alpha):
    student = np.asarray(student_logits, dtype=float)
    teacher = np.asarray(teacher_logits, dtype=float)
    n = student.shape[0]
    hard_total, soft_total = 0.0, 0.0
    for i in range(n):
        hard_total -= _log_probs(list(student[i]))[int(y[i])]
        lp_t = _log_probs(list(teacher[i] / T))
        lp_s = _log_probs(list(student[i] / T))
        soft_total += sum(math.exp(a) * (a - b) for a, b in zip(lp_t, lp_s))
    return alpha * hard_total / n + (1 - alpha) * (T * T) * soft_total / n
