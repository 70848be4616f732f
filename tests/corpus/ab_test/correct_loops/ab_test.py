"""Correct, written from the statement alone: no NormalDist at all (the normal cdf from math.erfc, its
inverse by bisection), the sample size found by bisection on the power equation, the simulation in loops
with the |z| > critical rule."""
import math

import numpy as np

KINDS = {"two-sided", "greater", "less"}


def phi(x):
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def upper_tail(t):
    return 0.5 * math.erfc(t / math.sqrt(2.0))


def quantile(q):
    """x with Phi(x) = q, by bisection to the last bit."""
    lo, hi = -40.0, 40.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if phi(mid) < q:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-15 * max(1.0, abs(mid)):
            break
    return (lo + hi) / 2


def counts_ok(x_a, n_a, x_b, n_b):
    if not (n_a >= 1 and n_b >= 1 and 0 <= x_a <= n_a and 0 <= x_b <= n_b):
        raise ValueError("bad counts")


def two_proportion_ztest(x_a, n_a, x_b, n_b, alternative="two-sided"):
    counts_ok(x_a, n_a, x_b, n_b)
    if alternative not in KINDS:
        raise ValueError("unknown alternative")
    total = n_a + n_b
    p = (x_a + x_b) / total
    variance = p * (1 - p) * total / (n_a * n_b)
    z = 0.0
    if variance > 0:
        z = (x_b / n_b - x_a / n_a) / math.sqrt(variance)
    if alternative == "greater":
        return z, upper_tail(z)
    if alternative == "less":
        return z, upper_tail(-z)
    return z, 2.0 * upper_tail(abs(z))


def confidence_interval(x_a, n_a, x_b, n_b, confidence=0.95):
    counts_ok(x_a, n_a, x_b, n_b)
    if not 0.0 < confidence < 1.0:
        raise ValueError("confidence")
    ra, rb = x_a / n_a, x_b / n_b
    half = quantile(1 - (1 - confidence) / 2) * math.sqrt(ra * (1 - ra) / n_a + rb * (1 - rb) / n_b)
    d = rb - ra
    return d, d - half, d + half


def _design(p_a, p_b, alpha, alternative):
    if not (0 < p_a < 1 and 0 < p_b < 1 and 0 < alpha < 1) or alternative not in KINDS:
        raise ValueError("bad design")
    z_alpha = quantile(1 - alpha / 2) if alternative == "two-sided" else quantile(1 - alpha)
    mid = (p_a + p_b) / 2
    return z_alpha, math.sqrt(2 * mid * (1 - mid)), math.sqrt(p_a * (1 - p_a) + p_b * (1 - p_b))


def sample_size(p_a, p_b, alpha=0.05, power=0.8, alternative="two-sided"):
    z_alpha, s0, s1 = _design(p_a, p_b, alpha, alternative)
    if not alpha < power < 1 or p_a == p_b:
        raise ValueError("bad power or no effect")
    if (alternative == "greater" and p_b < p_a) or (alternative == "less" and p_b > p_a):
        raise ValueError("the alternative points away from the effect")
    d = abs(p_b - p_a)
    target = quantile(power)

    def gap(n):  # the standardised margin of the near rejection region: equal to z_power at the answer
        return (d * math.sqrt(n) - z_alpha * s0) / s1 - target

    lo, hi = 0.0, 1.0
    while gap(hi) < 0:
        hi *= 2
    for _ in range(300):
        mid = (lo + hi) / 2
        if gap(mid) < 0:
            lo = mid
        else:
            hi = mid
    return int(math.ceil(hi - 1e-9 * hi))


def statistical_power(p_a, p_b, n, alpha=0.05, alternative="two-sided"):
    z_alpha, s0, s1 = _design(p_a, p_b, alpha, alternative)
    if n < 1:
        raise ValueError("n")
    root = math.sqrt(n)
    d = p_b - p_a
    up = phi((d * root - z_alpha * s0) / s1)
    down = phi((-d * root - z_alpha * s0) / s1)
    return {"greater": up, "less": down}.get(alternative, up + down)


def peeking_simulation(p, n_per_group, n_looks, n_sims, alpha=0.05, seed=0):
    if not (0 < p < 1 and 0 < alpha < 1) or n_looks < 1 or n_sims < 1:
        raise ValueError("bad settings")
    if n_per_group < n_looks or n_per_group % n_looks != 0:
        raise ValueError("n_per_group must be a positive multiple of n_looks")
    rng = np.random.default_rng(seed)
    m = n_per_group // n_looks
    a = rng.binomial(m, p, size=(n_sims, n_looks))
    b = rng.binomial(m, p, size=(n_sims, n_looks))
    critical = quantile(1 - alpha / 2)
    fixed = peeking = 0
    for s in range(n_sims):
        seen_a = seen_b = 0
        rejected_any = False
        for k in range(n_looks):
            seen_a += int(a[s, k])
            seen_b += int(b[s, k])
            z, _ = two_proportion_ztest(seen_a, (k + 1) * m, seen_b, (k + 1) * m)
            rejected = abs(z) > critical
            rejected_any = rejected_any or rejected
        fixed += rejected
        peeking += rejected_any
    return fixed / n_sims, peeking / n_sims
