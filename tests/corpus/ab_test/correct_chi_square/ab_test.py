"""Correct, written from the statement alone by another route: z from Pearson's chi-square statistic of the
2x2 table (z**2 = chi-square, signed by B - A), numpy everywhere, the simulation vectorised."""
from statistics import NormalDist

import numpy as np

_erfc = np.vectorize(lambda t: __import__("math").erfc(t), otypes=[float])
_inv = NormalDist().inv_cdf


def _tail(t):
    """P(Z > t) for an array or a number."""
    return 0.5 * _erfc(np.asarray(t, dtype=float) / np.sqrt(2.0))


def _validate(x_a, n_a, x_b, n_b):
    x, n = np.array([x_a, x_b]), np.array([n_a, n_b])
    if np.any(n < 1) or np.any(x < 0) or np.any(x > n):
        raise ValueError(f"invalid counts {x_a}/{n_a}, {x_b}/{n_b}")


def _signed_root_chi_square(x_a, n_a, x_b, n_b):
    table = np.array([[x_a, n_a - x_a], [x_b, n_b - x_b]], dtype=float)
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    if np.any(expected == 0):          # a column of zeros: nobody (or everybody) converted
        return 0.0
    chi2 = np.sum((table - expected) ** 2 / expected)
    return float(np.sign(x_b / n_b - x_a / n_a) * np.sqrt(chi2))


def two_proportion_ztest(x_a, n_a, x_b, n_b, alternative="two-sided"):
    _validate(x_a, n_a, x_b, n_b)
    z = _signed_root_chi_square(x_a, n_a, x_b, n_b)
    if alternative == "two-sided":
        p = 2 * _tail(abs(z))
    elif alternative == "greater":
        p = _tail(z)
    elif alternative == "less":
        p = _tail(-z)
    else:
        raise ValueError(f"unknown alternative {alternative!r}")
    return z, float(p)


def confidence_interval(x_a, n_a, x_b, n_b, confidence=0.95):
    _validate(x_a, n_a, x_b, n_b)
    if not (0 < confidence < 1):
        raise ValueError("confidence must lie in (0, 1)")
    rates = np.array([x_a / n_a, x_b / n_b])
    se = np.sqrt(np.sum(rates * (1 - rates) / np.array([n_a, n_b])))
    diff = rates[1] - rates[0]
    width = _inv(1 - (1 - confidence) / 2) * se
    return float(diff), float(diff - width), float(diff + width)


def _parts(p_a, p_b, alpha, alternative):
    for value in (p_a, p_b, alpha):
        if not (0 < value < 1):
            raise ValueError(f"{value} is not in (0, 1)")
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(f"unknown alternative {alternative!r}")
    z_alpha = _inv(1 - (alpha / 2 if alternative == "two-sided" else alpha))
    pbar = (p_a + p_b) / 2
    return z_alpha, np.sqrt(2 * pbar * (1 - pbar)), np.sqrt(p_a * (1 - p_a) + p_b * (1 - p_b))


def sample_size(p_a, p_b, alpha=0.05, power=0.8, alternative="two-sided"):
    z_alpha, s0, s1 = _parts(p_a, p_b, alpha, alternative)
    if not (alpha < power < 1):
        raise ValueError("need alpha < power < 1")
    effect = p_b - p_a
    if effect == 0 or (alternative == "greater" and effect < 0) or (alternative == "less" and effect > 0):
        raise ValueError("no effect in the direction of the alternative")
    return int(np.ceil(((z_alpha * s0 + _inv(power) * s1) / effect) ** 2))


def statistical_power(p_a, p_b, n, alpha=0.05, alternative="two-sided"):
    z_alpha, s0, s1 = _parts(p_a, p_b, alpha, alternative)
    if n < 1:
        raise ValueError("n must be at least 1")
    scale = np.sqrt(n)
    effect = p_b - p_a
    # Phi(x) = P(Z > -x)
    up = _tail(-(effect * scale - z_alpha * s0) / s1)
    down = _tail(-(-effect * scale - z_alpha * s0) / s1)
    if alternative == "greater":
        return float(up)
    if alternative == "less":
        return float(down)
    return float(up + down)


def peeking_simulation(p, n_per_group, n_looks, n_sims, alpha=0.05, seed=0):
    if not (0 < p < 1) or not (0 < alpha < 1) or n_looks < 1 or n_sims < 1:
        raise ValueError("invalid settings")
    if n_per_group <= 0 or n_per_group % n_looks:
        raise ValueError("n_per_group must be a positive multiple of n_looks")
    rng = np.random.default_rng(seed)
    m = n_per_group // n_looks
    draws = [rng.binomial(m, p, size=(n_sims, n_looks)) for _ in "ab"]
    conv_a, conv_b = (d.cumsum(axis=1) for d in draws)
    visitors = m * np.arange(1, n_looks + 1)
    pooled = (conv_a + conv_b) / (2 * visitors)
    se = np.sqrt(pooled * (1 - pooled) * 2 / visitors)
    z = np.zeros(se.shape)
    np.divide((conv_b - conv_a) / visitors, se, out=z, where=se > 0)
    significant = 2 * _tail(np.abs(z)) < alpha
    return float(significant[:, -1].mean()), float(significant.any(axis=1).mean())
