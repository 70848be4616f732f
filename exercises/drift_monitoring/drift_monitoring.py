"""Drift monitoring in numpy: quantile bins, PSI, the two-sample KS statistic and an alert policy.

Run the visible tests with `python grade.py check drift_monitoring`.
Samples are 1-D lists or arrays; empty, non-1-D or non-finite samples raise ValueError, and no
function modifies its inputs. Do not use scipy, sklearn, torch, tensorflow, keras or jax.
"""
from __future__ import annotations

import numpy as np


def quantile_edges(reference, n_bins: int = 10) -> np.ndarray:
    """Bin edges at the reference's quantiles: -inf, the inner edges, +inf.

    Inner edges: np.quantile(reference, np.arange(1, n_bins) / n_bins) (default linear
    interpolation), sorted with repeated values dropped. Raises ValueError for n_bins < 2.
    """
    # TODO
    raise NotImplementedError("quantile_edges")


def bin_proportions(values, edges) -> np.ndarray:
    """Fraction of values in each bin; bin i holds edges[i] < x <= edges[i + 1].

    edges: strictly increasing, from -inf to +inf. Returns len(edges) - 1 floats summing to 1.
    """
    # TODO
    raise NotImplementedError("bin_proportions")


def psi(reference, current, n_bins: int = 10, eps: float = 1e-4) -> float:
    """Population stability index: sum (c_i - r_i) * ln(c_i / r_i).

    Bins: quantile_edges(reference, n_bins), for both samples. r_i, c_i: the reference's and the
    current sample's proportions, each floored at eps (max(p, eps)). Raises ValueError for eps <= 0.
    """
    # TODO
    raise NotImplementedError("psi")


def ks_statistic(reference, current) -> float:
    """max over x of |F_ref(x) - F_cur(x)|, F(x) = fraction of the sample <= x.

    Inputs in any order, with ties; equals scipy.stats.ks_2samp(reference, current).statistic.
    """
    # TODO
    raise NotImplementedError("ks_statistic")


def ks_critical_value(n_ref: int, n_cur: int, alpha: float = 0.05) -> float:
    """sqrt(-ln(alpha / 2) / 2) * sqrt((n_ref + n_cur) / (n_ref * n_cur)).

    Raises ValueError for a size below 1 or alpha outside (0, 1).
    """
    # TODO
    raise NotImplementedError("ks_critical_value")


class AlertPolicy:
    """An alert with hysteresis over a stream of drift scores, after a warm-up.

    Raises ValueError when off > on or warmup < 0. `active` starts False.
    """

    def __init__(self, on: float = 0.25, off: float = 0.1, warmup: int = 0) -> None:
        # TODO
        raise NotImplementedError("AlertPolicy")

    def update(self, score: float) -> bool:
        """Feed one score; return `active` after it.

        The first `warmup` calls return False and change nothing. Then: inactive -> active when
        score >= on; active -> inactive when score < off; otherwise unchanged. A nan or infinite
        score raises ValueError and changes nothing (it does not count towards the warm-up).
        """
        # TODO
        raise NotImplementedError("AlertPolicy.update")
