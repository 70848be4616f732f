"""Independent correct answer: plain Python loops, hand-written quantiles, bisect and a merge over distinct values."""
from __future__ import annotations

import bisect
import math

import numpy as np


def _values(sample, name):
    if isinstance(sample, np.ndarray) and sample.ndim != 1:
        raise ValueError(name + " must be one-dimensional")
    out = []
    for v in list(sample):
        if isinstance(v, (list, tuple, np.ndarray)):
            raise ValueError(name + " must be one-dimensional")
        v = float(v)
        if math.isnan(v) or math.isinf(v):
            raise ValueError(name + " has a non-finite value")
        out.append(v)
    if not out:
        raise ValueError(name + " is empty")
    return out


def quantile_edges(reference, n_bins=10):
    if n_bins < 2:
        raise ValueError("need at least two bins")
    xs = sorted(_values(reference, "reference"))
    n = len(xs)
    inner = []
    for k in range(1, n_bins):
        h = (n - 1) * k / n_bins
        lo = int(math.floor(h))
        hi = min(lo + 1, n - 1)
        value = xs[lo] + (h - lo) * (xs[hi] - xs[lo])
        if not inner or value > inner[-1]:
            inner.append(value)
        elif value < inner[-1]:
            raise AssertionError("quantiles out of order")
    return np.array([-math.inf] + inner + [math.inf])


def bin_proportions(values, edges):
    xs = _values(values, "values")
    inner = [float(e) for e in edges][1:-1]
    counts = [0] * (len(inner) + 1)
    for x in xs:
        counts[bisect.bisect_left(inner, x)] += 1  # edges strictly below x
    return np.array([c / len(xs) for c in counts])


def psi(reference, current, n_bins=10, eps=1e-4):
    if eps <= 0:
        raise ValueError("eps must be positive")
    edges = quantile_edges(reference, n_bins)
    total = 0.0
    for p, q in zip(bin_proportions(reference, edges), bin_proportions(current, edges)):
        r, c = max(float(p), eps), max(float(q), eps)
        total += (c - r) * math.log(c / r)
    return total


def ks_statistic(reference, current):
    a = sorted(_values(reference, "reference"))
    b = sorted(_values(current, "current"))
    i = j = 0
    best = 0.0
    while i < len(a) or j < len(b):
        x = min(a[i] if i < len(a) else math.inf, b[j] if j < len(b) else math.inf)
        while i < len(a) and a[i] == x:  # the whole group of equal values at once
            i += 1
        while j < len(b) and b[j] == x:
            j += 1
        best = max(best, abs(i / len(a) - j / len(b)))
    return best


def ks_critical_value(n_ref, n_cur, alpha=0.05):
    if min(n_ref, n_cur) < 1:
        raise ValueError("sizes must be positive")
    if alpha <= 0 or alpha >= 1:
        raise ValueError("alpha must lie strictly between 0 and 1")
    return math.sqrt(-0.5 * math.log(alpha / 2)) * math.sqrt(1 / n_ref + 1 / n_cur)


class AlertPolicy:
    def __init__(self, on=0.25, off=0.1, warmup=0):
        if off > on or warmup < 0:
            raise ValueError("need off <= on and warmup >= 0")
        self._on, self._off = on, off
        self._left = warmup  # warm-up calls still to ignore
        self._mode = "quiet"

    @property
    def active(self):
        return self._mode == "alerting"

    def update(self, score):
        score = float(score)
        if score != score or score in (math.inf, -math.inf):
            raise ValueError("score must be finite")
        if self._left > 0:
            self._left -= 1
            return False
        if self._mode == "quiet":
            if score >= self._on:
                self._mode = "alerting"
        elif score < self._off:
            self._mode = "quiet"
        return self.active
