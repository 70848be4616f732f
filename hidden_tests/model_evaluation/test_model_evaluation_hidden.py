"""Hidden tests for model_evaluation.

Wrong answers this suite is built to catch (one line each):
- cross_val_scores whose folds differ from kappa_and_cv.kfold_indices: remainder given to the last folds,
  np.array_split of an unshuffled range when a seed is given, a different shuffle (rng.shuffle of a list,
  np.random.seed + np.random.permutation), or dropping the n % k leftover rows
- cross_val_scores that trains on the test fold (train = all rows) or passes y_test to the model
- cross_val_scores with k outside [2, n] accepted silently
- bootstrap_ci resampling without replacement (a permutation: every resample has the same metric)
- bootstrap_ci resampling y and p independently (breaks the pairing of labels and predictions)
- bootstrap_ci with alpha not split between the tails (alpha and 1 - alpha quantiles: too narrow), or alpha
  used as a percentage (np.percentile(stats, alpha))
- bootstrap_ci returning (high, low), a normal-approximation interval, or using other seed semantics than
  rows = default_rng(seed).integers(0, m, size=(n, m))
- metric called as metric(p, y) (invisible with accuracy, caught with the judge's recall); bootstrap_ci
  accepting n < 1, alpha outside (0, 1) or y and p of different lengths; cross_val_scores accepting X and
  y of different lengths
- compare_models resampling the two models independently (unpaired: intervals far too wide), reporting the
  difference the wrong way round (b - a), or the mean of the bootstrap differences instead of the observed one

Callback budget: in secure mode every call of the judge's `accuracy` / `model_fn` from learner code is a
cross-process round trip (about 1 ms), so the suite keeps them few: 3,170 for the reference in all (coverage
1,020; bootstrap_ci exact match 600; compare_models 402 + 102 + 602; ordered 200; cross_val_scores 91;
recall (metric argument order) 50 + 102).

Coverage simulation (test_bootstrap_ci_covers_the_true_accuracy_at_the_nominal_rate): for binary predictions
that are right with probability 0.8 on m=100 rows, a test set is summed up by k = its number of right
predictions (K ~ Binomial(100, 0.8)), and any data set with the same k has the same bootstrap distribution of
the accuracy. So instead of drawing data sets the test builds one per k in 72..88 (96.7 % of the mass; the
other k count as not covered), calls bootstrap_ci(accuracy, y, p, 60, 0.1, seed=k) and takes the coverage
sum_k P(K=k) * [low <= 0.8 <= high] (17 x 60 = 1,020 callbacks, vs 40,000 for 200 drawn data sets x 200
resamples, whose figures were no sharper: 0.89-0.91). Reference: 0.897; with 10 bootstrap seed offsets
(seed = k + 1000 * j, j = 0..9): 0.897 0.919 0.864 0.933 0.875 0.919 0.885 0.885 0.885 0.878 (min 0.864,
max 0.933; over 300 offsets 0.806-0.955). Bounds [0.80, 0.97]: margin 0.064 below, 0.037 above.
Mutants (offsets 0, 1, 2; the test uses offset 0): resampling without replacement 0.099 (only k = 80 is
covered) and y, p resampled independently 0.000 fail it at every offset (both also fail the exact-match
test). Alpha not halved 0.772 0.784 0.832 (fails here at offset 0, but not reliably), alpha as a percentage
0.955 0.967 0.941 and a normal-approximation interval 0.864 0.897 0.897 are not reliably caught here:
test_bootstrap_ci_matches_reference (exact match, both alphas) catches all three.
"""
from math import comb

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from graders.asserts import assert_allclose, assert_scalar_close, call_repr, expect_raises


def accuracy(y, p):
    return float(np.mean(np.asarray(y) == np.asarray(p)))


def judge_folds(n, k, seed):
    """kappa_and_cv.kfold_indices semantics, written independently: the judge's expected test folds."""
    order = np.arange(n) if seed is None else np.random.default_rng(seed).permutation(n)
    folds, start = [], 0
    for i in range(k):
        size = n // k + (1 if i < n % k else 0)
        folds.append(sorted(order[start:start + size].tolist()))
        start += size
    return folds


def recording_model_fn(log):
    """A judge-side model (data in, data out): predicts the majority training label; logs which rows it saw.

    Column 0 of X holds the row id, so the judge can tell which rows were used for training and testing.
    """
    def model_fn(X_train, y_train, X_test):
        X_train, X_test, y_train = np.asarray(X_train), np.asarray(X_test), np.asarray(y_train)
        log.append((sorted(X_train[:, 0].astype(int).tolist()), sorted(X_test[:, 0].astype(int).tolist()),
                    y_train.copy()))
        if y_train.size == 0:
            return np.zeros(len(X_test), dtype=int)
        values, counts = np.unique(y_train, return_counts=True)
        return np.full(len(X_test), values[np.argmax(counts)])
    return model_fn


