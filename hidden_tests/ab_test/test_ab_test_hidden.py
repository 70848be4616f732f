"""Hidden tests for ab_test.

Expected values come from the judge's own formulas on scipy's normal distribution (`scipy.special.ndtr`,
`ndtri`: the functions behind `scipy.stats.norm`, without the second of import time that `scipy.stats`
costs) and, for the z-test, from Pearson's chi-square test of the 2x2 table (sum of (O - E)**2 / E over the
four cells, p-value from `scipy.special.chdtrc`): its statistic is z**2 of the pooled test and its p-value
the two-sided p-value. The reference solution is not used as an oracle; where the contract fixes random
draws (peeking_simulation) the judge re-derives the draws itself.

Wrong answers this suite is built to catch (one line each):
- z-test with the unpooled standard error (the interval's), or the interval with the pooled one (the test's)
- two-sided p-value without the factor 2; one-sided p-value doubled; "greater" and "less" swapped; z as A - B
- p-value as 1 - cdf(|z|), or with statistics.NormalDist().cdf (0.0 or far off for p-values below ~1e-16)
- pooled rate 0 or 1 (no conversion at all) giving nan, inf or ZeroDivisionError instead of z = 0
- counts outside 0 <= x <= n, n < 1, an unknown alternative (silently two-sided), confidence outside (0, 1)
  accepted
- interval with the one-sided z (inv_cdf(confidence): 1.645 for 95 %), or of p_a - p_b
- sample size with the unpooled spread in both terms, the pooled spread in both, or the two swapped
- sample size with inv_cdf(1 - alpha) two-sided, inv_cdf(1 - alpha/2) one-sided, inv_cdf(1 - (1 - power)/2)
  as the power term; rounded to nearest or truncated instead of rounded up; the total of both groups
- sample size accepted for a one-sided alternative pointing away from the effect, p_a == p_b, power <= alpha
- power of the two-sided test with one rejection region only (alpha/2 without an effect), with the pooled
  spread for H1, or with the one-sided critical value; n < 1 accepted
- peeking that tests each new batch on its own instead of the cumulative data, "fixed" taken at the first
  look, "peeking" as the mean rejection rate over looks, alpha ignored, a one-sided test at the looks,
  other draws (per-visitor uniforms, arms drawn interleaved, np.random's legacy global state, an unseeded
  generator), n_per_group not a multiple of n_looks accepted

Sweep figures (test_peeking_false_positive_rates: p = 0.1, 2000 visitors per arm, 10 looks, 4000 A/A tests).
`MLKIT_DRAFTS=1 python grade.py dev sweep ab_test --seeds 10`: 10/10, fixed 0.0453-0.0583, peeking
0.1802-0.2047. Reference over seeds 0-29: fixed 0.0448-0.0583 (mean 0.0500, binomial sd 0.0034), bounds
[0.03, 0.07] (5.9 sd from 0.05); peeking 0.1803-0.2048 (mean 0.191, sd 0.0062; Armitage, McPherson and Rowe
(1969) give 0.193 for 10 looks at normal data), bounds [0.15, 0.24] (6.6 and 7.9 sd). Mutants: batches
tested on their own 0.391, mean over looks 0.047 (a one-sided test at the looks, 0.156, is caught by
test_peeking_follows_the_draws).

Exact power (test_sample_size_reaches_the_power_on_binomial_data): the judge sums the binomial
probabilities of every outcome (x_a, x_b) on which its pooled two-sided z-test rejects, at the learner's n.
Reference: (0.3, 0.4) n = 356 -> 0.8013; (0.1, 0.15) n = 686 -> 0.8027. Half the visitors -> 0.51, the total
of both groups -> 0.98, the one-sided critical value -> 0.70; bounds [0.78, 0.82].
"""
import math
import numbers

import numpy as np
import pytest
from scipy import special

from graders.asserts import assert_allclose, assert_scalar_close, call_repr, expect_raises

RTOL, ATOL = 1e-9, 1e-12
ALTERNATIVES = ("two-sided", "greater", "less")


# --------------------------------------------------------------------------- the judge's own formulas

