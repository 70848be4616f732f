"""Spectral normalisation: the largest singular value by power iteration, and a spectrally normalised dense layer.

Run the visible tests with `python grade.py check spectral_norm`.
Keras' layout: a kernel w has its output axis last, and W = w.reshape(-1, w.shape[-1]) is (m, n); the
persistent vector u has shape (n,), v has shape (m,). numpy only: np.linalg.svd, svdvals, eig, eigh,
eigvals, eigvalsh and matrix_norm are banned (use np.linalg.norm for vector lengths).
"""
from __future__ import annotations

import numpy as np


def power_iteration(w: np.ndarray, u: np.ndarray, n_iter: int = 1) -> tuple[float, np.ndarray, np.ndarray]:
    """n_iter iterations of v = W u / |W u|, u = W^T v / |W^T v|, from the given u.

    Returns (sigma, u, v): sigma = v^T W u with the updated u, u (n,) and v (m,) of norm 1.
    Raises ValueError for w with fewer than 2 axes, u not of shape (n,) or of norm 0, W u = 0 at
    some iteration, or n_iter < 1. Does not modify w or u.
    """
    # TODO
    raise NotImplementedError("power_iteration")


def spectral_normalize(w: np.ndarray, u: np.ndarray, n_iter: int = 1) -> tuple[np.ndarray, np.ndarray, float]:
    """(w / sigma, u, sigma) with (sigma, u, _) = power_iteration(w, u, n_iter); w / sigma has w's shape."""
    # TODO
    raise NotImplementedError("spectral_normalize")


class SpectralDense:
    """A dense layer y = x @ (w / sigma) + b whose sigma comes from power iteration on a stored u.

    w: (m, n) = (in features, units), b: (n,). Attributes: w, b (copies of the raw parameters, never
    replaced by w / sigma), u (stored vector, (n,)), n_iter, sigma (None before the first forward).
    u=None: r = np.random.default_rng(seed).standard_normal(n), u = r / |r|. A given u is copied.
    Raises ValueError for w not 2-D, b not (n,), u not (n,) or of norm 0, n_iter < 1.
    """

    def __init__(self, w: np.ndarray, b: np.ndarray, u: np.ndarray | None = None, n_iter: int = 1,
                 seed: int = 0) -> None:
        # TODO
        raise NotImplementedError("SpectralDense")

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        """x (B, m) -> x @ (w / sigma) + b, (sigma, u_new, v) = power_iteration(w, self.u, n_iter).

        training=True stores u_new as self.u (the next call continues from it); training=False leaves
        self.u unchanged. Both set self.sigma. Raises ValueError if x is not (B, m).
        """
        # TODO
        raise NotImplementedError("forward")

    def backward(self, grad_out: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(dx, dw, db) for the last forward: gradients w.r.t. x, the RAW w and b (batch sums).

        sigma = v^T W u with that forward's u and v held constant, so
        dw = (G - sum(G * W_sn) * outer(v, u)) / sigma, G = x.T @ grad_out, W_sn = w / sigma.
        Raises RuntimeError before any forward, ValueError if grad_out is not (B, n).
        """
        # TODO
        raise NotImplementedError("backward")
