"""Hidden tests for roc_auc.

Contract: roc_curve equals sklearn.metrics.roc_curve(y_true, scores, drop_intermediate=False)
(one point per distinct score plus the start (0, 0) at threshold +inf); the suite compares with exactly that.

Wrong answers this suite is built to catch (one line each):
- no tie handling: one point per sample, so tied scores make a staircase whose AUC depends on the input order.
- ties grouped at the first index of a run instead of the last (the group's samples counted partly).
- the starting point (0, 0) / threshold +inf missing, or the first threshold written as max(score) + 1.
- scores sorted ascending (the curve of -scores), or fpr and tpr swapped.
- AUC(-s) != 1 - AUC(s) (any tie mistake breaks this symmetry).
- auc by a rectangle (Riemann) sum instead of trapezoids: diagonal segments from ties lose half their area.
- auc negative for decreasing x, or silently accepting non-monotonic x instead of ValueError.
- pairwise AUC counting ties as 0 (or 1) instead of 1/2.
- one-class y_true returning nan / 0.5 / a curve of nan instead of raising ValueError with a clear message.
The trusted values come from scikit-learn (imported lazily) on random inputs with many tied scores, from a
brute-force pair count, and from a hypothesis property (derandomized) for the symmetry.
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from graders.asserts import assert_allclose, assert_scalar_close, assert_shape, call_repr, expect_raises

FAST = settings(max_examples=30, deadline=None, derandomize=True, database=None, phases=[Phase.generate],
                report_multiple_bugs=False, suppress_health_check=[HealthCheck.too_slow])
TIES = "tied scores cross the threshold together: one ROC point per distinct score, not per sample"


@pytest.fixture(scope="module")
def skm():
    import sklearn.metrics

    return sklearn.metrics


def random_case(seed):
    """(y, scores) with both classes; even seeds have heavy ties."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 40))
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    rng.shuffle(y)
    kind = seed % 4
    if kind == 0:
        s = rng.integers(0, 4, n).astype(float)          # few distinct values
    elif kind == 1:
        s = rng.normal(size=n)                            # no ties
    elif kind == 2:
        s = np.round(rng.uniform(size=n), 1)              # rounded probabilities
    else:
        s = np.where(rng.uniform(size=n) < 0.5, 0.5, rng.uniform(size=n))  # one big tie
    return y, s


def pair_auc(y, s):
    """P(score of a random positive > score of a random negative), ties counting 1/2."""
    pos, neg = s[y == 1][:, None], s[y == 0][None, :]
    return float(np.mean((pos > neg) + 0.5 * (pos == neg)))


def check_curve(learner, skm, y, s, why=TIES):
    call = call_repr("roc_curve", y, s)
    result = learner.roc_curve(y.copy(), s.copy())
    assert isinstance(result, (tuple, list)) and len(result) == 3, f"called {call}; expected (fpr, tpr, thresholds)"
    expected = skm.roc_curve(y, s, drop_intermediate=False)
    for got, exp, what in zip(result, expected, ("fpr", "tpr", "thresholds")):
        assert_shape(got, exp.shape, f"{call} ({what})")
        assert_allclose(got, exp, f"{call} ({what})", rtol=1e-12, why=why, show_expected=False)


# ------------------------------------------------------------------ roc_curve

@pytest.mark.clause("C1", probes="the curve differs from scikit-learn's (drop_intermediate=False) on random scores",
                    topic="evaluation metrics")
@pytest.mark.points(3)
def test_roc_curve_random_vs_sklearn(learner, skm):
    for seed in range(16):
        y, s = random_case(seed)
        check_curve(learner, skm, y, s)


@pytest.mark.clause("C1", "C2", "C7", probes="tied scores handled one sample at a time; bool labels",
                    topic="evaluation metrics")
