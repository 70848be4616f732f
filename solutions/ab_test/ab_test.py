"""Reference solution: the two-proportion z-test, the Wald interval of the difference, sample size and
power for a target effect, and a simulation of how peeking inflates false positives."""
import math
from statistics import NormalDist

import numpy as np

ALTERNATIVES = ("two-sided", "greater", "less")
_N = NormalDist()


def _check_counts(x_a, n_a, x_b, n_b):
    for x, n, arm in ((x_a, n_a, "A"), (x_b, n_b, "B")):
        if n < 1 or not 0 <= x <= n:
            raise ValueError(f"arm {arm}: need n >= 1 and 0 <= x <= n, got x={x}, n={n}")


def _check_alternative(alternative):
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, got {alternative!r}")


def _check_rate(value, name):
    if not 0 < value < 1:
        raise ValueError(f"{name} must be in (0, 1), got {value!r}")


def _cdf(x):
    """Standard normal cdf from erfc: full relative precision in the lower tail (NormalDist.cdf, computed
    as (1 + erf) / 2, rounds tails below about 1e-16 to 0)."""
    return 0.5 * math.erfc(-x / math.sqrt(2))


def _p_value(z, alternative):
    """The p-value of a standard-normal statistic, each tail computed directly (no 1 - cdf)."""
    if alternative == "two-sided":
        return 2 * _cdf(-abs(z))
    if alternative == "greater":
        return _cdf(-z)
    return _cdf(z)


def two_proportion_ztest(x_a: int, n_a: int, x_b: int, n_b: int, alternative: str = "two-sided") -> tuple:
    """Pooled two-proportion z-test of H0: p_a == p_b. Returns (z, p_value), z > 0 when B converts more."""
    _check_counts(x_a, n_a, x_b, n_b)
    _check_alternative(alternative)
    pooled = (x_a + x_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z = 0.0 if se == 0 else (x_b / n_b - x_a / n_a) / se
    return float(z), float(_p_value(z, alternative))


def confidence_interval(x_a: int, n_a: int, x_b: int, n_b: int, confidence: float = 0.95) -> tuple:
    """Wald interval of p_b - p_a with the unpooled standard error. Returns (diff, low, high)."""
    _check_counts(x_a, n_a, x_b, n_b)
    _check_rate(confidence, "confidence")
    p_a, p_b = x_a / n_a, x_b / n_b
    se = math.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    z = _N.inv_cdf(1 - (1 - confidence) / 2)
    diff = p_b - p_a
    return float(diff), float(diff - z * se), float(diff + z * se)


def _check_design(p_a, p_b, alpha, alternative):
    _check_rate(p_a, "p_a")
    _check_rate(p_b, "p_b")
    _check_rate(alpha, "alpha")
    _check_alternative(alternative)


def _spreads(p_a, p_b):
    """sqrt of the per-visitor variance of the difference: pooled under H0, unpooled under H1."""
    p_bar = (p_a + p_b) / 2
    return math.sqrt(2 * p_bar * (1 - p_bar)), math.sqrt(p_a * (1 - p_a) + p_b * (1 - p_b))


def _critical(alpha, alternative):
    return _N.inv_cdf(1 - alpha / 2) if alternative == "two-sided" else _N.inv_cdf(1 - alpha)


def sample_size(p_a: float, p_b: float, alpha: float = 0.05, power: float = 0.8,
                alternative: str = "two-sided") -> int:
    """Visitors per group for the pooled z-test to detect p_b vs p_a with the given power (rounded up)."""
    _check_design(p_a, p_b, alpha, alternative)
    if not alpha < power < 1:
        raise ValueError(f"need alpha < power < 1, got alpha={alpha!r}, power={power!r}")
    if p_a == p_b:
        raise ValueError("p_a == p_b: there is no effect to detect")
    if alternative == "greater" and p_b <= p_a or alternative == "less" and p_b >= p_a:
        raise ValueError(f"alternative={alternative!r} but p_b - p_a = {p_b - p_a:+g} points the other way")
    s0, s1 = _spreads(p_a, p_b)
    n = ((_critical(alpha, alternative) * s0 + _N.inv_cdf(power) * s1) / (p_b - p_a)) ** 2
    return int(math.ceil(n))


def statistical_power(p_a: float, p_b: float, n: int, alpha: float = 0.05, alternative: str = "two-sided") -> float:
    """Power of the pooled z-test with n visitors per group when the true rates are p_a and p_b."""
    _check_design(p_a, p_b, alpha, alternative)
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n!r}")
    s0, s1 = _spreads(p_a, p_b)
    sd0, sd1 = s0 / math.sqrt(n), s1 / math.sqrt(n)
    delta, z = p_b - p_a, _critical(alpha, alternative)
    upper = _cdf((delta - z * sd0) / sd1)           # reject with z > critical
    lower = _cdf((-delta - z * sd0) / sd1)          # reject with z < -critical
    if alternative == "two-sided":
        return float(upper + lower)
    return float(upper if alternative == "greater" else lower)


def peeking_simulation(p: float, n_per_group: int, n_looks: int, n_sims: int, alpha: float = 0.05,
                       seed: int = 0) -> tuple:
    """A/A tests (both arms convert at p): false-positive rate of one test at the end vs stopping at the
    first of n_looks equally spaced two-sided pooled z-tests with p-value < alpha. Returns (fixed, peeking)."""
    _check_rate(p, "p")
    _check_rate(alpha, "alpha")
    if n_looks < 1 or n_sims < 1 or n_per_group < 1 or n_per_group % n_looks:
        raise ValueError(f"need n_looks >= 1, n_sims >= 1 and n_per_group a positive multiple of n_looks, got "
                         f"n_per_group={n_per_group}, n_looks={n_looks}, n_sims={n_sims}")
    rng = np.random.default_rng(seed)
    batch = n_per_group // n_looks
    x_a = np.cumsum(rng.binomial(batch, p, size=(n_sims, n_looks)), axis=1)
    x_b = np.cumsum(rng.binomial(batch, p, size=(n_sims, n_looks)), axis=1)
    n = batch * np.arange(1, n_looks + 1)             # visitors per arm at each look
    reject = np.zeros((n_sims, n_looks), dtype=bool)
    for s in range(n_sims):
        for k in range(n_looks):
            _, p_value = two_proportion_ztest(int(x_a[s, k]), int(n[k]), int(x_b[s, k]), int(n[k]))
            reject[s, k] = p_value < alpha
    return float(np.mean(reject[:, -1])), float(np.mean(reject.any(axis=1)))
