"""Hidden tests for drift_monitoring: quantile edges vs np.quantile, right-closed bin shares, PSI vs the
judge's own formula (bins from the reference, open outer bins, eps floor), the two-sample KS statistic vs
SciPy's ks_2samp (unsorted samples, ties), the asymptotic KS critical value vs the formula and SciPy's
kstwobign, and the hysteresis alert policy (warm-up, flapping, boundaries, state per instance).

SciPy's values (ks_2samp statistics, kstwobign.isf) are frozen with their inputs in scipy_golden.npz by
make_scipy_golden.py (`python -m hidden_tests.drift_monitoring.make_scipy_golden --check` re-verifies them):
importing scipy.stats would take a fifth of the 5 s budget. Nothing is trained or seeded at grading time:
the random cases come from fixed generators, and a value lies exactly on a bin edge only where every
correct route computes that edge exactly (C11), so no test depends on the last bit of an interpolation.
Wrong answers this suite is built to catch:
- quantile edges by another rule: np.quantile's "lower" / "nearest" / "midpoint" methods, levels
  k / (n_bins + 1), the 0 and 1 quantiles (min and max) as finite outer edges, repeated edges kept,
  n_bins < 2 accepted
- bins from the current data or from both samples pooled, instead of the reference only
- outer bins closed at the reference's min and max (np.histogram with a range): values beyond the
  reference's range dropped
- left-closed bins (edges[i] <= x < edges[i + 1]): a value on an edge counted in the bin on its right
- counts instead of proportions
- zero-count bins not smoothed (inf or nan PSI), smoothed on one side only, smoothed by adding eps to
  every share instead of flooring, or eps ignored; eps <= 0 accepted
- PSI with log10, with the sign of (c - r) flipped, as KL(current || reference) only, or with its two
  arguments swapped
- KS from cumulative counts in input order (unsorted data), or searchsorted into an unsorted sample
- KS from a merge walk that measures the gap between two equal values (ties), one-sided KS (no abs),
  KS evaluated at the reference's values only, KS on a histogram, KS divided by the pooled size
- samples sorted in place (visible in local mode only: secure mode passes copies, where the change is
  lost and harmless; its mutant is proved locally, as `dev corpus` does)
- empty, 2-D or nan samples accepted
- KS critical value with ln(alpha) for ln(alpha / 2), without the / 2 under the root, with the size
  factor inverted, or alpha outside (0, 1) / sizes below 1 accepted
- an alert with one threshold (flapping), switched off below `on` instead of below `off`, switched on at
  `off`, on at `> on` instead of `>= on`, off at `<= off` instead of `< off`
- an alert whose state is not carried between calls, or is shared between policies (class attribute)
- warm-up ignored, one call short or long, or computed and only hidden (a warm-up score arms the alert)
- off > on or a negative warm-up accepted; a nan score accepted, or counted towards the warm-up
"""
import math
from pathlib import Path

import numpy as np
import pytest

from graders.asserts import (assert_allclose, assert_equal, assert_scalar_close, call_repr, describe,
                             expect_raises)

EDGE_TOL = 1e-9
COUNT_TOL = 1e-12


