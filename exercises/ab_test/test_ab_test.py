"""Visible tests for ab_test: `python grade.py check ab_test`. The expected numbers are the statement's
worked examples (checked against scipy.stats by the kit's authors)."""
import numpy as np

from graders.asserts import assert_allclose, assert_scalar_close, expect_raises


def test_two_sided_ztest_of_a_worked_example(learner):
    # 10 % vs 12.5 % on 2000 visitors each: pooled rate 0.1125, se = sqrt(0.1125 * 0.8875 * 2 / 2000)
    got = learner.two_proportion_ztest(200, 2000, 250, 2000)
    assert_allclose(np.asarray(got, dtype=float), [2.501955416802671, 0.012350947711191385],
                    "two_proportion_ztest(200, 2000, 250, 2000)", rtol=1e-9,
                    why="z = (p_b - p_a) / pooled standard error, two-sided p = 2 P(Z > |z|)")


def test_one_sided_p_values(learner):
    _, greater = learner.two_proportion_ztest(200, 2000, 250, 2000, "greater")
    _, less = learner.two_proportion_ztest(200, 2000, 250, 2000, "less")
    assert_scalar_close(greater, 0.0061754738555957174, 'two_proportion_ztest(200, 2000, 250, 2000, "greater")',
                        rtol=1e-9, why='"greater" tests H1: p_b > p_a, p = P(Z > z)')
    assert_scalar_close(less, 0.9938245261444043, 'two_proportion_ztest(200, 2000, 250, 2000, "less")',
                        rtol=1e-9, why='"less" tests H1: p_b < p_a, p = P(Z < z)')


def test_interval_is_unpooled(learner):
    got = learner.confidence_interval(100, 1000, 4, 100)
    assert_allclose(np.asarray(got, dtype=float), [-0.06, -0.10267143635980648, -0.01732856364019353],
                    "confidence_interval(100, 1000, 4, 100)", rtol=1e-9,
                    why="diff = p_b - p_a, se = sqrt(p_a (1 - p_a)/n_a + p_b (1 - p_b)/n_b), z = 1.96")


def test_far_tail_p_value_is_not_zero(learner):
    _, p = learner.two_proportion_ztest(100, 1000, 500, 1000)
    assert_scalar_close(p, 7.719934594295977e-85, "two_proportion_ztest(100, 1000, 500, 1000)", rtol=1e-9,
                        why="compute a tail as erfc(t / sqrt(2)) / 2: 1 - cdf and NormalDist().cdf give 0.0")


def test_no_conversions_is_no_evidence(learner):
    got = learner.two_proportion_ztest(0, 50, 0, 80)
    assert_allclose(np.asarray(got, dtype=float), [0.0, 1.0], "two_proportion_ztest(0, 50, 0, 80)",
                    why="a pooled rate of 0 gives a standard error of 0: z = 0.0, p = 1.0")


def test_sample_size_textbook_case(learner):
    # ((1.959964 * 0.442493 + 0.841621 * 0.442267) / 0.02) ** 2 = 3840.8, rounded up
    n = learner.sample_size(0.10, 0.12)
    assert n == 3841, f"sample_size(0.10, 0.12) returned {n!r}, expected 3841 visitors per group"
    n = learner.sample_size(0.10, 0.12, alternative="greater")
    assert n == 3026, f'sample_size(0.10, 0.12, alternative="greater") returned {n!r}, expected 3026'


def test_power_at_the_sample_size_and_without_effect(learner):
    assert_scalar_close(learner.statistical_power(0.10, 0.12, 3841), 0.800016528616374,
                        "statistical_power(0.10, 0.12, 3841)", rtol=1e-9)
    assert_scalar_close(learner.statistical_power(0.10, 0.10, 1000), 0.05, "statistical_power(0.10, 0.10, 1000)",
                        rtol=1e-9, why="without an effect the power of a two-sided test is alpha (both tails)")


def test_peeking_inflates_false_positives(learner):
    fixed, peeking = learner.peeking_simulation(0.1, 2000, 10, 2000, seed=0)
    assert 0.03 < fixed < 0.07, f"one test at the end of an A/A test rejects about 5 % of the time, got {fixed}"
    assert peeking > 0.12, f"stopping at the first of 10 significant looks should reject far more often, got {peeking}"
    one = learner.peeking_simulation(0.1, 2000, 1, 2000, seed=0)
    assert one[0] == one[1], f"with a single look peeking is the fixed test, got {one}"


def test_invalid_alternative_raises(learner):
    with expect_raises(ValueError, 'two_proportion_ztest(200, 2000, 250, 2000, "bigger")',
                       'alternative must be "two-sided", "greater" or "less"'):
        learner.two_proportion_ztest(200, 2000, 250, 2000, "bigger")
