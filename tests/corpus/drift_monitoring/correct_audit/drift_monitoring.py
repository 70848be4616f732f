"""Drift monitoring: quantile bins, PSI, KS statistic, hysteresis alert policy (audit answer)."""
from __future__ import annotations

import math

import numpy as np


def _sample(x, name: str = "sample") -> np.ndarray:
    a = np.asarray(x)
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D")
    if a.size == 0:
        raise ValueError(f"{name} is empty")
    if a.dtype.kind not in "iuf" and a.dtype != bool:
        raise ValueError(f"{name} must be numeric")
    a = a.astype(float)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} holds nan or inf")
    return a


def quantile_edges(reference, n_bins: int = 10) -> np.ndarray:
    """-inf, the distinct reference quantiles at k / n_bins, +inf."""
    ref = np.sort(_sample(reference, "reference"))
    if n_bins < 2:
        raise ValueError("n_bins must be >= 2")
    n = ref.size
    inner = []
    for k in range(1, n_bins):
        h = (n - 1) * (k / n_bins)
        lo = math.floor(h)
        frac = h - lo
        if frac == 0 or lo + 1 >= n:
            v = ref[lo]
        else:
            v = ref[lo] + frac * (ref[lo + 1] - ref[lo])
        inner.append(v)
    inner = np.unique(np.array(inner, dtype=float))
    return np.concatenate([[-np.inf], inner, [np.inf]])


def bin_proportions(values, edges) -> np.ndarray:
    """Share of values with edges[i] < x <= edges[i+1]."""
    v = _sample(values, "values")
    e = np.asarray(edges, dtype=float)
    idx = np.searchsorted(e, v, side="left") - 1   # x in (e[i], e[i+1]] -> searchsorted left gives i+1
    counts = np.bincount(idx, minlength=len(e) - 1)
    return counts / v.size


def psi(reference, current, n_bins: int = 10, eps: float = 1e-4) -> float:
    """Population stability index on bins fixed from the reference."""
    if not eps > 0:
        raise ValueError("eps must be > 0")
    cur = _sample(current, "current")
    edges = quantile_edges(reference, n_bins)
    r = np.maximum(bin_proportions(reference, edges), eps)
    c = np.maximum(bin_proportions(cur, edges), eps)
    return float(np.sum((c - r) * np.log(c / r)))


def ks_statistic(reference, current) -> float:
    """Two-sample KS statistic, CDFs evaluated at every distinct pooled value."""
    a = np.sort(_sample(reference, "reference"))
    b = np.sort(_sample(current, "current"))
    xs = np.concatenate([a, b])
    fa = np.searchsorted(a, xs, side="right") / a.size
    fb = np.searchsorted(b, xs, side="right") / b.size
    return float(np.max(np.abs(fa - fb)))


def ks_critical_value(n_ref: int, n_cur: int, alpha: float = 0.05) -> float:
    """Asymptotic two-sample KS critical value."""
    if n_ref < 1 or n_cur < 1:
        raise ValueError("sizes must be >= 1")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    return float(math.sqrt(-math.log(alpha / 2) / 2) * math.sqrt((n_ref + n_cur) / (n_ref * n_cur)))


class AlertPolicy:
    """Hysteresis alert after a warm-up."""

    def __init__(self, on: float = 0.25, off: float = 0.1, warmup: int = 0) -> None:
        if off > on:
            raise ValueError("off must be <= on")
        if warmup < 0:
            raise ValueError("warmup must be >= 0")
        self.on = on
        self.off = off
        self.warmup = warmup
        self._seen = 0
        self.active = False

    def update(self, score: float) -> bool:
        """Feed one score; return whether the alert is active."""
        s = float(score)
        if not math.isfinite(s):
            raise ValueError("score must be finite")
        if self._seen < self.warmup:
            self._seen += 1
            return False
        if self.active:
            if s < self.off:
                self.active = False
        elif s >= self.on:
            self.active = True
        return self.active