@pytest.fixture(scope="module")
def scipy_golden() -> dict:
    """Inputs and SciPy's outputs, frozen by make_scipy_golden.py."""
    with np.load(Path(__file__).with_name("scipy_golden.npz"), allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


# ----------------------------------------------------------------------------- the judge's own formulas


def judge_edges(reference, n_bins: int) -> np.ndarray:
    inner = np.unique(np.quantile(np.asarray(reference, dtype=float), np.arange(1, n_bins) / n_bins))
    return np.concatenate([[-np.inf], inner, [np.inf]])


def judge_shares(values, edges: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return np.array([np.mean((values > lo) & (values <= hi)) for lo, hi in zip(edges[:-1], edges[1:])])


def judge_psi(reference, current, n_bins: int = 10, eps: float = 1e-4) -> float:
    edges = judge_edges(reference, n_bins)
    r = np.maximum(judge_shares(reference, edges), eps)
    c = np.maximum(judge_shares(current, edges), eps)
    return float(np.sum((c - r) * np.log(c / r)))


def judge_critical(n: int, m: int, alpha: float) -> float:
    return math.sqrt(-math.log(alpha / 2) / 2) * math.sqrt((n + m) / (n * m))


def judge_alerts(scores, on: float, off: float, warmup: int) -> list[bool]:
    active, out = False, []
    for i, s in enumerate(scores):
        if i >= warmup:
            active = (s >= on) if not active else not (s < off)
        out.append(active)
    return out


def exact_positions(n: int, n_bins: int) -> bool:
    """C11: the quantile positions h = (n - 1) * k / n_bins are whole numbers only where every route computes
    them exactly (n_bins a power of two), so a reference value never sits on an edge that another correct
    route could place one bit away."""
    return math.gcd(n - 1, n_bins) == 1 or n_bins & (n_bins - 1) == 0


def continuous_case(seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Unsorted reference and current samples of odd sizes, shifted and rescaled; a bin count."""
    rng = np.random.default_rng(seed)
    n_bins, n, m = int(rng.integers(2, 21)), int(rng.integers(50, 3000)), int(rng.integers(20, 1500))
    while not exact_positions(n, n_bins):
        n += 1
    reference = rng.gamma(2.0, 1.0, size=n) * rng.uniform(0.5, 3.0)
    current = rng.gamma(rng.uniform(1.5, 3.0), rng.uniform(0.6, 1.6), size=m) * rng.uniform(0.5, 3.0)
    return reference, current, n_bins


def check_float(got, expected: float, call: str, rtol: float, why: str = "", atol: float = 0.0) -> None:
    assert_scalar_close(got, expected, call, rtol=rtol, atol=atol, why=why)
    assert isinstance(got, (float, np.floating)), f"called {call}; got {describe(got)}, expected a float"


# ----------------------------------------------------------------------------- quantile edges


@pytest.mark.clause("C3", probes="edges that are not np.quantile's linear quantiles of the reference",
                    topic="monitoring and drift")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", range(6))
def test_edges_match_np_quantile(learner, seed):
    reference, _, n_bins = continuous_case(seed)
    call = call_repr("quantile_edges", reference, n_bins)
    assert_allclose(learner.quantile_edges(reference, n_bins), judge_edges(reference, n_bins), call,
                    rtol=EDGE_TOL, show_expected=False,
                    why="-inf, np.quantile(reference, np.arange(1, n_bins) / n_bins), +inf")


@pytest.mark.clause("C3", probes="quantiles by another method, other levels, or min/max as outer edges",
                    topic="monitoring and drift")
@pytest.mark.points(2)
def test_edges_hand_cases(learner):
    inf = np.inf
    for reference, n_bins, expected, why in (
        ([10.0, 0.0], 4, [-inf, 2.5, 5.0, 7.5, inf], "linear interpolation between the two values"),
        ([4, 1, 3, 2], 3, [-inf, 2.0, 3.0, inf], "levels 1/3 and 2/3: positions h = 1 and 2 of the sorted sample"),
        ([0.0, 1.0, 2.0, 3.0, 4.0], 2, [-inf, 2.0, inf], "n_bins = 2: the median only"),
        ([0.0, 8.0, 1.0, 5.0], 5, [-inf, 0.6, 1.8, 4.2, 6.2, inf],
         "levels 0.2, 0.4, 0.6, 0.8 at positions 0.6, 1.2, 1.8, 2.4 of [0, 1, 5, 8]"),
    ):
        assert_allclose(learner.quantile_edges(reference, n_bins), expected,
                        call_repr("quantile_edges", reference, n_bins), rtol=EDGE_TOL, why=why)


@pytest.mark.clause("C3", probes="repeated quantiles of a discrete feature kept as repeated edges",
                    topic="monitoring and drift")
@pytest.mark.points(2)
def test_edges_repeated_values_dropped(learner):
    inf = np.inf
    discrete = np.repeat([0.0, 1.0, 2.0], [50, 30, 20])
    np.random.default_rng(1).shuffle(discrete)
    for reference, n_bins, expected in (
        (discrete, 10, judge_edges(discrete, 10)),  # 0, 0, 0, 0, 0.5, 1, 1, 1.5, 2 -> 0, 0.5, 1, 1.5, 2
        (np.full(7, 3.5), 10, [-inf, 3.5, inf]),
        (np.array([2.0]), 4, [-inf, 2.0, inf]),
    ):
        assert_allclose(learner.quantile_edges(reference, n_bins), expected,
                        call_repr("quantile_edges", reference, n_bins), rtol=EDGE_TOL,
                        why="equal quantiles give one edge: repeated values are dropped (fewer than n_bins bins)")


@pytest.mark.clause("C3", probes="n_bins < 2 accepted", topic="input validation")
@pytest.mark.parametrize("n_bins", [1, 0, -3])
def test_edges_reject_fewer_than_two_bins(learner, n_bins):
    with expect_raises(ValueError, call_repr("quantile_edges", [1.0, 2.0, 3.0], n_bins), "n_bins must be at least 2"):
        learner.quantile_edges([1.0, 2.0, 3.0], n_bins)


# ----------------------------------------------------------------------------- bin proportions


@pytest.mark.clause("C4", probes="bin shares that are not the fraction of values in each bin",
                    topic="monitoring and drift")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", range(4))
def test_proportions_match_judge(learner, seed):
    reference, current, n_bins = continuous_case(10 + seed)
    edges = judge_edges(reference, n_bins)
    for values in (reference, current):
        call = call_repr("bin_proportions", values, edges)
        got = assert_allclose(learner.bin_proportions(values, edges), judge_shares(values, edges), call,
                              rtol=COUNT_TOL, atol=COUNT_TOL, show_expected=False,
                              why="entry i is the fraction of values with edges[i] < x <= edges[i + 1]")
        assert_scalar_close(np.sum(got), 1.0, call + ", summed", rtol=1e-12, why="shares, not counts")


@pytest.mark.clause("C4", "C11", probes="left-closed bins: a value on an edge counted in the bin on its right",
                    topic="monitoring and drift")
@pytest.mark.points(2)
def test_proportions_values_on_edges(learner):
    edges = np.array([-np.inf, 0.0, 1.0, 2.5, np.inf])
    values = [0, 1, 1, 2.5, 2.5, 2.5, -1, 3]
    expected = [2 / 8, 2 / 8, 3 / 8, 1 / 8]  # (-inf, 0]: 0, -1; (0, 1]: 1, 1; (1, 2.5]: 2.5 x3; (2.5, inf): 3
    assert_allclose(learner.bin_proportions(values, edges), expected, call_repr("bin_proportions", values, edges),
                    rtol=COUNT_TOL, why="a value equal to an edge counts in the bin on its left")


@pytest.mark.clause("C4", probes="values beyond the outer edges dropped", topic="monitoring and drift")
def test_proportions_far_outside(learner):
    edges = np.array([-np.inf, -1.0, 1.0, np.inf])
    values = np.array([-1e9, -5.0, 0.0, 7.0, 1e12])
    assert_allclose(learner.bin_proportions(values, edges), [2 / 5, 1 / 5, 2 / 5],
                    call_repr("bin_proportions", values, edges), rtol=COUNT_TOL,
                    why="the outer bins reach -inf and +inf")


# ----------------------------------------------------------------------------- PSI


@pytest.mark.clause("C5", probes="PSI from other bins, another log, a flipped sign or KL divergence",
                    topic="monitoring and drift")
@pytest.mark.points(3)
@pytest.mark.parametrize("seed", range(8))
def test_psi_matches_judge(learner, seed):
    reference, current, n_bins = continuous_case(20 + seed)
    check_float(learner.psi(reference, current, n_bins=n_bins), judge_psi(reference, current, n_bins),
                call_repr("psi", reference, current, n_bins=n_bins), EDGE_TOL,
                why="sum (c_i - r_i) * ln(c_i / r_i) on bins cut at the reference's quantiles, shares floored at eps")


@pytest.mark.clause("C5", probes="bins cut from the current window or from both samples pooled",
                    topic="monitoring and drift")
@pytest.mark.points(2)
def test_psi_bins_from_the_reference(learner):
    rng = np.random.default_rng(40)
    reference, current = rng.normal(size=2000), rng.normal(0.0, 3.0, size=1000)  # a wider current window
    assert exact_positions(2000, 10) and exact_positions(1000, 10)
    expected = judge_psi(reference, current)
    call = call_repr("psi", reference, current)
    check_float(learner.psi(reference, current), expected, call, EDGE_TOL,
                why="the bins are the reference's deciles, for both samples (bins cut from the current window, "
                    "or from both, move with the drift)")
    check_float(learner.psi(current, reference), judge_psi(current, reference), call_repr("psi", current, reference),
                EDGE_TOL, why="psi(a, b) cuts its bins from a: it is not symmetric in its arguments")


@pytest.mark.clause("C5", probes="values beyond the reference's range dropped (closed outer bins)",
                    topic="monitoring and drift")
@pytest.mark.points(2)
def test_psi_counts_values_beyond_the_reference_range(learner):
    rng = np.random.default_rng(41)
    reference = rng.uniform(0.0, 1.0, size=1002)
    assert exact_positions(1002, 10)
    current = np.concatenate([rng.uniform(0.0, 1.0, size=300), rng.uniform(5.0, 9.0, size=300)])
    expected = judge_psi(reference, current)  # half the window lands in the top bin
    check_float(learner.psi(reference, current), expected, call_repr("psi", reference, current), EDGE_TOL,
                why="half the current values lie above the reference's maximum: they belong to the last bin")


@pytest.mark.clause("C5", probes="zero-count bins not smoothed (inf or nan), or smoothed another way",
                    topic="numerical stability")
@pytest.mark.points(3)
@pytest.mark.parametrize("eps", [1e-4, 1e-3, 1e-6])
def test_psi_empty_bins_floored_at_eps(learner, eps):
    rng = np.random.default_rng(42)
    reference = rng.normal(size=2000)
    assert exact_positions(2000, 10)
    for current, what in ((rng.normal(3.0, 0.3, size=400), "the current window fills only the top bins"),
                          (np.full(50, -7.0), "the whole window lands in the first bin"),
                          (rng.normal(size=80), "a small window leaves some bins empty")):
        call = call_repr("psi", reference, current, eps=eps)
        check_float(learner.psi(reference, current, eps=eps), judge_psi(reference, current, eps=eps), call, EDGE_TOL,
                    why=f"{what}: each share is replaced by max(share, eps) before the formula")


@pytest.mark.clause("C5", "C3", "C11", probes="PSI of a discrete feature (repeated edges, values on edges)",
                    topic="monitoring and drift")
@pytest.mark.points(2)
def test_psi_discrete_feature(learner):
    rng = np.random.default_rng(43)
    reference = rng.permutation(np.repeat(np.arange(5.0), [300, 250, 200, 150, 100]))  # 1000 values, positions k * 99.9
    for current in (rng.integers(0, 5, size=400).astype(float), rng.integers(0, 7, size=250).astype(float),
                    np.repeat([1.0, 2.0], [10, 3])):
        for n_bins in (10, 4, 3):
            call = call_repr("psi", reference, current, n_bins=n_bins)
            check_float(learner.psi(reference, current, n_bins=n_bins), judge_psi(reference, current, n_bins), call,
                        EDGE_TOL, why="repeated quantiles give one edge; a value equal to an edge counts in the bin "
                                      "on its left")


@pytest.mark.clause("C5", probes="PSI of a sample with itself not 0", topic="monitoring and drift")
def test_psi_of_a_sample_with_itself_is_zero(learner):
    reference, _, n_bins = continuous_case(44)
    for sample, bins in ((reference, n_bins), (np.repeat([1.0, 2.0, 3.0], [5, 1, 9]), 10)):
        check_float(learner.psi(sample, sample, n_bins=bins), 0.0, call_repr("psi", sample, sample, n_bins=bins), 0.0,
                    atol=1e-12, why="identical samples have identical shares")


@pytest.mark.clause("C5", probes="eps <= 0 or n_bins < 2 accepted", topic="input validation")
def test_psi_validates_eps_and_bins(learner):
    reference, current = [1.0, 2.0, 3.0, 4.0], [2.0, 3.0]
    for kwargs, why in (({"eps": 0.0}, "eps must be > 0"), ({"eps": -1e-4}, "eps must be > 0"),
                        ({"n_bins": 1}, "n_bins must be at least 2")):
        with expect_raises(ValueError, call_repr("psi", reference, current, **kwargs), why):
            learner.psi(reference, current, **kwargs)


# ----------------------------------------------------------------------------- KS


@pytest.mark.clause("C6", probes="two-sample KS statistic vs scipy.stats.ks_2samp", topic="monitoring and drift")
@pytest.mark.points(4)
def test_ks_matches_scipy(learner, scipy_golden):
    i = 0
    while f"ks{i}_scipy" in scipy_golden:
        reference, current = scipy_golden[f"ks{i}_reference"], scipy_golden[f"ks{i}_current"]
        check_float(learner.ks_statistic(reference, current), float(scipy_golden[f"ks{i}_scipy"]),
                    call_repr("ks_statistic", reference, current), 0.0, atol=COUNT_TOL,
                    why="differs from scipy.stats.ks_2samp(reference, current).statistic")
        i += 1


@pytest.mark.clause("C6", probes="KS measured between two equal values (ties)", topic="monitoring and drift")
@pytest.mark.points(3)
def test_ks_ties(learner):
    for reference, current, expected, why in (
        ([0, 0, 1, 1], [0, 1, 1, 1], 0.25, "F at 0: 2/4 vs 1/4; at 1: both 1"),
        ([1, 1, 1], [1, 1], 0.0, "the same single value: the CDFs are equal everywhere"),
        ([2, 1, 2, 1], [1, 2], 0.0, "the same distribution in another order"),
        ([3, 3, 3, 3, 5], [5, 3, 5, 5, 5], 0.6, "F at 3: 4/5 vs 1/5"),
        ([0.5, 2, 2, 2], [2, 2, 2, 3], 0.25, "F at 0.5: 1/4 vs 0; at 2: 1 vs 3/4"),
    ):
        check_float(learner.ks_statistic(reference, current), expected, call_repr("ks_statistic", reference, current),
                    0.0, atol=COUNT_TOL, why=why + " (compare the CDFs after each group of equal values)")


@pytest.mark.clause("C6", probes="KS from cumulative counts in input order (unsorted data)",
                    topic="monitoring and drift")
@pytest.mark.points(2)
def test_ks_unsorted_input(learner):
    rng = np.random.default_rng(50)
    reference = np.sort(rng.normal(size=300))
    current = np.sort(rng.normal(0.4, 1.0, size=200))
    expected = learner_free_ks(reference, current)
    for a, b, what in ((rng.permutation(reference), current, "reference shuffled"),
                       (reference, rng.permutation(current), "current shuffled"),
                       (reference[::-1].copy(), current[::-1].copy(), "both in descending order")):
        check_float(learner.ks_statistic(a, b), expected, call_repr("ks_statistic", a, b), 0.0, atol=COUNT_TOL,
                    why=f"{what}: the statistic does not depend on the order of the samples")


def learner_free_ks(a: np.ndarray, b: np.ndarray) -> float:
    """The judge's KS: both ECDFs evaluated at every observed value (right-continuous)."""
    a, b = np.sort(a), np.sort(b)
    points = np.concatenate([a, b])
    fa = np.searchsorted(a, points, side="right") / a.size
    fb = np.searchsorted(b, points, side="right") / b.size
    return float(np.max(np.abs(fa - fb)))


@pytest.mark.clause("C6", probes="one-sided KS, or the gap looked for at one sample's values only",
                    topic="monitoring and drift")
@pytest.mark.points(2)
def test_ks_both_directions_and_sizes(learner):
    for reference, current, expected, why in (
        ([0.0, 1.0, 2.0, 3.0], [10.0, 11.0], 1.0, "every current value is above the reference"),
        ([10.0, 11.0], [0.0, 1.0, 2.0, 3.0], 1.0, "every current value is below the reference: |F_ref - F_cur|"),
        ([0.0, 10.0], [1.0, 2.0, 3.0, 4.0, 5.0], 0.5, "F at 5: 1/2 vs 1 (the gap is at a current value)"),
        ([5.0], [1.0, 2.0, 3.0, 4.0, 6.0], 0.8, "F at 4: 0 vs 4/5"),
    ):
        check_float(learner.ks_statistic(reference, current), expected, call_repr("ks_statistic", reference, current),
                    0.0, atol=COUNT_TOL, why=why)


# ----------------------------------------------------------------------------- validation and inputs


SAMPLE_FUNCTIONS = ("quantile_edges", "bin_proportions", "psi", "ks_statistic")


def call_with(learner, name: str, sample, position: int):
    """Call `name` with `sample` in argument `position` and valid other arguments."""
    good = np.array([0.5, 1.5, 2.5, 3.5])
    edges = np.array([-np.inf, 1.0, 2.0, np.inf])
    if name == "quantile_edges":
        return call_repr(name, sample, 4), lambda: learner.quantile_edges(sample, 4)
    if name == "bin_proportions":
        return call_repr(name, sample, edges), lambda: learner.bin_proportions(sample, edges)
    args = (sample, good) if position == 0 else (good, sample)
    return call_repr(name, *args), lambda: getattr(learner, name)(*args)


@pytest.mark.clause("C1", probes="an empty, 2-D or non-finite sample accepted", topic="input validation")
@pytest.mark.parametrize("name", SAMPLE_FUNCTIONS)
def test_samples_are_validated(learner, name):
    bad = ((np.array([]), "an empty sample"), ([], "an empty sample"),
           (np.ones((3, 2)), "a sample that is not 1-D"),
           (np.array([1.0, np.nan, 2.0]), "a sample holding nan"),
           (np.array([1.0, np.inf]), "a sample holding inf"), (np.array([-np.inf, 0.0]), "a sample holding -inf"))
    positions = (0, 1) if name in ("psi", "ks_statistic") else (0,)
    for position in positions:
        for sample, why in bad:
            call, run = call_with(learner, name, sample, position)
            with expect_raises(ValueError, call, why):
                run()


@pytest.mark.clause("C1", probes="a list or an integer array not accepted as a sample", topic="api contract")
def test_lists_and_integer_arrays(learner):
    ints = np.array([3, 1, 2, 5, 4, 4, 6, 9, 0])
    check_float(learner.psi(list(ints), [1, 2, 2, 8], n_bins=4), judge_psi(ints, [1, 2, 2, 8], 4),
                call_repr("psi", list(ints), [1, 2, 2, 8], n_bins=4), EDGE_TOL)
    check_float(learner.ks_statistic(ints, np.array([1, 2, 2, 8])), learner_free_ks(ints, np.array([1, 2, 2, 8])),
                call_repr("ks_statistic", ints, np.array([1, 2, 2, 8])), 0.0, atol=COUNT_TOL)
    assert_allclose(learner.quantile_edges(ints, 4), judge_edges(ints, 4), call_repr("quantile_edges", ints, 4),
                    rtol=EDGE_TOL, why="an integer sample gives float edges (the interpolation is not rounded)")


@pytest.mark.clause("C2", probes="a sample sorted or changed in place", topic="api contract")
def test_inputs_not_modified(learner):
    rng = np.random.default_rng(60)
    reference, current = rng.normal(size=102), rng.normal(0.2, 1.0, size=57)
    edges = judge_edges(reference, 10)
    ref0, cur0, edges0 = reference.copy(), current.copy(), edges.copy()
    for call, run in ((call_repr("quantile_edges", reference, 10), lambda: learner.quantile_edges(reference, 10)),
                      (call_repr("bin_proportions", current, edges), lambda: learner.bin_proportions(current, edges)),
                      (call_repr("psi", reference, current), lambda: learner.psi(reference, current)),
                      (call_repr("ks_statistic", reference, current), lambda: learner.ks_statistic(reference, current))):
        run()
        for array, original, what in ((reference, ref0, "reference"), (current, cur0, "current"),
                                      (edges, edges0, "edges")):
            assert_equal(array, original, f"{what} after {call}", show_expected=False,
                         why="do not sort or change the caller's array in place (sort a copy)")


# ----------------------------------------------------------------------------- KS critical value


@pytest.mark.clause("C7", probes="critical value with ln(alpha), without / 2, or with the size factor inverted",
                    topic="monitoring and drift")
@pytest.mark.points(2)
def test_critical_value_formula(learner):
    for n, m, alpha in ((1000, 1000, 0.05), (5000, 200, 0.01), (37, 1, 0.2), (1, 1, 0.5), (123, 4567, 0.001),
                        (80, 80, 0.9)):
        call = call_repr("ks_critical_value", n, m, alpha=alpha)
        check_float(learner.ks_critical_value(n, m, alpha=alpha), judge_critical(n, m, alpha), call, EDGE_TOL,
                    why="sqrt(-ln(alpha / 2) / 2) * sqrt((n_ref + n_cur) / (n_ref * n_cur))")
    check_float(learner.ks_critical_value(300, 700), judge_critical(300, 700, 0.05),
                call_repr("ks_critical_value", 300, 700), EDGE_TOL, why="alpha defaults to 0.05")


@pytest.mark.clause("C7", probes="critical value vs the Kolmogorov distribution (scipy.stats.kstwobign)",
                    topic="monitoring and drift")
def test_critical_value_matches_kolmogorov_distribution(learner, scipy_golden):
    for alpha, isf in zip(scipy_golden["alphas"], scipy_golden["kstwobign_isf"]):
        n, m = 400, 900
        expected = float(isf) * math.sqrt((n + m) / (n * m))
        assert_scalar_close(learner.ks_critical_value(n, m, alpha=float(alpha)), expected,
                            call_repr("ks_critical_value", n, m, alpha=float(alpha)), rtol=1e-4,
                            why="scipy.stats.kstwobign.isf(alpha) * sqrt((n + m) / (n * m)): the first term of the "
                                "Kolmogorov series gives c(alpha) = sqrt(-ln(alpha / 2) / 2)")


@pytest.mark.clause("C7", probes="alpha outside (0, 1) or a size below 1 accepted", topic="input validation")
def test_critical_value_validation(learner):
    for args, why in (((100, 100, 0.0), "alpha must be in (0, 1)"), ((100, 100, 1.0), "alpha must be in (0, 1)"),
                      ((100, 100, -0.05), "alpha must be in (0, 1)"), ((100, 100, 1.5), "alpha must be in (0, 1)"),
                      ((0, 100, 0.05), "sample sizes must be at least 1"),
                      ((100, 0, 0.05), "sample sizes must be at least 1"),
                      ((-5, 100, 0.05), "sample sizes must be at least 1")):
        with expect_raises(ValueError, call_repr("ks_critical_value", *args), why):
            learner.ks_critical_value(*args)


# ----------------------------------------------------------------------------- alert policy


def run_policy(learner, scores, on, off, warmup) -> tuple[list, str]:
    policy = learner.AlertPolicy(on=on, off=off, warmup=warmup)
    got = []
    for s in scores:
        value = policy.update(s)
        if not isinstance(value, (bool, np.bool_)):
            raise AssertionError(f"AlertPolicy(on={on}, off={off}, warmup={warmup}).update({s}) returned "
                                 f"{describe(value)}, expected a bool")
        got.append(bool(value))
    return got, f"AlertPolicy(on={on}, off={off}, warmup={warmup}).update over {[round(float(s), 4) for s in scores]}"


def check_alerts(got, expected, call, why):
    if got != list(expected):
        i = next(j for j, (g, e) in enumerate(zip(got, expected)) if g != e)
        raise AssertionError(f"{call}: call {i + 1} returned {got[i]}, expected {expected[i]} - {why}")


def score_walk(seed: int, n: int = 60) -> list[float]:
    """A drift score that wanders across both thresholds, with exact 0.25 and 0.1 values mixed in."""
    rng = np.random.default_rng(seed)
    walk = np.clip(0.18 + np.cumsum(rng.normal(0.0, 0.06, size=n)), 0.0, 0.6)
    walk[rng.integers(n, size=4)] = 0.25
    walk[rng.integers(n, size=4)] = 0.1
    return [float(s) for s in walk]


@pytest.mark.clause("C9", probes="alert states over a wandering score", topic="monitoring and drift")
@pytest.mark.points(3)
@pytest.mark.parametrize("warmup", [0, 1, 5])
def test_policy_matches_judge(learner, warmup):
    for seed in (70, 71, 72):
        scores = score_walk(seed)
        got, call = run_policy(learner, scores, 0.25, 0.1, warmup)
        check_alerts(got, judge_alerts(scores, 0.25, 0.1, warmup), call,
                     "after the warm-up: on when score >= on, off when score < off, otherwise unchanged")


@pytest.mark.clause("C9", probes="one threshold: an alert that flaps around `on`", topic="monitoring and drift")
@pytest.mark.points(3)
def test_policy_does_not_flap(learner):
    scores = [0.24, 0.26, 0.24, 0.26, 0.23, 0.27, 0.2, 0.15, 0.11, 0.3, 0.09, 0.2, 0.24, 0.26]
    expected = [False, True, True, True, True, True, True, True, True, True, False, False, False, True]
    got, call = run_policy(learner, scores, 0.25, 0.1, 0)
    check_alerts(got, expected, call, "an active alert stays on until a score falls below off (hysteresis), "
                                      "and an inactive one needs a score >= on")


@pytest.mark.clause("C9", probes="boundaries: on at >= on, off only at < off; off == on", topic="monitoring and drift")
@pytest.mark.points(2)
def test_policy_boundaries(learner):
    for (on, off), scores, expected, why in (
        ((0.25, 0.1), [0.25, 0.1, 0.0999], [True, True, False], "a score equal to on switches on; equal to off stays on"),
        ((0.25, 0.1), [0.2499, 0.1, 0.25], [False, False, True], "a score below on does not switch on"),
        ((0.2, 0.2), [0.2, 0.2, 0.19, 0.2, 0.1], [True, True, False, True, False], "off == on: one threshold at 0.2"),
        ((1.0, -1.0), [0.5, 1.0, -1.0, 0.0, -1.5, 0.9], [False, True, True, True, False, False],
         "thresholds need not be drift-score-like numbers"),
    ):
        got, call = run_policy(learner, scores, on, off, 0)
        check_alerts(got, expected, call, why)


@pytest.mark.clause("C9", probes="warm-up ignored, off by one, or computed and only hidden", topic="monitoring and drift")
@pytest.mark.points(3)
def test_policy_warmup(learner):
    for warmup, scores, expected, why in (
        (3, [0.3] * 6, [False, False, False, True, True, True], "exactly the first 3 calls are ignored"),
        (1, [0.9, 0.2, 0.2], [False, False, False], "a warm-up score above on does not arm the alert"),
        (2, [0.9, 0.9, 0.15, 0.3, 0.15], [False, False, False, True, True],
         "0.15 after the warm-up is between off and on: the alert stays off until 0.3"),
        (0, [0.3, 0.05], [True, False], "warmup=0: the first score counts"),
    ):
        got, call = run_policy(learner, scores, 0.25, 0.1, warmup)
        check_alerts(got, expected, call, why)


@pytest.mark.clause("C8", "C9", probes="`active` not kept, or state shared between policies",
                    topic="api contract")
@pytest.mark.points(2)
def test_policy_state_per_instance(learner):
    first = learner.AlertPolicy(on=0.25, off=0.1)
    second = learner.AlertPolicy(on=0.25, off=0.1, warmup=1)
    call = "AlertPolicy(on=0.25, off=0.1) and AlertPolicy(on=0.25, off=0.1, warmup=1)"
    assert bool(first.active) is False and bool(second.active) is False, f"{call}: a new policy must be inactive"
    steps = [(first, 0.5, True, True, False), (second, 0.05, False, True, False), (second, 0.2, False, True, False),
             (first, 0.2, True, True, False), (second, 0.3, True, True, True), (first, 0.05, False, False, True),
             (second, 0.12, True, False, True)]
    for i, (policy, score, returned, first_state, second_state) in enumerate(steps):
        name = "first" if policy is first else "second"
        got = bool(policy.update(score))
        states = (bool(first.active), bool(second.active))
        if got != returned or states != (first_state, second_state):
            raise AssertionError(f"{call}, step {i + 1}: {name}.update({score}) returned {got}, and the policies' "
                                 f"active became {states}; expected {returned} and {(first_state, second_state)} - "
                                 "each policy keeps its own state in `active`, carried from call to call")


@pytest.mark.clause("C8", probes="off > on or a negative warm-up accepted", topic="input validation")
def test_policy_validation(learner):
    for kwargs, why in (({"on": 0.1, "off": 0.25}, "off must not exceed on"),
                        ({"on": 0.25, "off": 0.1, "warmup": -1}, "warmup must be >= 0")):
        with expect_raises(ValueError, call_repr("AlertPolicy", **kwargs), why):
            learner.AlertPolicy(**kwargs)


@pytest.mark.clause("C10", probes="a nan score accepted, or counted towards the warm-up", topic="input validation")
@pytest.mark.points(2)
def test_policy_rejects_non_finite_scores(learner):
    policy = learner.AlertPolicy(on=0.25, off=0.1, warmup=1)
    for bad in (float("nan"), float("inf")):
        with expect_raises(ValueError, f"AlertPolicy(on=0.25, off=0.1, warmup=1).update({bad})",
                           "a drift score must be finite"):
            policy.update(bad)
    got = [bool(policy.update(s)) for s in (0.3, 0.3)]
    assert got == [False, True], (f"AlertPolicy(on=0.25, off=0.1, warmup=1): update(nan) and update(inf) raised, then "
                                  f"update(0.3) twice returned {got}, expected [False, True] - a rejected score "
                                  "does not count towards the warm-up")
    with expect_raises(ValueError, "the same policy, active, .update(nan)", "a drift score must be finite"):
        policy.update(float("nan"))
    with expect_raises(ValueError, "the same policy, active, .update(-inf)", "a drift score must be finite"):
        policy.update(float("-inf"))
    assert bool(policy.active) is True, "AlertPolicy: a rejected score switched an active alert off"
    assert bool(policy.update(0.2)) is True, "AlertPolicy: after rejected scores, update(0.2) must keep the alert on"


# ----------------------------------------------------------------------------- end to end


@pytest.mark.clause("C5", "C9", probes="a monitor over a drifting stream: PSI per window, then the alert",
                    topic="monitoring and drift")
@pytest.mark.points(3)
def test_monitor_a_drifting_stream(learner):
    rng = np.random.default_rng(80)
    reference = rng.lognormal(0.0, 0.5, size=5000)  # e.g. a latency-like feature at training time
    assert exact_positions(5000, 10)
    # drifted during the warm-up, then PSI between off and on after an alert (0.15 to 0.2), and back below off
    shifts = [0.4, 0.3, 0.2, 0.1, 0.2, 0.35, 0.2, 0.18, 0.3, 0.2, 0.12, 0.0, 0.2, 0.4, 0.0]
    windows = [rng.lognormal(s, 0.5, size=700) for s in shifts]
    scores = [judge_psi(reference, w) for w in windows]
    for i, window in enumerate(windows):
        check_float(learner.psi(reference, window), scores[i], call_repr("psi", reference, window) + f" (window {i})",
                    EDGE_TOL)
    got, _ = run_policy(learner, scores, 0.25, 0.1, 2)
    expected = judge_alerts(scores, 0.25, 0.1, 2)
    # the judge's own check that the stream separates the policy from one threshold and from no warm-up
    assert expected != [s >= 0.25 for s in scores] and expected != judge_alerts(scores, 0.25, 0.1, 0)
    check_alerts(got, expected, f"AlertPolicy(on=0.25, off=0.1, warmup=2) over the PSI of 15 daily windows "
                                f"{[round(s, 3) for s in scores]}",
                 "each window's PSI against the fixed reference bins drives the hysteresis alert")