@pytest.mark.points(2)
def test_roc_curve_ties_hand_cases(learner, skm):
    cases = [
        (np.array([1, 0, 1, 0]), np.array([0.5, 0.5, 0.5, 0.5])),               # one tie: the diagonal
        (np.array([0, 0, 1, 1, 1, 0]), np.array([0.9, 0.9, 0.9, 0.2, 0.2, 0.2])),
        (np.array([1, 1, 0, 0]), np.array([3, 3, 3, 1])),                        # integer scores
        (np.array([True, False, True, False, False]), np.array([0.2, 0.8, 0.6, 0.6, 0.1])),  # bool labels
    ]
    for y, s in cases:
        check_curve(learner, skm, y, s)


@pytest.mark.clause("C1", probes="the start point (0, 0) at threshold +inf", topic="evaluation metrics")
def test_roc_curve_starts_at_origin_with_inf_threshold(learner):
    y, s = np.array([0, 1, 0, 1]), np.array([0.3, 0.9, 0.1, 0.7])
    fpr, tpr, thresholds = learner.roc_curve(y.copy(), s.copy())
    call = call_repr("roc_curve", y, s)
    assert_allclose(np.asarray(thresholds)[:1], [np.inf], call + " (first threshold)",
                    why="the curve starts at (0, 0): nothing is predicted positive, threshold +inf")
    assert_allclose([fpr[0], tpr[0], fpr[-1], tpr[-1]], [0.0, 0.0, 1.0, 1.0], call + " (end points)",
                    why="the curve goes from (0, 0) to (1, 1)")


# ------------------------------------------------------------------ auc

@pytest.mark.clause("C3", probes="trapezoids, and a positive area for decreasing x", topic="evaluation metrics")
@pytest.mark.points(2)
def test_auc_vs_sklearn(learner, skm):
    rng = np.random.default_rng(8)
    for n in (2, 5, 17):
        x = np.sort(rng.uniform(size=n))
        x[n // 2:] = x[n // 2]  # repeated x values (vertical segments)
        y = rng.uniform(size=n)
        for xs, ys, order in ((x, y, "increasing"), (x[::-1].copy(), y[::-1].copy(), "decreasing")):
            assert_scalar_close(learner.auc(xs, ys), skm.auc(xs, ys), call_repr("auc", xs, ys) + f" ({order} x)",
                                rtol=1e-12, atol=1e-15, why="the trapezoidal rule; for decreasing x the area is "
                                "still positive", show_expected=False)
    x, y = np.array([0.0, 0.0, 1.0]), np.array([0.0, 1.0, 0.0])
    assert_scalar_close(learner.auc(x, y), 0.5, call_repr("auc", x, y),
                        why="trapezoids, not rectangles: a sloped segment adds the mean of its two heights")


@pytest.mark.clause("C4", probes="auc accepting x that goes up and down (neither non-decreasing nor non-increasing)",
                    topic="input validation")
def test_auc_rejects_non_monotonic_x(learner):
    x, y = np.array([0.0, 0.6, 0.3, 1.0]), np.array([0.0, 0.5, 0.7, 1.0])
    with expect_raises(ValueError, call_repr("auc", x, y), "x goes up then down: it must be monotonic"):
        learner.auc(x, y)


# ------------------------------------------------------------------ roc_auc_score

@pytest.mark.clause("C5", "C2", probes="AUC on random scores with ties", topic="evaluation metrics")
@pytest.mark.points(2)
def test_roc_auc_score_vs_sklearn_and_pairs(learner, skm):
    for seed in range(16, 32):
        y, s = random_case(seed)
        call = call_repr("roc_auc_score", y, s)
        got = learner.roc_auc_score(y.copy(), s.copy())
        assert_scalar_close(got, skm.roc_auc_score(y, s), call, rtol=1e-12, atol=1e-15, why=TIES,
                            show_expected=False)
        assert_scalar_close(got, pair_auc(y, s), call, rtol=1e-9, atol=1e-12,
                            why="AUC is the probability that a random positive outranks a random negative, "
                                "a tie counting 1/2", show_expected=False)


@pytest.mark.clause("C2", "C5", probes="AUC(-s) = 1 - AUC(s) with ties", topic="evaluation metrics")
@pytest.mark.points(2)
@FAST
@given(data=st.integers(2, 30).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 1), min_size=n, max_size=n),
    st.lists(st.integers(-3, 3), min_size=n, max_size=n))))
