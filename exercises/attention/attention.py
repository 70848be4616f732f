"""Scaled dot-product attention and the multi-head reshapes, from scratch in numpy.

Run the visible tests with `python grade.py check attention`.
Mask convention (as Keras' `attention_mask`): a boolean array, True = this query MAY
attend to this key, False = masked out. Do not use tensorflow, scipy or sklearn.
"""
import numpy as np


def scaled_dot_product_attention(q, k, v, mask=None):
    """softmax(q @ k^T / sqrt(d_k)) @ v, over any leading batch/head axes.

    q: (..., Tq, d_k), k: (..., Tk, d_k), v: (..., Tk, d_v); mask: bool, broadcastable
    to (..., Tq, Tk). Returns (out (..., Tq, d_v), weights (..., Tq, Tk)).
    Each row of weights sums to 1 and masked keys get exactly 0 weight. A query whose
    keys are ALL masked gets an all-zero weight row (and a zero output row), as in Keras.
    Must stay finite for scores as large as 1e4.
    """
    # TODO
    raise NotImplementedError("scaled_dot_product_attention")


def split_heads(x, n):
    """(B, T, D) -> (B, n, T, D // n): head h holds features h*D//n ... (h+1)*D//n - 1.

    Raises ValueError when D is not divisible by n.
    """
    # TODO
    raise NotImplementedError("split_heads")


def merge_heads(x):
    """(B, n, T, Dh) -> (B, T, n * Dh), the exact inverse of split_heads."""
    # TODO
    raise NotImplementedError("merge_heads")


def causal_mask(t):
    """(t, t) boolean mask, True where key j <= query i (a position sees itself and the past)."""
    # TODO
    raise NotImplementedError("causal_mask")
