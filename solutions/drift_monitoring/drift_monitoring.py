"""Reference solution: quantile bins, PSI, the two-sample KS statistic and a hysteresis alert policy."""
from __future__ import annotations

import math

import numpy as np


def _sample(values, what: str) -> np.ndarray:
    """A new float64 1-D array; ValueError if it is not 1-D, is empty or holds nan/inf."""
    x = np.array(values, dtype=np.float64)  # a copy: the caller's array is never touched
    if x.ndim != 1:
        raise ValueError(f"{what} must be 1-D, got shape {x.shape}")
    if x.size == 0:
        raise ValueError(f"{what} is empty")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{what} holds nan or inf")
    return x


def quantile_edges(reference, n_bins: int = 10) -> np.ndarray:
    if n_bins < 2:
        raise ValueError(f"n_bins must be at least 2, got {n_bins}")
    x = _sample(reference, "reference")
    inner = np.unique(np.quantile(x, np.arange(1, n_bins) / n_bins))  # sorted, duplicates dropped
    return np.concatenate([[-np.inf], inner, [np.inf]])


def bin_proportions(values, edges) -> np.ndarray:
    x = _sample(values, "values")
    edges = np.asarray(edges, dtype=np.float64)
    # bin i holds edges[i] < x <= edges[i + 1]: the number of inner edges strictly below x
    which = np.searchsorted(edges[1:-1], x, side="left")
    return np.bincount(which, minlength=len(edges) - 1) / x.size


def psi(reference, current, n_bins: int = 10, eps: float = 1e-4) -> float:
    if not eps > 0:
        raise ValueError(f"eps must be > 0, got {eps}")
    edges = quantile_edges(reference, n_bins)  # from the reference only
    r = np.maximum(bin_proportions(reference, edges), eps)
    c = np.maximum(bin_proportions(current, edges), eps)
    return float(np.sum((c - r) * np.log(c / r)))


def ks_statistic(reference, current) -> float:
    a = np.sort(_sample(reference, "reference"))
    b = np.sort(_sample(current, "current"))
    points = np.concatenate([a, b])
    # ECDFs F(x) = fraction <= x, evaluated after each tie group at every observed value
    fa = np.searchsorted(a, points, side="right") / a.size
    fb = np.searchsorted(b, points, side="right") / b.size
    return float(np.max(np.abs(fa - fb)))


def ks_critical_value(n_ref: int, n_cur: int, alpha: float = 0.05) -> float:
    if n_ref < 1 or n_cur < 1:
        raise ValueError(f"sample sizes must be at least 1, got {n_ref} and {n_cur}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    c = math.sqrt(-math.log(alpha / 2) / 2)
    return c * math.sqrt((n_ref + n_cur) / (n_ref * n_cur))


class AlertPolicy:
    """Hysteresis on a stream of drift scores, after a warm-up."""

    def __init__(self, on: float = 0.25, off: float = 0.1, warmup: int = 0) -> None:
        if off > on:
            raise ValueError(f"off ({off}) must not exceed on ({on})")
        if warmup < 0:
            raise ValueError(f"warmup must be >= 0, got {warmup}")
        self.on, self.off, self.warmup = on, off, warmup
        self.active = False
        self.seen = 0

    def update(self, score: float) -> bool:
        if not math.isfinite(score):
            raise ValueError(f"score must be finite, got {score}")
        self.seen += 1
        if self.seen <= self.warmup:
            return self.active  # still False: warm-up scores are ignored
        if not self.active and score >= self.on:
            self.active = True
        elif self.active and score < self.off:
            self.active = False
        return self.active