def id_data(n, seed=0, n_classes=3):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.arange(n), rng.normal(size=(n, 2))])
    y = rng.integers(0, n_classes, size=n)
    return X, y


# --------------------------------------------------------------------------- cross_val_scores

@pytest.mark.clause("C1", "C2", probes="folds other than kfold_indices' (remainder, shuffle, seed), or training on the test rows",
                    topic="validation and leakage")
@pytest.mark.points(3)
@pytest.mark.parametrize("n, k, seed", [(10, 3, 0), (23, 5, 7), (12, 4, None), (7, 7, 3)])
def test_folds_follow_kfold_semantics(learner, n, k, seed):
    X, y = id_data(n)
    log = []
    call = f"cross_val_scores(model_fn, X of shape {X.shape}, y, k={k}, seed={seed})"
    learner.cross_val_scores(recording_model_fn(log), X, y, k, seed)
    expected = judge_folds(n, k, seed)
    assert len(log) == k, f"called {call}; model_fn was called {len(log)} times, expected once per fold ({k})"
    got_tests = [test for _, test, _ in log]
    assert got_tests == expected, (
        f"called {call}; the test folds (in call order) were {got_tests} - use kappa_and_cv's k-fold semantics: "
        f"order = np.random.default_rng(seed).permutation(n) (np.arange(n) when seed is None), the first "
        f"n % k folds one larger, fold i = the next block of that order")
    for train, test, y_train in log:
        assert sorted(train + test) == list(range(n)) and not set(train) & set(test), (
            f"called {call}; a fold trained on rows {train} and tested on {test}: the training rows must be "
            f"exactly the rows outside the test fold")
        assert np.array_equal(np.sort(y_train), np.sort(y[train])), f"called {call}; y_train does not match X_train"


@pytest.mark.clause("C2", "C3", probes="fold scores that are not the accuracy on the test rows",
                    topic="validation and leakage")
@pytest.mark.points(2)
@settings(max_examples=20, deadline=None, derandomize=True, database=None)
@given(n=st.integers(4, 40), k=st.integers(2, 6), seed=st.one_of(st.none(), st.integers(0, 1000)))
def test_scores_match_reference(learner, reference, n, k, seed):
    k = min(k, n)
    X, y = id_data(n, seed=n)
    call = f"cross_val_scores(model_fn, X of shape {X.shape}, y, k={k}, seed={seed})"
    expected = reference.cross_val_scores(recording_model_fn([]), X, y, k, seed)
    got = learner.cross_val_scores(recording_model_fn([]), X, y, k, seed)
    assert_allclose(got, expected, call, rtol=1e-12, show_expected=False,
                    why="score of fold i = fraction of model_fn's predictions on the test rows equal to y_test")


@pytest.mark.clause("C4", probes="k outside [2, n] accepted", topic="input validation")
@pytest.mark.parametrize("k", [1, 0, 11])
def test_invalid_k_raises(learner, k):
    X, y = id_data(10)
    with expect_raises(ValueError, f"cross_val_scores(model_fn, X of shape {X.shape}, y, k={k}, seed=0)",
                       f"k must satisfy 2 <= k <= n = {len(y)}"):
        learner.cross_val_scores(recording_model_fn([]), X, y, k, 0)


@pytest.mark.clause("C4", probes="X and y of different lengths accepted", topic="input validation")
def test_mismatched_x_and_y_raise(learner):
    X, y = id_data(12)
    for X_, y_ in ((X, y[:10]), (X[:10], y)):
        with expect_raises(ValueError, f"cross_val_scores(model_fn, X of shape {X_.shape}, y of shape {y_.shape}, "
                                       f"k=3, seed=0)", "X and y differ in length"):
            learner.cross_val_scores(recording_model_fn([]), X_, y_, 3, 0)


# --------------------------------------------------------------------------- bootstrap_ci

def simulated(seed, m=100, acc=0.8):
    rng = np.random.default_rng(10_000 + seed)
    y = rng.integers(0, 2, size=m)
    p = np.where(rng.random(m) < acc, y, 1 - y)
    return y, p


@pytest.mark.clause("C5", "C6", probes="rows not drawn as default_rng(seed).integers(0, m, size=(n, m)), or other quantiles",
                    topic="model evaluation")
