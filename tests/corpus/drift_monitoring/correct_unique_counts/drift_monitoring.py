"""Independent correct answer: np.percentile, broadcast comparisons, and KS from np.unique counts."""
from __future__ import annotations

import numpy as np


def _check(sample) -> np.ndarray:
    x = np.asarray(sample)
    if x.ndim != 1 or len(x) == 0 or not np.isfinite(x.astype(float)).all():
        raise ValueError("expected a non-empty 1-D sample of finite numbers")
    return x.astype(float)  # astype copies


def quantile_edges(reference, n_bins=10):
    if not n_bins >= 2:
        raise ValueError("n_bins < 2")
    levels = 100.0 * np.arange(1, n_bins) / n_bins
    inner = np.percentile(_check(reference), levels)
    keep = np.concatenate([[True], np.diff(inner) > 0])
    return np.r_[-np.inf, inner[keep], np.inf]


def bin_proportions(values, edges):
    x = _check(values)
    edges = np.asarray(edges, dtype=float)
    inside = (x[:, None] > edges[None, :-1]) & (x[:, None] <= edges[None, 1:])
    return inside.mean(axis=0)


def psi(reference, current, n_bins=10, eps=1e-4):
    if not eps > 0:
        raise ValueError("eps <= 0")
    edges = quantile_edges(reference, n_bins)
    r = np.clip(bin_proportions(reference, edges), eps, None)
    c = np.clip(bin_proportions(current, edges), eps, None)
    return float(np.dot(c - r, np.log(c) - np.log(r)))


def ks_statistic(reference, current):
    a, b = _check(reference), _check(current)
    pooled = np.concatenate([a, b])
    grid, inverse = np.unique(pooled, return_inverse=True)
    count_a = np.bincount(inverse[: len(a)], minlength=len(grid))
    count_b = np.bincount(inverse[len(a):], minlength=len(grid))
    gap = np.cumsum(count_a) / len(a) - np.cumsum(count_b) / len(b)
    return float(np.abs(gap).max())


def ks_critical_value(n_ref, n_cur, alpha=0.05):
    if n_ref < 1 or n_cur < 1 or not (0.0 < alpha < 1.0):
        raise ValueError("bad sizes or alpha")
    c_alpha = np.sqrt(np.log(2.0 / alpha) / 2.0)
    return float(c_alpha * np.sqrt((n_ref + n_cur) / (n_ref * n_cur)))


class AlertPolicy:
    def __init__(self, on=0.25, off=0.1, warmup=0):
        if off > on:
            raise ValueError("off > on")
        if warmup < 0:
            raise ValueError("warmup < 0")
        self.thresholds = (on, off)
        self.warmup = warmup
        self.calls = 0
        self.active = False

    def update(self, score):
        if not np.isfinite(score):
            raise ValueError("non-finite score")
        self.calls += 1
        if self.calls > self.warmup:
            on, off = self.thresholds
            threshold = off if self.active else on
            self.active = score >= threshold if not self.active else not score < threshold
        return self.active