def test_auc_of_negated_scores_is_one_minus_auc(learner, data):
    y, s = np.array(data[0]), np.array(data[1], dtype=float)
    if y.min() == y.max():
        y[0] = 1 - y[0]
    a = learner.roc_auc_score(y.copy(), s.copy())
    b = learner.roc_auc_score(y.copy(), -s)
    assert_scalar_close(a + b, 1.0, call_repr("roc_auc_score", y, s) + " + roc_auc_score(y, -scores)", rtol=1e-9,
                        why="reversing the ranking must give 1 - AUC; with tied scores this only holds if ties "
                            "move the curve diagonally")
    assert_scalar_close(a, pair_auc(y, s), call_repr("roc_auc_score", y, s), rtol=1e-9, atol=1e-12, why=TIES,
                        show_expected=False)


# ------------------------------------------------------------------ one class

@pytest.mark.clause("C8", probes="one-class y_true: ValueError that says so", topic="input validation")
@pytest.mark.points(2)
def test_one_class_raises_with_a_clear_message(learner):
    s = np.array([0.1, 0.4, 0.35, 0.8])
    for y in (np.zeros(4, dtype=int), np.ones(4, dtype=int)):
        for name in ("roc_auc_score", "roc_curve"):
            call = call_repr(name, y, s)
            with expect_raises(ValueError, f"{call} with only {'positives' if y[0] else 'negatives'}",
                               "the ROC curve is undefined with one class") as info:
                getattr(learner, name)(y.copy(), s.copy())
            message = str(info.value).lower()
            assert "one class" in message or "single class" in message, (
                f"called {call}; the ValueError's message {str(info.value)!r} should say that y_true holds "
                f"only one class (the statement asks for the words \"one class\" or \"single class\")")


# ------------------------------------------------------------------ input validation

@pytest.mark.clause("C4", probes="auc accepting x and y of different lengths, or a single point",
                    topic="input validation")
def test_auc_rejects_mismatched_or_too_short_inputs(learner):
    cases = [(np.array([0.0, 0.5, 1.0]), np.array([0.0, 1.0]), "x and y of different lengths"),
             (np.array([0.0, 0.5]), np.array([0.0, 1.0, 1.0]), "x and y of different lengths"),
             (np.array([0.5]), np.array([1.0]), "a single point")]
    for x, y, what in cases:
        with expect_raises(ValueError, call_repr("auc", x, y), f"{what}: the area is undefined"):
            learner.auc(x, y)


@pytest.mark.points(2)
@pytest.mark.clause("C6", probes="y_true and scores of different lengths silently truncated", topic="input validation")
def test_lengths_must_match(learner):
    y, s = np.array([0, 1, 0, 1, 1]), np.array([0.2, 0.9, 0.4, 0.7])
    for name in ("roc_curve", "roc_auc_score"):
        for labels, scores in ((y, s), (y[:3], s)):
            with expect_raises(ValueError, call_repr(name, labels, scores),
                               "y_true and scores differ in length: never truncate the longer one"):
                getattr(learner, name)(labels.copy(), scores.copy())


@pytest.mark.points(2)
@pytest.mark.clause("C7", probes="labels other than 0/1 accepted", topic="input validation")
def test_labels_other_than_zero_and_one_are_refused(learner):
    s = np.array([0.2, 0.9, 0.4, 0.7])
    # both classes present and a label sum that is neither 0 nor n, so no one-class check can catch them by chance
    for y in (np.array([0, 1, 2, 0]), np.array([0, 1, -1, 1])):
        for name in ("roc_curve", "roc_auc_score"):
            with expect_raises(ValueError, call_repr(name, y, s), "labels must be 0/1 (or False/True)"):
                getattr(learner, name)(y.copy(), s.copy())
