"""A/B testing: the two-proportion z-test, the interval of the difference, sample size and power, and a
simulation of peeking.

Run the visible tests with `python grade.py check ab_test`. `statistics`, `math` and numpy only (no scipy,
no statsmodels). Arm A is the control, arm B the treatment; every difference is B minus A.
"""
import math
from statistics import NormalDist

import numpy as np


def two_proportion_ztest(x_a: int, n_a: int, x_b: int, n_b: int, alternative: str = "two-sided") -> tuple:
    """Pooled two-proportion z-test of H0: p_a == p_b; returns (z, p_value) as floats.

    z = (x_b/n_b - x_a/n_a) / sqrt(p (1 - p) (1/n_a + 1/n_b)) with the pooled p = (x_a + x_b) / (n_a + n_b);
    z = 0.0 when p is 0 or 1. p-value: "two-sided" 2 P(Z > |z|), "greater" P(Z > z), "less" P(Z < z), each
    tail as erfc(t / sqrt(2)) / 2 (NormalDist().cdf loses the far tail).
    ValueError for n < 1, a count outside 0 <= x <= n, or an unknown alternative.
    """
    # TODO
    raise NotImplementedError("two_proportion_ztest")


def confidence_interval(x_a: int, n_a: int, x_b: int, n_b: int, confidence: float = 0.95) -> tuple:
    """Wald interval of p_b - p_a with the UNPOOLED standard error; returns (diff, low, high) as floats.

    se = sqrt(p_a (1 - p_a)/n_a + p_b (1 - p_b)/n_b), z = NormalDist().inv_cdf(1 - (1 - confidence)/2).
    ValueError for bad counts (as in two_proportion_ztest) or confidence outside (0, 1).
    """
    # TODO
    raise NotImplementedError("confidence_interval")


def sample_size(p_a: float, p_b: float, alpha: float = 0.05, power: float = 0.8,
                alternative: str = "two-sided") -> int:
    """Visitors per group: ceil(((z_alpha * s0 + z_power * s1) / (p_b - p_a))**2).

    s0 = sqrt(2 pbar (1 - pbar)) with pbar = (p_a + p_b)/2 (under H0), s1 = sqrt(p_a (1 - p_a) + p_b (1 - p_b))
    (under H1), z_power = inv_cdf(power), z_alpha = inv_cdf(1 - alpha/2) two-sided, inv_cdf(1 - alpha) one-sided.
    ValueError unless 0 < p_a, p_b < 1, p_a != p_b, 0 < alpha < power < 1, a known alternative that points
    the way of the effect.
    """
    # TODO
    raise NotImplementedError("sample_size")


def statistical_power(p_a: float, p_b: float, n: int, alpha: float = 0.05, alternative: str = "two-sided") -> float:
    """Power of the pooled z-test with n visitors per group when the true rates are p_a and p_b.

    sd0 = s0/sqrt(n), sd1 = s1/sqrt(n), d = p_b - p_a: "greater" Phi((d - z_alpha sd0)/sd1), "less"
    Phi((-d - z_alpha sd0)/sd1), "two-sided" the sum of both. ValueError unless 0 < p_a, p_b < 1, n >= 1,
    0 < alpha < 1 and a known alternative.
    """
    # TODO
    raise NotImplementedError("statistical_power")


def peeking_simulation(p: float, n_per_group: int, n_looks: int, n_sims: int, alpha: float = 0.05,
                       seed: int = 0) -> tuple:
    """False-positive rates (fixed, peeking) of n_sims simulated A/A tests (both arms convert at p).

    rng = np.random.default_rng(seed), m = n_per_group // n_looks; a = rng.binomial(m, p, size=(n_sims, n_looks))
    for arm A, then b the same way for arm B. Look k tests the cumulative counts of the first k batches
    (two-sided pooled z-test, reject when p-value < alpha). fixed: the last look rejects; peeking: any look
    rejects. ValueError unless 0 < p < 1, 0 < alpha < 1, n_looks >= 1, n_sims >= 1 and n_per_group is a
    positive multiple of n_looks.
    """
    # TODO
    raise NotImplementedError("peeking_simulation")
