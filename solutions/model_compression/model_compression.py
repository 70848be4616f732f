"""Reference solution: magnitude pruning, int8 affine quantisation and the distillation loss (numpy)."""
import numpy as np


def magnitude_prune(w, sparsity):
    if not 0.0 <= sparsity <= 1.0:
        raise ValueError(f"sparsity must be in [0, 1], got {sparsity}")
    w = np.asarray(w)
    n_prune = int(round(sparsity * w.size))
    # a stable sort of |w|: exactly n_prune entries go, ties broken by position
    order = np.argsort(np.abs(w), axis=None, kind="stable")
    mask = np.ones(w.size, dtype=bool)
    mask[order[:n_prune]] = False
    mask = mask.reshape(w.shape)
    return np.where(mask, w, 0).astype(w.dtype), mask


def quantize_int8(w):
    w = np.asarray(w, dtype=np.float64)
    lo, hi = min(float(w.min()), 0.0), max(float(w.max()), 0.0)  # the range always contains 0
    scale = (hi - lo) / 255.0 if hi > lo else 1.0
    zero_point = int(np.clip(np.round(-128.0 - lo / scale), -128, 127))
    q = np.clip(np.round(w / scale) + zero_point, -128, 127).astype(np.int8)
    return q, float(scale), zero_point


def dequantize(q, scale, zero_point):
    return scale * (np.asarray(q, dtype=np.float64) - zero_point)  # widen before subtracting: no int8 overflow


def _log_softmax(z):
    z = z - np.max(z, axis=-1, keepdims=True)
    return z - np.log(np.sum(np.exp(z), axis=-1, keepdims=True))


def distillation_loss(student_logits, teacher_logits, y, T, alpha):
    student = np.asarray(student_logits, dtype=np.float64)
    teacher = np.asarray(teacher_logits, dtype=np.float64)
    y = np.asarray(y).astype(np.int64)
    hard = -np.mean(_log_softmax(student)[np.arange(len(y)), y])  # cross-entropy with the labels, T = 1
    log_p_teacher = _log_softmax(teacher / T)
    log_p_student = _log_softmax(student / T)
    kl = np.mean(np.sum(np.exp(log_p_teacher) * (log_p_teacher - log_p_student), axis=-1))  # KL(teacher || student)
    # T^2 keeps the soft term's gradients on the same scale as the hard term's when T changes.
    return float(alpha * hard + (1.0 - alpha) * T ** 2 * kl)