@pytest.mark.points(3)
@pytest.mark.parametrize("alpha", [0.1, 0.05])
def test_bootstrap_ci_matches_reference(learner, reference, alpha):
    for seed in range(3):
        y, p = simulated(seed, m=37)
        call = call_repr("bootstrap_ci", "accuracy", y, p, 100, alpha, seed)
        got = learner.bootstrap_ci(accuracy, y, p, 100, alpha, seed)
        assert isinstance(got, (tuple, list)) and len(got) == 2 and all(isinstance(v, float) for v in got), (
            f"called {call}; got {got!r}, expected a pair of floats (low, high)")
        expected = reference.bootstrap_ci(accuracy, y, p, 100, alpha, seed)
        assert_allclose(np.asarray(got, dtype=float), np.asarray(expected), call, rtol=1e-9, atol=1e-12,
                        show_expected=False,
                        why="resample rows with rows = np.random.default_rng(seed).integers(0, m, size=(n, m)), "
                            "keep (y, p) pairs together, and take the alpha/2 and 1 - alpha/2 quantiles "
                            "(np.quantile's default interpolation)")


COVERAGE_KS = range(72, 89)        # 96.7 % of Binomial(100, 0.8); the k outside count as not covered


def data_with_k_correct(k, m=100):
    """Binary labels and predictions of which exactly k are right, the wrong ones at random rows."""
    rng = np.random.default_rng(20_000 + k)
    y = rng.integers(0, 2, size=m)
    p = y.copy()
    wrong = rng.permutation(m)[: m - k]
    p[wrong] = 1 - p[wrong]
    return y, p


@pytest.mark.clause("C5", "C6", probes="an interval that does not cover the true accuracy at the nominal rate",
                    topic="model evaluation")
@pytest.mark.points(3)
def test_bootstrap_ci_covers_the_true_accuracy_at_the_nominal_rate(learner):
    # A test set of m=100 predictions, each right with probability 0.8, has K ~ Binomial(100, 0.8) right ones,
    # and every data set with the same K has the same bootstrap distribution of the accuracy: the coverage
    # over random test sets is sum_k P(K=k) * [the interval for k covers 0.8], one data set per k.
    coverage, missed = 0.0, []
    for k in COVERAGE_KS:
        y, p = data_with_k_correct(k)
        low, high = (float(v) for v in learner.bootstrap_ci(accuracy, y, p, 60, 0.1, k))
        if low <= 0.8 <= high:
            coverage += comb(100, k) * 0.8 ** k * 0.2 ** (100 - k)
        else:
            missed.append(f"{k}/100 right: ({low:.3f}, {high:.3f})")
    assert 0.80 <= coverage <= 0.97, (
        f"bootstrap_ci(accuracy, y, p, 60, alpha=0.1, seed) on test sets of m=100 predictions that are right "
        f"with probability 0.8: the interval covered the true accuracy 0.8 with probability {coverage:.0%}, "
        f"expected close to the nominal 90% (intervals that missed: {', '.join(missed) or 'none'}) - check the "
        f"resampling (with replacement, (y, p) pairs kept together) and the quantiles (alpha/2 in each tail)")


@pytest.mark.clause("C6", probes="(high, low) returned, or an interval that misses the point estimate",
                    topic="model evaluation")
def test_bootstrap_ci_is_ordered_and_contains_the_point_estimate(learner):
    y, p = simulated(5, m=60)
    low, high = (float(v) for v in learner.bootstrap_ci(accuracy, y, p, 200, 0.1, 1))
    point = accuracy(y, p)
    assert low < point < high, f"bootstrap_ci(...) returned ({low:.3f}, {high:.3f}) around a point estimate {point:.3f}"


@pytest.mark.clause("C7", probes="n < 1, alpha outside (0, 1) or y and p of different lengths accepted",
                    topic="input validation")
@pytest.mark.parametrize("n, alpha, m_p, what", [
    (0, 0.1, 20, "n = 0 resamples"), (-5, 0.1, 20, "n < 1"), (50, 0.0, 20, "alpha = 0"), (50, 1.0, 20, "alpha = 1"),
    (50, 1.5, 20, "alpha > 1"), (50, 0.1, 19, "p shorter than y"), (50, 0.1, 21, "p longer than y")])
def test_bootstrap_ci_rejects_invalid_arguments(learner, n, alpha, m_p, what):
    y = np.arange(20) % 2
    p = np.resize(y, m_p)
    with expect_raises(ValueError, call_repr("bootstrap_ci", "accuracy", y, p, n, alpha, 0) + f" with {what}",
                       "n >= 1, 0 < alpha < 1, and y and p of the same length"):
        learner.bootstrap_ci(accuracy, y, p, n, alpha, 0)


