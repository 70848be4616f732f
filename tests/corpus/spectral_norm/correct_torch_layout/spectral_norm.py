"""Correct answer written from the statement alone, in PyTorch's layout: the weight is held transposed,
(units, in features), the iteration is written as PyTorch's spectral_norm does it (v in input space from
u in output space, then u), and the layer's gradient is assembled step by step by reverse-mode rules."""
import math

import numpy as np


def _as_matrix_t(w):
    w = np.asarray(w, dtype=float)
    if w.ndim < 2:
        raise ValueError("w needs at least two axes")
    out = w.shape[-1]
    return w.reshape(-1, out).T.copy()  # (units, fan-in): PyTorch's weight_mat


def _unit(x):
    length = math.sqrt(float(np.dot(x, x)))
    if length == 0.0:
        raise ValueError("cannot normalise a zero vector")
    return x / length


def _iterate(weight_mat, u, n_iter):
    if not isinstance(n_iter, (int, np.integer)) or n_iter < 1:
        raise ValueError("n_iter must be a positive integer")
    u = np.asarray(u, dtype=float)
    if u.shape != (weight_mat.shape[0],):
        raise ValueError("u has the wrong shape")
    if not np.any(u):
        raise ValueError("u is zero")
    v = None
    for _ in range(n_iter):
        v = _unit(weight_mat.T @ u)      # fan-in space: W u in the Keras layout
        u = _unit(weight_mat @ v)        # units space
    sigma = float(u @ (weight_mat @ v))
    return sigma, u, v


def power_iteration(w, u, n_iter=1):
    return _iterate(_as_matrix_t(w), u, n_iter)


def spectral_normalize(w, u, n_iter=1):
    sigma, u_new, _ = power_iteration(w, u, n_iter)
    return np.asarray(w, dtype=float) / sigma, u_new, sigma


class SpectralDense:
    def __init__(self, w, b, u=None, n_iter=1, seed=0):
        w = np.asarray(w, dtype=float)
        if w.ndim != 2:
            raise ValueError("w must be 2-D")
        units = w.shape[1]
        b = np.asarray(b, dtype=float)
        if b.shape != (units,):
            raise ValueError("b must have one entry per unit")
        if n_iter < 1:
            raise ValueError("n_iter must be at least 1")
        if u is None:
            draw = np.random.default_rng(seed).standard_normal(units)
            u = draw / math.sqrt(float(draw @ draw))
        u = np.asarray(u, dtype=float)
        if u.shape != (units,) or not np.any(u):
            raise ValueError("u must be a nonzero vector of length units")
        self._wt = w.T.copy()
        self.b = b.copy()
        self.u = u.copy()
        self.n_iter = n_iter
        self.sigma = None
        self._saved = None

    @property
    def w(self):
        return self._wt.T.copy()

    def forward(self, x, training=True):
        x = np.asarray(x, dtype=float)
        if x.ndim != 2 or x.shape[1] != self._wt.shape[1]:
            raise ValueError("x must be (batch, in features)")
        sigma, u, v = _iterate(self._wt, self.u, self.n_iter)
        if training:
            self.u = u
        self.sigma = sigma
        self._saved = (x, u, v, sigma)
        return np.einsum("bi,oi->bo", x, self._wt) / sigma + self.b

    def backward(self, grad_out):
        if self._saved is None:
            raise RuntimeError("no forward to differentiate")
        x, u, v, sigma = self._saved
        grad_out = np.asarray(grad_out, dtype=float)
        if grad_out.shape != (x.shape[0], self._wt.shape[0]):
            raise ValueError("grad_out has the wrong shape")
        # y = x @ (W^T)^T / sigma + b; in the transposed layout Wt_sn = Wt / sigma
        grad_wt_sn = grad_out.T @ x                       # (units, in)
        grad_x = grad_out @ (self._wt / sigma)
        grad_sigma = -float(np.sum(grad_wt_sn * self._wt)) / sigma ** 2
        grad_wt = grad_wt_sn / sigma + grad_sigma * np.outer(u, v)   # sigma = u^T Wt v
        return grad_x, grad_wt.T, grad_out.sum(axis=0)
