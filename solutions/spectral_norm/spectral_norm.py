"""Reference solution: the largest singular value by power iteration, and a spectrally normalised dense layer."""
from __future__ import annotations

import numpy as np


def _matrix(w: np.ndarray) -> np.ndarray:
    w = np.asarray(w, dtype=np.float64)
    if w.ndim < 2:
        raise ValueError(f"w must have at least 2 axes, got shape {w.shape}")
    return w.reshape(-1, w.shape[-1])  # Keras' layout: the output axis is last (conv kernels included)


def _vector(u: np.ndarray, n: int) -> np.ndarray:
    u = np.array(u, dtype=np.float64)  # a copy: the caller's u is never changed
    if u.shape != (n,):
        raise ValueError(f"u must have shape ({n},), got {u.shape}")
    if not np.linalg.norm(u) > 0:
        raise ValueError("u has norm 0: power iteration cannot start from it")
    return u


def _check_iterations(n_iter: int) -> None:
    if n_iter < 1:
        raise ValueError(f"n_iter must be at least 1, got {n_iter}")


def power_iteration(w: np.ndarray, u: np.ndarray, n_iter: int = 1) -> tuple[float, np.ndarray, np.ndarray]:
    matrix = _matrix(w)
    u = _vector(u, matrix.shape[1])
    _check_iterations(n_iter)
    for _ in range(n_iter):
        wu = matrix @ u
        length = np.linalg.norm(wu)
        if length == 0:
            raise ValueError("W u is the zero vector: u lies in the null space of W (or W is 0)")
        v = wu / length
        wtv = matrix.T @ v
        u = wtv / np.linalg.norm(wtv)  # never 0: |W^T v| |u| >= v^T W u = |W u| > 0
    sigma = float(v @ matrix @ u)  # with the updated u (as Keras); equals |W^T v|
    return sigma, u, v


def spectral_normalize(w: np.ndarray, u: np.ndarray, n_iter: int = 1) -> tuple[np.ndarray, np.ndarray, float]:
    sigma, u, _ = power_iteration(w, u, n_iter)
    return np.asarray(w, dtype=np.float64) / sigma, u, sigma


class SpectralDense:
    def __init__(self, w: np.ndarray, b: np.ndarray, u: np.ndarray | None = None, n_iter: int = 1,
                 seed: int = 0) -> None:
        self.w = np.array(w, dtype=np.float64)
        if self.w.ndim != 2:
            raise ValueError(f"w must be a matrix (in_features, units), got shape {self.w.shape}")
        n = self.w.shape[1]
        self.b = np.array(b, dtype=np.float64)
        if self.b.shape != (n,):
            raise ValueError(f"b must have shape ({n},), got {self.b.shape}")
        _check_iterations(n_iter)
        if u is None:
            u = np.random.default_rng(seed).standard_normal(n)
            u = u / np.linalg.norm(u)
        self.u = _vector(u, n)
        self.n_iter = n_iter
        self.sigma: float | None = None
        self._cache = None

    def forward(self, x: np.ndarray, training: bool = True) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.w.shape[0]:
            raise ValueError(f"x must have shape (batch, {self.w.shape[0]}), got {x.shape}")
        sigma, u, v = power_iteration(self.w, self.u, self.n_iter)
        if training:
            self.u = u  # the persistent estimate: the next call continues from here
        self.sigma = sigma
        self._cache = (x, u, v, sigma)
        return x @ (self.w / sigma) + self.b

    def backward(self, grad_out: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._cache is None:
            raise RuntimeError("backward called before forward")
        x, u, v, sigma = self._cache
        grad_out = np.asarray(grad_out, dtype=np.float64)
        if grad_out.shape != (x.shape[0], self.w.shape[1]):
            raise ValueError(f"grad_out must have shape {(x.shape[0], self.w.shape[1])}, got {grad_out.shape}")
        w_sn = self.w / sigma
        grad_w_sn = x.T @ grad_out
        # W_sn = W / sigma(W), sigma = v^T W u with u, v held constant: d sigma / dW = v u^T
        grad_w = (grad_w_sn - np.sum(grad_w_sn * w_sn) * np.outer(v, u)) / sigma
        return grad_out @ w_sn.T, grad_w, grad_out.sum(axis=0)