def recall(y, p):
    """An asymmetric judge metric: recall of class 1 (metric(p, y) would be the precision)."""
    y, p = np.asarray(y), np.asarray(p)
    return float(np.mean(p[y == 1] == 1)) if np.any(y == 1) else 0.0


@pytest.mark.points(2)
@pytest.mark.clause("C5", "C8", probes="metric called as metric(p, y) instead of metric(y, p)", topic="api contract")
def test_metric_receives_labels_first(learner, reference):
    rng = np.random.default_rng(11)
    y = rng.integers(0, 2, size=40)
    p_a = np.where(rng.random(40) < 0.3, 1, y)             # many false positives: recall and precision differ
    p_b = np.where(rng.random(40) < 0.3, 0, y)
    call = call_repr("bootstrap_ci", "recall", y, p_a, 50, 0.1, 5)
    assert_allclose(np.asarray(learner.bootstrap_ci(recall, y, p_a, 50, 0.1, 5), dtype=float),
                    np.asarray(reference.bootstrap_ci(recall, y, p_a, 50, 0.1, 5)), call, rtol=1e-9, atol=1e-12,
                    show_expected=False, why="the metric is called as metric(y, p): labels first, then predictions")
    call = call_repr("compare_models", "recall", y, p_a, p_b, 50, 0.1, 5)
    assert_allclose(np.asarray(learner.compare_models(recall, y, p_a, p_b, 50, 0.1, 5), dtype=float),
                    np.asarray(reference.compare_models(recall, y, p_a, p_b, 50, 0.1, 5)), call, rtol=1e-9,
                    atol=1e-12, show_expected=False,
                    why="the metric is called as metric(y, p_a) and metric(y, p_b): labels first")


# --------------------------------------------------------------------------- compare_models

@pytest.mark.clause("C8", probes="an unpaired comparison, or b - a instead of a - b", topic="model evaluation")
@pytest.mark.points(2)
def test_compare_models_matches_reference(learner, reference):
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, size=80)
    p_a = np.where(rng.random(80) < 0.85, y, 1 - y)
    p_b = np.where(rng.random(80) < 0.1, 1 - p_a, p_a)     # b disagrees with a on about 10 % of the rows
    call = call_repr("compare_models", "accuracy", y, p_a, p_b, 200, 0.1, 4)
    got = np.asarray(learner.compare_models(accuracy, y, p_a, p_b, 200, 0.1, 4), dtype=float)
    expected = np.asarray(reference.compare_models(accuracy, y, p_a, p_b, 200, 0.1, 4))
    assert_scalar_close(got[0], expected[0], call + " difference", rtol=1e-12, atol=1e-12,
                        why="the difference is metric(y, p_a) - metric(y, p_b) on the full data")
    assert_allclose(got, expected, call, rtol=1e-9, atol=1e-12, show_expected=False,
                    why="a paired bootstrap: the SAME resampled rows score both models (rows drawn as in "
                        "bootstrap_ci)")


@pytest.mark.clause("C8", probes="the two models resampled on different rows", topic="model evaluation")
def test_identical_models_have_a_zero_interval(learner):
    y, p = simulated(1, m=50)
    got = np.asarray(learner.compare_models(accuracy, y, p, p.copy(), 50, 0.1, 0), dtype=float)
    assert_allclose(got, [0.0, 0.0, 0.0], call_repr("compare_models", "accuracy", y, p, p, 50, 0.1, 0), atol=1e-12,
                    why="two identical models differ by exactly 0 on every paired resample")


@pytest.mark.clause("C8", probes="an unpaired comparison (interval too wide)", topic="model evaluation")
def test_paired_interval_is_narrower_than_independent_intervals(learner):
    y, p_a = simulated(2, m=120)
    p_b = p_a.copy()
    p_b[:6] = 1 - p_b[:6]                # b differs from a on 6 rows only
    diff, low, high = (float(v) for v in learner.compare_models(accuracy, y, p_a, p_b, 200, 0.1, 2))
    a_low, a_high = (float(v) for v in learner.bootstrap_ci(accuracy, y, p_a, 200, 0.1, 2))
    # Paired: width about 0.07 here; unpaired resampling gives about sqrt(2) times a single model's width.
    assert high - low < a_high - a_low, (
        f"compare_models on two models that disagree on 6 of 120 rows gave an interval of width {high - low:.3f}, "
        f"while one model's own interval is {a_high - a_low:.3f} wide - resample the rows once and score both "
        f"models on the same rows (paired bootstrap)")
