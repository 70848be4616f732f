"""Visible tests for drift_monitoring: `python grade.py check drift_monitoring`."""
import math

import numpy as np

from graders.asserts import assert_allclose, assert_scalar_close, call_repr

REFERENCE = np.arange(1, 10)  # 1, 2, ..., 9: with 4 bins the edges are 3, 5 and 7 (positions 2, 4, 6)


def test_quantile_edges_small(learner):
    got = learner.quantile_edges(REFERENCE, 4)
    assert_allclose(got, [-np.inf, 3.0, 5.0, 7.0, np.inf], call_repr("quantile_edges", REFERENCE, 4),
                    why="the quartiles of 1..9 are 3, 5 and 7; the outer edges are -inf and +inf")


def test_bin_proportions_right_closed(learner):
    edges = np.array([-np.inf, 3.0, 5.0, 7.0, np.inf])
    got = learner.bin_proportions(REFERENCE, edges)
    assert_allclose(got, [3 / 9, 2 / 9, 2 / 9, 2 / 9], call_repr("bin_proportions", REFERENCE, edges), rtol=1e-12,
                    why="bin i holds edges[i] < x <= edges[i + 1]: 3 belongs to the first bin, 5 to the second")


def test_bin_proportions_outside_the_reference_range(learner):
    edges = np.array([-np.inf, 3.0, 5.0, 7.0, np.inf])
    values = [-100.0, 2.0, 50.0, 1000.0]
    assert_allclose(learner.bin_proportions(values, edges), [0.5, 0.0, 0.0, 0.5],
                    call_repr("bin_proportions", values, edges), rtol=1e-12,
                    why="the outer bins are open: values beyond the reference's range are counted, not dropped")


def test_psi_with_empty_bins(learner):
    current = [6, 7, 8, 9, 10, 11]  # shares 0, 0, 2/6, 4/6 in the four bins
    r = np.array([3 / 9, 2 / 9, 2 / 9, 2 / 9])
    c = np.maximum([0.0, 0.0, 2 / 6, 4 / 6], 1e-4)  # empty bins floored at eps
    expected = float(np.sum((c - r) * np.log(c / r)))  # 4.94815
    assert_scalar_close(learner.psi(REFERENCE, current, n_bins=4), expected,
                        call_repr("psi", REFERENCE, current, n_bins=4), rtol=1e-9)
    assert_scalar_close(learner.psi(REFERENCE, REFERENCE, n_bins=4), 0.0,
                        call_repr("psi", REFERENCE, REFERENCE, n_bins=4), atol=1e-12,
                        why="a sample compared with itself has PSI 0")


def test_ks_statistic_small(learner):
    assert_scalar_close(learner.ks_statistic([1, 2, 3, 4], [6, 4, 5, 3]), 0.5,
                        call_repr("ks_statistic", [1, 2, 3, 4], [6, 4, 5, 3]), atol=1e-12,
                        why="at x = 2 the CDFs are 2/4 and 0/4 (the current sample is unsorted)")
    assert_scalar_close(learner.ks_statistic([0, 0, 1, 1], [0, 1, 1, 1]), 0.25,
                        call_repr("ks_statistic", [0, 0, 1, 1], [0, 1, 1, 1]), atol=1e-12,
                        why="at x = 0 the CDFs are 2/4 and 1/4; compare them after each group of equal values")


def test_ks_critical_value(learner):
    expected = math.sqrt(-math.log(0.025) / 2) * math.sqrt(2 / 1000)
    assert_scalar_close(learner.ks_critical_value(1000, 1000), expected, call_repr("ks_critical_value", 1000, 1000),
                        rtol=1e-9)


def test_alert_policy_hysteresis_and_warmup(learner):
    policy = learner.AlertPolicy(on=0.25, off=0.1, warmup=2)
    scores = [0.4, 0.3, 0.2, 0.26, 0.2, 0.12, 0.09, 0.3]
    got = [bool(policy.update(s)) for s in scores]
    expected = [False, False, False, True, True, True, False, True]
    assert got == expected, (f"AlertPolicy(on=0.25, off=0.1, warmup=2).update over {scores} gave {got}, expected "
                             f"{expected}: warm-up scores are ignored, the alert switches on at >= on and off only "
                             f"below off")