def norm_sf(x):
    """P(Z > x), accurate in the far tail (scipy.stats.norm.sf is ndtr(-x))."""
    return special.ndtr(-np.asarray(x, dtype=float))


def norm_isf(q):
    return -special.ndtri(q)


def chi_square_test(x_a, n_a, x_b, n_b):
    """Pearson's chi-square test of the 2x2 table (no continuity correction): (statistic, p-value)."""
    observed = np.array([[x_a, n_a - x_a], [x_b, n_b - x_b]], dtype=float)
    expected = observed.sum(axis=1, keepdims=True) * observed.sum(axis=0, keepdims=True) / observed.sum()
    statistic = float(np.sum((observed - expected) ** 2 / expected))
    return statistic, float(special.chdtrc(1, statistic))


def judge_z(x_a, n_a, x_b, n_b):
    pooled = (x_a + x_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    return 0.0 if se == 0 else (x_b / n_b - x_a / n_a) / se


def judge_p(z, alternative):
    if alternative == "two-sided":
        return 2 * norm_sf(abs(z))
    return norm_sf(z) if alternative == "greater" else special.ndtr(z)


def judge_interval(x_a, n_a, x_b, n_b, confidence):
    p_a, p_b = x_a / n_a, x_b / n_b
    se = math.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    z = special.ndtri(1 - (1 - confidence) / 2)
    return p_b - p_a, p_b - p_a - z * se, p_b - p_a + z * se


def spreads(p_a, p_b):
    p_bar = (p_a + p_b) / 2
    return math.sqrt(2 * p_bar * (1 - p_bar)), math.sqrt(p_a * (1 - p_a) + p_b * (1 - p_b))


def critical(alpha, alternative):
    return norm_isf(alpha / 2) if alternative == "two-sided" else norm_isf(alpha)


def judge_unrounded_n(p_a, p_b, alpha, power, alternative):
    s0, s1 = spreads(p_a, p_b)
    return ((critical(alpha, alternative) * s0 + special.ndtri(power) * s1) / (p_b - p_a)) ** 2


def judge_power(p_a, p_b, n, alpha, alternative):
    s0, s1 = spreads(p_a, p_b)
    sd0, sd1, d, z = s0 / math.sqrt(n), s1 / math.sqrt(n), p_b - p_a, critical(alpha, alternative)
    upper, lower = special.ndtr((d - z * sd0) / sd1), special.ndtr((-d - z * sd0) / sd1)
    return {"two-sided": upper + lower, "greater": upper, "less": lower}[alternative]


def judge_peeking(p, n_per_group, n_looks, n_sims, alpha, seed):
    """C11's draws, tested with scipy: (fixed, peeking)."""
    rng = np.random.default_rng(seed)
    m = n_per_group // n_looks
    x_a = np.cumsum(rng.binomial(m, p, size=(n_sims, n_looks)), axis=1)
    x_b = np.cumsum(rng.binomial(m, p, size=(n_sims, n_looks)), axis=1)
    n = m * np.arange(1, n_looks + 1)
    pooled = (x_a + x_b) / (2 * n)
    se = np.sqrt(pooled * (1 - pooled) * 2 / n)
    z = np.divide((x_b - x_a) / n, se, out=np.zeros(se.shape), where=se > 0)
    reject = 2 * norm_sf(np.abs(z)) < alpha
    return float(np.mean(reject[:, -1])), float(np.mean(reject.any(axis=1)))


def pair(got, call, size):
    """The learner's tuple as a float array, or a message that says what came back."""
    assert isinstance(got, (tuple, list)) and len(got) == size, (
        f"called {call}; got {got!r}, expected a tuple of {size} floats")
    for value in got:
        assert isinstance(value, numbers.Real) and not isinstance(value, bool), (
            f"called {call}; got {got!r}, expected a tuple of {size} floats")
    return np.asarray([float(v) for v in got])


def random_counts(seed, count):
    """(x_a, n_a, x_b, n_b) with 0 < pooled rate < 1: arms of 20..5000 visitors, rates 1 % .. 60 %."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        n_a, n_b = (int(v) for v in np.exp(rng.uniform(np.log(20), np.log(5000), size=2)))
        rate = rng.uniform(0.01, 0.6)
        x_a = int(rng.binomial(n_a, rate))
        x_b = int(rng.binomial(n_b, min(0.99, rate * rng.uniform(0.7, 1.5))))
        if 0 < x_a + x_b < n_a + n_b:
            # every other case passes numpy integers, as counts read from a data frame would be
            cases.append((x_a, n_a, x_b, n_b) if len(cases) % 2 else tuple(np.int64(v) for v in (x_a, n_a, x_b, n_b)))
    return cases


ZTEST_CASES = random_counts(15, 24)


# --------------------------------------------------------------------------- two_proportion_ztest

@pytest.mark.clause("C1", "C2", "C13", probes="a z-test that disagrees with the chi-square test of the 2x2 table",
                    topic="experimentation")
@pytest.mark.points(3)
def test_ztest_matches_the_chi_square_test(learner):
    for x_a, n_a, x_b, n_b in ZTEST_CASES:
        call = call_repr("two_proportion_ztest", int(x_a), int(n_a), int(x_b), int(n_b))
        z, p = pair(learner.two_proportion_ztest(x_a, n_a, x_b, n_b), call, 2)
        chi2, chi2_p = chi_square_test(int(x_a), int(n_a), int(x_b), int(n_b))
        assert_scalar_close(z, judge_z(x_a, n_a, x_b, n_b), call + " z", rtol=RTOL, atol=ATOL,
                            why="z = (x_b/n_b - x_a/n_a) / sqrt(p (1 - p) (1/n_a + 1/n_b)) with the POOLED rate "
                                "p = (x_a + x_b) / (n_a + n_b): under H0 both arms share one rate")
        assert_scalar_close(z * z, chi2, call + " z**2", rtol=1e-8,
                            why="z**2 of the pooled test is the chi-square statistic of the 2x2 table")
        assert_scalar_close(p, chi2_p, call + " p-value", rtol=1e-8, atol=ATOL,
                            why="two-sided p-value = 2 P(Z > |z|), the chi-square test's p-value")


@pytest.mark.clause("C1", probes="the unpooled standard error in the test", topic="experimentation")
def test_ztest_pools_the_rates(learner):
    # 8 % of 1000 vs 15 % of 100: pooled se 0.0295 (z = 2.376), unpooled se 0.0370 (z = 1.891, p = 0.059)
    call = call_repr("two_proportion_ztest", 80, 1000, 15, 100)
    z, p = pair(learner.two_proportion_ztest(80, 1000, 15, 100), call, 2)
    assert_scalar_close(z, judge_z(80, 1000, 15, 100), call + " z", rtol=RTOL,
                        why="the test's standard error uses the pooled rate (80 + 15) / 1100, not each arm's own "
                            "rate (that is the interval's standard error)")
    assert_scalar_close(p, judge_p(judge_z(80, 1000, 15, 100), "two-sided"), call + " p-value", rtol=RTOL)


@pytest.mark.clause("C1", probes="z computed as A minus B", topic="experimentation")
def test_z_is_positive_when_b_converts_more(learner):
    for args, sign in (((100, 1000, 130, 1000), 1), ((130, 1000, 100, 1000), -1)):
        call = call_repr("two_proportion_ztest", *args)
        z, _ = pair(learner.two_proportion_ztest(*args), call, 2)
        assert np.sign(z) == sign, (
            f"called {call}; got z = {z:.4f}, expected a {'positive' if sign > 0 else 'negative'} z: z is "
            f"(x_b/n_b - x_a/n_a) / se, B (the treatment) minus A (the control)")


@pytest.mark.clause("C2", "C13", probes='one-sided p-values doubled, or "greater" and "less" swapped',
                    topic="experimentation")
@pytest.mark.points(2)
@pytest.mark.parametrize("alternative", ["greater", "less"])
def test_one_sided_p_values(learner, alternative):
    for x_a, n_a, x_b, n_b in ZTEST_CASES[:12]:
        call = call_repr("two_proportion_ztest", int(x_a), int(n_a), int(x_b), int(n_b), alternative)
        z, p = pair(learner.two_proportion_ztest(x_a, n_a, x_b, n_b, alternative), call, 2)
        expected = judge_p(judge_z(x_a, n_a, x_b, n_b), alternative)
        assert_scalar_close(p, expected, call + " p-value", rtol=RTOL, atol=ATOL,
                            why='"greater" tests H1: p_b > p_a, p = P(Z > z); "less" tests H1: p_b < p_a, '
                                'p = P(Z < z); one tail, no factor 2')


@pytest.mark.clause("C3", probes="p-values of 0.0 (1 - cdf, or NormalDist().cdf) in the far tail",
                    topic="numerical stability")
@pytest.mark.parametrize("args, alternative", [
    ((400, 2000, 540, 2000), "two-sided"),        # z = 5.8, p = 6e-9: NormalDist().cdf is already 1e-7 off
    ((100, 1000, 250, 1000), "two-sided"),        # z = 8.8, p = 1.1e-18
    ((100, 1000, 500, 1000), "two-sided"),        # z = 19.5, p = 7.7e-85
    ((100, 1000, 500, 1000), "greater"),
    ((500, 1000, 100, 1000), "less"),
])
def test_far_tail_p_values_keep_their_precision(learner, args, alternative):
    call = call_repr("two_proportion_ztest", *args, alternative)
    _, p = pair(learner.two_proportion_ztest(*args, alternative), call, 2)
    assert_scalar_close(p, judge_p(judge_z(*args), alternative), call + " p-value", rtol=RTOL,
                        why="compute a tail as P(Z > t) = erfc(t / sqrt(2)) / 2 (math.erfc): 1 - cdf(t) and "
                            "statistics.NormalDist().cdf lose the tail's relative precision, then round it to 0")


@pytest.mark.clause("C4", probes="nan or an error when no visitor (or every visitor) converted", topic="numerical stability")
@pytest.mark.parametrize("args, alternative, expected", [
    ((0, 50, 0, 80), "two-sided", (0.0, 1.0)),
    ((30, 30, 40, 40), "two-sided", (0.0, 1.0)),
    ((0, 50, 0, 80), "greater", (0.0, 0.5)),
    ((30, 30, 40, 40), "less", (0.0, 0.5)),
])
def test_no_variation_gives_no_evidence(learner, args, alternative, expected):
    call = call_repr("two_proportion_ztest", *args, alternative)
    got = pair(learner.two_proportion_ztest(*args, alternative), call, 2)
    assert_allclose(got, expected, call, atol=ATOL,
                    why="a pooled rate of 0 or 1 gives a standard error of 0: z = 0.0 and the p-value of z = 0")


BAD_COUNTS = [((-1, 100, 5, 100), "x_a < 0"), ((101, 100, 5, 100), "x_a > n_a"), ((5, 100, 120, 100), "x_b > n_b"),
              ((0, 0, 5, 100), "n_a = 0"), ((5, 100, 0, 0), "n_b = 0"), ((5, 100, -2, 100), "x_b < 0")]


@pytest.mark.clause("C5", probes="impossible counts or an unknown alternative accepted", topic="input validation")
@pytest.mark.parametrize("args, what", BAD_COUNTS + [((5, 100, 8, 100, "bigger"), 'alternative="bigger"'),
                                                     ((5, 100, 8, 100, "two_sided"), 'alternative="two_sided"')])
def test_ztest_rejects_invalid_input(learner, args, what):
    with expect_raises(ValueError, call_repr("two_proportion_ztest", *args) + f" with {what}",
                       'need n >= 1, 0 <= x <= n, and alternative "two-sided", "greater" or "less"'):
        learner.two_proportion_ztest(*args)


# --------------------------------------------------------------------------- confidence_interval

@pytest.mark.clause("C6", "C13", probes="an interval with the pooled standard error or the wrong z", topic="experimentation")
@pytest.mark.points(3)
@pytest.mark.parametrize("confidence", [0.95, 0.9, 0.99, 0.5])
def test_interval_matches_the_wald_formula(learner, confidence):
    for x_a, n_a, x_b, n_b in ZTEST_CASES[::2]:
        call = call_repr("confidence_interval", int(x_a), int(n_a), int(x_b), int(n_b), confidence)
        got = pair(learner.confidence_interval(x_a, n_a, x_b, n_b, confidence), call, 3)
        assert_allclose(got, judge_interval(x_a, n_a, x_b, n_b, confidence), call, rtol=RTOL, atol=ATOL,
                        why="(diff, diff - z se, diff + z se), diff = p_b - p_a, the UNPOOLED se = "
                            "sqrt(p_a (1 - p_a)/n_a + p_b (1 - p_b)/n_b), z = inv_cdf(1 - (1 - confidence)/2)")


@pytest.mark.clause("C1", "C6", probes="pooled and unpooled standard errors used in the wrong place",
                    topic="experimentation")
def test_test_and_interval_can_disagree(learner):
    cases = [((100, 1000, 4, 100), False, True),    # test p = 0.0506, interval (-0.1027, -0.0173)
             ((80, 1000, 15, 100), True, False)]    # test p = 0.0175, interval (-0.0020, 0.1420)
    for args, significant, excludes_zero in cases:
        _, p = pair(learner.two_proportion_ztest(*args), call_repr("two_proportion_ztest", *args), 2)
        _, low, high = pair(learner.confidence_interval(*args), call_repr("confidence_interval", *args), 3)
        assert (p < 0.05) == significant and (low > 0 or high < 0) == excludes_zero, (
            f"two_proportion_ztest{args} gave p = {p:.4f} and confidence_interval{args} gave ({low:.4f}, {high:.4f}); "
            f"expected p {'<' if significant else '>='} 0.05 and an interval that "
            f"{'excludes' if excludes_zero else 'contains'} 0 - the test uses the pooled standard error (variance "
            f"under H0), the interval the unpooled one, and with unequal arms they disagree near the boundary")


@pytest.mark.clause("C5", "C6", probes="impossible counts or a confidence outside (0, 1) accepted", topic="input validation")
@pytest.mark.parametrize("args, what", BAD_COUNTS[:4] + [((5, 100, 8, 100, 0.0), "confidence = 0"),
                                                         ((5, 100, 8, 100, 1.0), "confidence = 1"),
                                                         ((5, 100, 8, 100, 95), "confidence = 95 (a percentage)")])
def test_interval_rejects_invalid_input(learner, args, what):
    with expect_raises(ValueError, call_repr("confidence_interval", *args) + f" with {what}",
                       "need n >= 1, 0 <= x <= n and 0 < confidence < 1"):
        learner.confidence_interval(*args)


# --------------------------------------------------------------------------- sample_size and statistical_power

def design_cases(seed, count):
    """(p_a, p_b, alpha, power, alternative) whose unrounded sample size is >= 1e-6 from an integer."""
    rng = np.random.default_rng(seed)
    cases = []
    while len(cases) < count:
        p_a = float(np.round(rng.uniform(0.02, 0.6), 3))
        p_b = float(np.round(p_a * rng.choice([0.6, 0.8, 0.9, 1.1, 1.2, 1.5, 2.0]), 4))
        alpha, power = float(rng.choice([0.01, 0.05, 0.1])), float(rng.choice([0.8, 0.9, 0.95]))
        alternative = ALTERNATIVES[len(cases) % 3]
        if alternative != "two-sided" and (p_b > p_a) != (alternative == "greater"):
            p_a, p_b = p_b, p_a
        n = judge_unrounded_n(p_a, p_b, alpha, power, alternative)
        if abs(n - round(n)) > 1e-6:
            cases.append((p_a, p_b, alpha, power, alternative))
    return cases


DESIGNS = design_cases(15, 24)


@pytest.mark.clause("C7", "C13", probes="a sample size from the wrong spreads, the wrong z or the wrong rounding",
                    topic="experimentation")
@pytest.mark.points(3)
def test_sample_size_matches_the_formula(learner):
    for p_a, p_b, alpha, power, alternative in DESIGNS:
        call = call_repr("sample_size", p_a, p_b, alpha, power, alternative)
        got = learner.sample_size(p_a, p_b, alpha, power, alternative)
        assert isinstance(got, numbers.Integral) and not isinstance(got, bool), (
            f"called {call}; got {got!r}, expected an int (visitors per group)")
        unrounded = judge_unrounded_n(p_a, p_b, alpha, power, alternative)
        assert got == math.ceil(unrounded), (
            f"called {call}; got {got}, expected {math.ceil(unrounded)} (the formula gives {unrounded:.3f}, rounded "
            f"up) - z_alpha * s0 with the pooled s0 = sqrt(2 pbar (1 - pbar)), z_power * s1 with the unpooled "
            f"s1 = sqrt(p_a (1 - p_a) + p_b (1 - p_b)), z_alpha = inv_cdf(1 - alpha/2) two-sided or "
            f"inv_cdf(1 - alpha) one-sided, z_power = inv_cdf(power), per group")


def near_power(p_a, p_b, n, alpha, alternative):
    """Power in the direction of the effect only: the quantity the closed form of C7 solves for."""
    s0, s1 = spreads(p_a, p_b)
    return special.ndtr((abs(p_b - p_a) * math.sqrt(n) - critical(alpha, alternative) * s0) / s1)


@pytest.mark.clause("C7", probes="a sample size that is not the smallest n reaching the power", topic="experimentation")
def test_sample_size_is_the_smallest_n_with_the_power(learner):
    for p_a, p_b, alpha, power, alternative in DESIGNS[:9]:
        call = call_repr("sample_size", p_a, p_b, alpha, power, alternative)
        n = int(learner.sample_size(p_a, p_b, alpha, power, alternative))
        reached = near_power(p_a, p_b, n, alpha, alternative) if n >= 1 else 0.0
        assert reached >= power - 1e-9, (
            f"called {call}; got n = {n}, with which the test's power is only {reached:.4f} < {power} - round up, "
            f"count visitors per group, and take z_alpha from alpha/2 only when two-sided")
        before = near_power(p_a, p_b, n - 1, alpha, alternative) if n > 1 else 0.0
        assert before < power, (
            f"called {call}; got n = {n}, but n - 1 = {n - 1} visitors per group already give power {before:.4f} "
            f">= {power} - visitors per group, not the total of both groups")


def binomial_pmf(k, n, p):
    log_pmf = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
    return np.exp(log_pmf + k * np.log(p) + (n - k) * np.log1p(-p))


def exact_power(p_a, p_b, n, alpha=0.05):
    """Exact rejection probability of the judge's pooled two-sided z-test on Binomial(n, p) arms."""
    k = np.arange(n + 1)
    f_a, f_b = binomial_pmf(k, n, p_a), binomial_pmf(k, n, p_b)
    x_a, x_b = k[:, None], k[None, :]
    pooled = (x_a + x_b) / (2 * n)
    se = np.sqrt(pooled * (1 - pooled) * 2 / n)
    z = np.divide((x_b - x_a) / n, se, out=np.zeros(se.shape), where=se > 0)
    return float(np.sum(f_a[:, None] * f_b[None, :] * (2 * norm_sf(np.abs(z)) < alpha)))


@pytest.mark.clause("C7", probes="a sample size whose test does not have the power on real binomial data",
                    topic="experimentation")
@pytest.mark.parametrize("p_a, p_b", [(0.3, 0.4), (0.1, 0.15)])
def test_sample_size_reaches_the_power_on_binomial_data(learner, p_a, p_b):
    call = call_repr("sample_size", p_a, p_b)
    n = int(learner.sample_size(p_a, p_b))
    assert 1 <= n <= 20_000, f"called {call}; got {n}, expected a few hundred visitors per group"
    achieved = exact_power(p_a, p_b, n)
    assert 0.78 <= achieved <= 0.82, (
        f"called {call}; got n = {n} per group, with which the pooled z-test rejects (exact binomial "
        f"probability) {achieved:.3f} of the time when the rates are {p_a} and {p_b}; expected about the asked "
        f"power 0.8 - visitors per group, z_alpha = inv_cdf(1 - alpha/2), z_power = inv_cdf(power)")


@pytest.mark.clause("C8", probes="impossible designs accepted (no effect, wrong direction, power <= alpha)",
                    topic="input validation")
@pytest.mark.parametrize("args, what", [
    ((0.1, 0.1), "p_a == p_b"), ((0.0, 0.1), "p_a = 0"), ((0.1, 1.0), "p_b = 1"), ((-0.1, 0.1), "p_a < 0"),
    ((0.1, 0.12, 0.0), "alpha = 0"), ((0.1, 0.12, 1.0), "alpha = 1"), ((0.1, 0.12, 0.05, 1.0), "power = 1"),
    ((0.1, 0.12, 0.05, 0.05), "power = alpha"), ((0.1, 0.12, 0.05, 80), "power = 80 (a percentage)"),
    ((0.1, 0.12, 0.05, 0.8, "bigger"), 'alternative="bigger"'),
    ((0.12, 0.1, 0.05, 0.8, "greater"), 'alternative="greater" with p_b < p_a'),
    ((0.1, 0.12, 0.05, 0.8, "less"), 'alternative="less" with p_b > p_a'),
])
def test_sample_size_rejects_invalid_designs(learner, args, what):
    with expect_raises(ValueError, call_repr("sample_size", *args) + f" with {what}",
                       "need 0 < p_a, p_b < 1, p_a != p_b, 0 < alpha < power < 1 and an alternative that points "
                       "the way of the effect"):
        learner.sample_size(*args)


@pytest.mark.clause("C9", "C13", probes="a power with one rejection region, the wrong spreads or the wrong z",
                    topic="experimentation")
@pytest.mark.points(2)
def test_power_matches_the_formula(learner):
    rng = np.random.default_rng(16)
    for p_a, p_b, alpha, _, alternative in DESIGNS:
        n = int(rng.integers(50, 3000))
        call = call_repr("statistical_power", p_a, p_b, n, alpha, alternative)
        assert_scalar_close(learner.statistical_power(p_a, p_b, n, alpha, alternative),
                            judge_power(p_a, p_b, n, alpha, alternative), call, rtol=RTOL, atol=ATOL,
                            why="Phi((d - z_alpha sd0)/sd1) upwards, Phi((-d - z_alpha sd0)/sd1) downwards, both for "
                                "a two-sided test; sd0 pooled (under H0), sd1 unpooled (under H1), per-group n")


@pytest.mark.clause("C9", probes="the power of a two-sided test without its second rejection region",
                    topic="experimentation")
@pytest.mark.parametrize("alternative", ALTERNATIVES)
@pytest.mark.parametrize("alpha", [0.05, 0.1])
def test_power_without_an_effect_is_alpha(learner, alternative, alpha):
    call = call_repr("statistical_power", 0.2, 0.2, 500, alpha, alternative)
    assert_scalar_close(learner.statistical_power(0.2, 0.2, 500, alpha, alternative), alpha, call, rtol=RTOL,
                        why="without an effect the test rejects with probability alpha, its false-positive rate; "
                            "a two-sided test rejects in both tails (alpha/2 each)")


@pytest.mark.clause("C10", probes="impossible rates, n < 1 or an unknown alternative accepted", topic="input validation")
@pytest.mark.parametrize("args, what", [
    ((0.0, 0.1, 100), "p_a = 0"), ((0.1, 1.2, 100), "p_b > 1"), ((0.1, 0.12, 0), "n = 0"), ((0.1, 0.12, -5), "n < 0"),
    ((0.1, 0.12, 100, 0.0), "alpha = 0"), ((0.1, 0.12, 100, 5), "alpha = 5 (a percentage)"),
    ((0.1, 0.12, 100, 0.05, "one-sided"), 'alternative="one-sided"'),
])
def test_power_rejects_invalid_input(learner, args, what):
    with expect_raises(ValueError, call_repr("statistical_power", *args) + f" with {what}",
                       "need 0 < p_a, p_b < 1, n >= 1, 0 < alpha < 1 and a known alternative"):
        learner.statistical_power(*args)


# --------------------------------------------------------------------------- peeking_simulation

PEEKING_CASES = [(0.1, 2000, 10, 500, 0.05, 3), (0.3, 600, 6, 300, 0.1, 11), (0.05, 400, 4, 300, 0.05, 7),
                 (0.2, 300, 1, 200, 0.05, 0), (0.02, 100, 5, 400, 0.05, 5)]   # the last: many looks with no conversion


@pytest.mark.clause("C11", "C4", "C13", probes="other draws, non-cumulative looks, or other rates than C11's",
                    topic="randomness and reproducibility")
@pytest.mark.points(3)
@pytest.mark.parametrize("case", PEEKING_CASES)
def test_peeking_follows_the_draws(learner, case):
    call = call_repr("peeking_simulation", *case)
    got = pair(learner.peeking_simulation(*case), call, 2)
    assert_allclose(got, judge_peeking(*case), call, atol=ATOL,
                    why="rng = default_rng(seed); a = rng.binomial(m, p, (n_sims, n_looks)) then b the same way; look k "
                        "tests the cumulative counts of the first k batches (two-sided, p-value < alpha); fixed = the "
                        "last look rejects, peeking = any look rejects")


@pytest.mark.clause("C11", probes="peeking that does not inflate the false-positive rate as it should",
                    topic="experimentation")
@pytest.mark.convergence(seed=0)
@pytest.mark.points(2)
def test_peeking_false_positive_rates(learner, train_seed, record_metric):
    call = call_repr("peeking_simulation", 0.1, 2000, 10, 4000, 0.05, train_seed)
    fixed, peeking = pair(learner.peeking_simulation(0.1, 2000, 10, 4000, 0.05, train_seed), call, 2)
    record_metric("fixed_false_positive_rate", fixed, 0.07, higher_is_better=False)
    record_metric("peeking_false_positive_rate", peeking, 0.15)
    assert 0.03 <= fixed <= 0.07, (
        f"called {call}; {fixed:.4f} of the A/A tests rejected at the planned end, expected about alpha = 0.05 "
        f"(between 0.03 and 0.07 with 4000 simulations)")
    assert 0.15 <= peeking <= 0.24, (
        f"called {call}; {peeking:.4f} of the A/A tests rejected at some look, expected about 0.19 for 10 looks "
        f"(between 0.15 and 0.24) - test the cumulative data at every look, count a simulation once if any look "
        f"rejects")


@pytest.mark.clause("C11", probes="fixed and peeking rates that do not come from the same looks", topic="experimentation")
def test_one_look_is_no_peeking(learner):
    for case in [(0.1, 500, 1, 400, 0.05, 2), (0.3, 400, 4, 400, 0.05, 9)]:
        call = call_repr("peeking_simulation", *case)
        fixed, peeking = pair(learner.peeking_simulation(*case), call, 2)
        if case[2] == 1:
            assert fixed == peeking, f"called {call}; got ({fixed}, {peeking}): with one look, peeking is the fixed test"
        else:
            assert peeking >= fixed, (
                f"called {call}; got ({fixed}, {peeking}): every simulation whose last look rejects has a rejecting "
                f"look, so peeking >= fixed")


@pytest.mark.clause("C12", probes="impossible simulation settings accepted", topic="input validation")
@pytest.mark.parametrize("args, what", [
    ((0.0, 100, 5, 10), "p = 0"), ((1.0, 100, 5, 10), "p = 1"), ((0.1, 100, 0, 10), "n_looks = 0"),
    ((0.1, 100, 3, 10), "n_per_group = 100 not a multiple of n_looks = 3"), ((0.1, 2, 5, 10), "n_per_group < n_looks"),
    ((0.1, 100, 5, 0), "n_sims = 0"), ((0.1, 100, 5, 10, 0.0), "alpha = 0"), ((0.1, 100, 5, 10, 1.5), "alpha > 1"),
])
def test_peeking_rejects_invalid_settings(learner, args, what):
    with expect_raises(ValueError, call_repr("peeking_simulation", *args) + f" with {what}",
                       "need 0 < p < 1, 0 < alpha < 1, n_looks >= 1, n_sims >= 1 and n_per_group a positive "
                       "multiple of n_looks"):
        learner.peeking_simulation(*args)
