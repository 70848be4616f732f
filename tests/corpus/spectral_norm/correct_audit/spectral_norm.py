"""Spectral normalisation by power iteration (audit answer)."""
from __future__ import annotations

import numpy as np


def _matrix(w) -> np.ndarray:
    w = np.asarray(w, dtype=np.float64)
    if w.ndim < 2:
        raise ValueError(f"w must have at least 2 axes, got shape {w.shape}")
    return w.reshape(-1, w.shape[-1])


def _check_u(u, n: int) -> np.ndarray:
    u = np.array(u, dtype=np.float64)
    if u.shape != (n,):
        raise ValueError(f"u must have shape ({n},), got {u.shape}")
    if not np.linalg.norm(u) > 0:
        raise ValueError("u has norm 0")
    return u


def _iterate(W: np.ndarray, u: np.ndarray, n_iter: int):
    if n_iter < 1:
        raise ValueError("n_iter must be at least 1")
    v = None
    for _ in range(int(n_iter)):
        Wu = W @ u
        nv = np.linalg.norm(Wu)
        if nv == 0:
            raise ValueError("W u is the zero vector")
        v = Wu / nv
        Wtv = W.T @ v
        nu = np.linalg.norm(Wtv)
        if nu == 0:
            raise ValueError("W^T v is the zero vector")
        u = Wtv / nu
    sigma = float(v @ (W @ u))
    return sigma, u, v


def power_iteration(w, u, n_iter: int = 1) -> tuple[float, np.ndarray, np.ndarray]:
    """n_iter power iterations from u on W = w.reshape(-1, w.shape[-1]); returns (sigma, u, v)."""
    W = _matrix(w)
    u = _check_u(u, W.shape[1])
    return _iterate(W, u, n_iter)


def spectral_normalize(w, u, n_iter: int = 1) -> tuple[np.ndarray, np.ndarray, float]:
    """(w / sigma, u, sigma) with (sigma, u, _) = power_iteration(w, u, n_iter)."""
    w = np.asarray(w, dtype=np.float64)
    sigma, u, _ = power_iteration(w, u, n_iter)
    return w / sigma, u, sigma


class SpectralDense:
    """Dense layer y = x @ (w / sigma) + b with a persistent power-iteration vector u."""

    def __init__(self, w, b, u=None, n_iter: int = 1, seed: int = 0) -> None:
        w = np.array(w, dtype=np.float64)
        if w.ndim != 2:
            raise ValueError(f"w must be 2-D, got shape {w.shape}")
        n = w.shape[1]
        b = np.array(b, dtype=np.float64)
        if b.shape != (n,):
            raise ValueError(f"b must have shape ({n},), got {b.shape}")
        if n_iter < 1:
            raise ValueError("n_iter must be at least 1")
        if u is None:
            r = np.random.default_rng(seed).standard_normal(n)
            u = r / np.linalg.norm(r)
        else:
            u = _check_u(u, n)
        self.w = w
        self.b = b
        self.u = u
        self.n_iter = n_iter
        self.sigma = None
        self._cache = None

    def forward(self, x, training: bool = True) -> np.ndarray:
        """x @ (w / sigma) + b; training stores the new u."""
        x = np.array(x, dtype=np.float64)
        m = self.w.shape[0]
        if x.ndim != 2 or x.shape[1] != m:
            raise ValueError(f"x must have shape (B, {m}), got {x.shape}")
        sigma, u_new, v = _iterate(self.w, self.u, self.n_iter)
        if training:
            self.u = u_new
        self.sigma = sigma
        w_sn = self.w / sigma
        self._cache = (x, u_new, v, sigma, w_sn)
        return x @ w_sn + self.b

    def backward(self, grad_out) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(dx, dw, db) for the last forward, dw w.r.t. the raw w."""
        if self._cache is None:
            raise RuntimeError("backward before forward")
        x, u, v, sigma, w_sn = self._cache
        g = np.asarray(grad_out, dtype=np.float64)
        if g.shape != (x.shape[0], w_sn.shape[1]):
            raise ValueError(f"grad_out must have shape {(x.shape[0], w_sn.shape[1])}, got {g.shape}")
        G = x.T @ g
        dw = (G - np.sum(G * w_sn) * np.outer(v, u)) / sigma
        dx = g @ w_sn.T
        db = g.sum(axis=0)
        return dx, dw, db
