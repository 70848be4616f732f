"""A/B testing statistics (audit answer): z-test, Wald interval, sample size, power, peeking."""
import math
from statistics import NormalDist

import numpy as np

_ALTS = ("two-sided", "greater", "less")
_N = NormalDist()


def _upper(t: float) -> float:
    """P(Z > t), accurate in both tails."""
    return 0.5 * math.erfc(t / math.sqrt(2.0))


def _phi(x: float) -> float:
    """P(Z <= x) = P(Z > -x)."""
    return _upper(-x)


def _counts(x_a, n_a, x_b, n_b):
    for x, n in ((x_a, n_a), (x_b, n_b)):
        if n < 1:
            raise ValueError("each arm needs at least one visitor")
        if not 0 <= x <= n:
            raise ValueError("conversions must satisfy 0 <= x <= n")


def _z(x_a, n_a, x_b, n_b) -> float:
    pooled = (x_a + x_b) / (n_a + n_b)
    var = pooled * (1.0 - pooled) * (1.0 / n_a + 1.0 / n_b)
    if var <= 0.0:
        return 0.0
    return (x_b / n_b - x_a / n_a) / math.sqrt(var)


def two_proportion_ztest(x_a: int, n_a: int, x_b: int, n_b: int, alternative: str = "two-sided") -> tuple:
    """Pooled two-proportion z-test; returns (z, p_value)."""
    if alternative not in _ALTS:
        raise ValueError(f"unknown alternative {alternative!r}")
    _counts(x_a, n_a, x_b, n_b)
    x_a, n_a, x_b, n_b = int(x_a), int(n_a), int(x_b), int(n_b)
    z = float(_z(x_a, n_a, x_b, n_b))
    if alternative == "two-sided":
        p = 2.0 * _upper(abs(z))
    elif alternative == "greater":
        p = _upper(z)
    else:
        p = _upper(-z)
    return z, float(p)


def confidence_interval(x_a: int, n_a: int, x_b: int, n_b: int, confidence: float = 0.95) -> tuple:
    """Unpooled Wald interval of p_b - p_a; returns (diff, low, high)."""
    _counts(x_a, n_a, x_b, n_b)
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence must be in (0, 1)")
    pa, pb = int(x_a) / int(n_a), int(x_b) / int(n_b)
    diff = pb - pa
    se = math.sqrt(pa * (1 - pa) / int(n_a) + pb * (1 - pb) / int(n_b))
    z = _N.inv_cdf(1 - (1 - confidence) / 2)
    return float(diff), float(diff - z * se), float(diff + z * se)


def _spreads(p_a, p_b):
    pbar = (p_a + p_b) / 2
    s0 = math.sqrt(2 * pbar * (1 - pbar))
    s1 = math.sqrt(p_a * (1 - p_a) + p_b * (1 - p_b))
    return s0, s1


def _z_alpha(alpha, alternative):
    return _N.inv_cdf(1 - alpha / 2) if alternative == "two-sided" else _N.inv_cdf(1 - alpha)


def sample_size(p_a: float, p_b: float, alpha: float = 0.05, power: float = 0.8,
                alternative: str = "two-sided") -> int:
    """Visitors per group for the pooled z-test."""
    if alternative not in _ALTS:
        raise ValueError(f"unknown alternative {alternative!r}")
    if not (0 < p_a < 1 and 0 < p_b < 1) or p_a == p_b:
        raise ValueError("need 0 < p_a, p_b < 1 and p_a != p_b")
    if not (0 < alpha < 1 and alpha < power < 1):
        raise ValueError("need 0 < alpha < power < 1")
    if (alternative == "greater" and p_b < p_a) or (alternative == "less" and p_b > p_a):
        raise ValueError("the one-sided alternative points away from the effect")
    s0, s1 = _spreads(p_a, p_b)
    n = ((_z_alpha(alpha, alternative) * s0 + _N.inv_cdf(power) * s1) / (p_b - p_a)) ** 2
    return int(math.ceil(n))


def statistical_power(p_a: float, p_b: float, n: int, alpha: float = 0.05, alternative: str = "two-sided") -> float:
    """Power of the pooled z-test with n visitors per group."""
    if alternative not in _ALTS:
        raise ValueError(f"unknown alternative {alternative!r}")
    if not (0 < p_a < 1 and 0 < p_b < 1):
        raise ValueError("need 0 < p_a, p_b < 1")
    if n < 1:
        raise ValueError("n must be >= 1")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    s0, s1 = _spreads(p_a, p_b)
    sd0, sd1 = s0 / math.sqrt(n), s1 / math.sqrt(n)
    d = p_b - p_a
    za = _z_alpha(alpha, alternative)
    up = _phi((d - za * sd0) / sd1)
    down = _phi((-d - za * sd0) / sd1)
    if alternative == "greater":
        return float(up)
    if alternative == "less":
        return float(down)
    return float(up + down)


def peeking_simulation(p: float, n_per_group: int, n_looks: int, n_sims: int, alpha: float = 0.05,
                       seed: int = 0) -> tuple:
    """(fixed, peeking) false-positive rates of simulated A/A tests."""
    if not 0 < p < 1:
        raise ValueError("p must be in (0, 1)")
    if not 0 < alpha < 1:
        raise ValueError("alpha must be in (0, 1)")
    if n_looks < 1 or n_sims < 1:
        raise ValueError("n_looks and n_sims must be >= 1")
    if n_per_group < 1 or n_per_group % n_looks != 0:
        raise ValueError("n_per_group must be a positive multiple of n_looks")
    rng = np.random.default_rng(seed)
    m = n_per_group // n_looks
    a = rng.binomial(m, p, size=(n_sims, n_looks))
    b = rng.binomial(m, p, size=(n_sims, n_looks))
    reject = np.zeros((n_sims, n_looks), dtype=bool)
    for k in range(1, n_looks + 1):
        nk = k * m
        xa = a[:, :k].sum(axis=1)
        xb = b[:, :k].sum(axis=1)
        for s in range(n_sims):
            _, pv = two_proportion_ztest(int(xa[s]), nk, int(xb[s]), nk)
            reject[s, k - 1] = pv < alpha
    return float(reject[:, -1].mean()), float(reject.any(axis=1).mean())
