"""Correct answer written from the statement alone: u advances through the Gram matrix W^T W, v is formed
only when needed, sigma = |W^T v|, and the weight gradient comes from the quotient rule on W / (v^T W u)."""
import numpy as np


def _prepare(w, u, n_iter):
    w = np.array(w, dtype=np.float64)
    if w.ndim < 2:
        raise ValueError(f"w has shape {w.shape}; need at least 2 axes")
    mat = w.reshape(-1, w.shape[-1])
    u = np.array(u, dtype=np.float64)
    if u.shape != (mat.shape[1],):
        raise ValueError(f"u has shape {u.shape}, expected ({mat.shape[1]},)")
    if np.linalg.norm(u) == 0:
        raise ValueError("u is the zero vector")
    if n_iter < 1:
        raise ValueError("n_iter < 1")
    return mat, u


def power_iteration(w, u, n_iter=1):
    mat, u = _prepare(w, u, n_iter)
    gram = mat.T @ mat
    for step in range(n_iter):
        wu = mat @ u
        norm_wu = np.linalg.norm(wu)
        if norm_wu == 0:
            raise ValueError("W u = 0")
        if step == n_iter - 1:
            v = wu / norm_wu
        g = gram @ u                      # W^T (W u): the same direction as W^T v
        u = g / np.linalg.norm(g)
    sigma = np.linalg.norm(mat.T @ v)     # v^T W u with the new u
    return float(sigma), u, v


def spectral_normalize(w, u, n_iter=1):
    sigma, u, _ = power_iteration(w, u, n_iter)
    return np.array(w, dtype=np.float64) / sigma, u, sigma


class SpectralDense:
    def __init__(self, w, b, u=None, n_iter=1, seed=0):
        self.w = np.array(w, dtype=np.float64)
        self.b = np.array(b, dtype=np.float64)
        if self.w.ndim != 2 or self.b.shape != (self.w.shape[1],):
            raise ValueError("need w (m, n) and b (n,)")
        if u is None:
            rng = np.random.default_rng(seed)
            r = rng.standard_normal(self.w.shape[1])
            u = r / np.linalg.norm(r)
        _prepare(self.w, u, n_iter)          # validates u and n_iter
        self.u = np.array(u, dtype=np.float64)
        self.n_iter = n_iter
        self.sigma = None
        self._last = None

    def forward(self, x, training=True):
        x = np.array(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.w.shape[0]:
            raise ValueError(f"x has shape {x.shape}")
        sigma, u, v = power_iteration(self.w, self.u, self.n_iter)
        self.sigma = sigma
        if training:
            self.u = u
        self._last = {"x": x, "u": u, "v": v, "sigma": sigma}
        return (x @ self.w) / sigma + self.b

    def backward(self, grad_out):
        if self._last is None:
            raise RuntimeError("call forward first")
        x, u, v, sigma = (self._last[k] for k in ("x", "u", "v", "sigma"))
        grad_out = np.array(grad_out, dtype=np.float64)
        if grad_out.shape != (len(x), self.w.shape[1]):
            raise ValueError(f"grad_out has shape {grad_out.shape}")
        g = x.T @ grad_out                              # dL/d(W_sn)
        # quotient rule: d(W / s) = dW / s - W ds / s^2, ds = <v u^T, dW>
        dw = g / sigma - (np.sum(g * self.w) / sigma ** 2) * np.outer(v, u)
        dx = grad_out @ self.w.T / sigma
        return dx, dw, grad_out.sum(axis=0)
