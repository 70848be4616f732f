"""Reference solution: scaled dot-product attention and the multi-head reshapes."""
import numpy as np


def scaled_dot_product_attention(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        mask = np.broadcast_to(np.asarray(mask, dtype=bool), scores.shape)
        scores = np.where(mask, scores, -np.inf)  # before the softmax
    top = np.max(scores, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)  # a fully masked row has no finite maximum
    e = np.exp(scores - top)
    total = np.sum(e, axis=-1, keepdims=True)
    weights = np.divide(e, total, out=np.zeros_like(e), where=total > 0)  # fully masked row -> zeros
    return weights @ v, weights


def split_heads(x, n):
    b, t, d = x.shape
    if d % n:
        raise ValueError(f"model dimension {d} is not divisible by {n} heads")
    return x.reshape(b, t, n, d // n).transpose(0, 2, 1, 3)


def merge_heads(x):
    b, n, t, dh = x.shape
    return x.transpose(0, 2, 1, 3).reshape(b, t, n * dh)


def causal_mask(t):
    return np.tril(np.ones((t, t), dtype=bool))  # query i may attend to keys 0..i
