"""Model compression in numpy: magnitude pruning, int8 quantisation, knowledge distillation loss.

Run the visible tests with `python grade.py check model_compression`.
Do not use tensorflow, keras or torch here.
"""
import numpy as np


def magnitude_prune(w, sparsity):
    """Zero the round(sparsity * w.size) entries with the smallest |w|.

    w: array of any shape; sparsity in [0, 1] (ValueError otherwise).
    Returns (w_pruned with w's shape and dtype, mask: bool array, True = kept).
    Exactly that many entries are pruned, even when magnitudes tie.
    """
    # TODO
    raise NotImplementedError("magnitude_prune")


def quantize_int8(w):
    """Affine (asymmetric) per-tensor int8 quantisation.

    Range [lo, hi] = [min(w.min(), 0), max(w.max(), 0)]; scale = (hi - lo) / 255
    (1.0 if hi == lo); zero_point = round(-128 - lo / scale) as an int;
    q = clip(round(w / scale) + zero_point, -128, 127) as np.int8.
    Returns (q, scale as a float, zero_point as an int).
    """
    # TODO
    raise NotImplementedError("quantize_int8")


def dequantize(q, scale, zero_point):
    """scale * (q - zero_point) as a float array (beware: q is int8)."""
    # TODO
    raise NotImplementedError("dequantize")


def distillation_loss(student_logits, teacher_logits, y, T, alpha):
    """Knowledge-distillation loss (Hinton et al.), a float.

    student_logits, teacher_logits: (n, C); y: (n,) integer labels; T > 0; alpha in [0, 1].
    alpha * mean CE(y, softmax(student))
      + (1 - alpha) * T**2 * mean KL(softmax(teacher / T) || softmax(student / T)).
    """
    # TODO
    raise NotImplementedError("distillation_loss")
