"""Hidden tests for permutation_importance.

Wrong answers this suite is built to catch (one line each):
- one permutation drawn per column and reused for every repeat (std is then 0)
- whole rows permuted (all columns jointly) instead of one column at a time
- importance with the wrong sign (permuted score - baseline)
- the permuted column not restored before the next column is permuted
- std with ddof=1 (scikit-learn reports the population std over repeats)
- a random-number convention other than scikit-learn's (RandomState(seed) used directly per column,
  a fresh permutation of the original column each repeat, ...): importances differ from
  sklearn.inspection.permutation_importance with the same seed
- metric given by name ("r2", "accuracy") not supported
- metric "neg_mean_squared_error" by name not supported, or taken as the (positive) mean squared error
- defaults other than n_repeats=5, seed=0 (seed=None, seed=42, n_repeats=10)
- numpy's global random state reseeded or drawn from (np.random.seed + np.random.shuffle gives the same
  permutations, so this is visible only in local mode, where the global state is the judge's)
- attributions that ignore the baseline (w * x) or spread the bias over the features:
  they do not sum to f(x) - f(baseline)

Every check is exact (scikit-learn's own result at 1e-10, or a hand computation): there is no trained
threshold, so no seed sweep to record.
"""
import types

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.inspection import permutation_importance as sklearn_permutation_importance
from sklearn.metrics import make_scorer

from graders.asserts import assert_allclose, assert_shape, call_repr


class FunctionModel(BaseEstimator):
    """Wraps a prediction function so that scikit-learn can compute its permutation importance."""

    def __init__(self, function=None):
        self.function = function

    def fit(self, X, y=None):
        return self

    def predict(self, X):
        return self.function(X)


def r2(y, p):
    return float(1.0 - np.sum((y - p) ** 2) / np.sum((y - np.mean(y)) ** 2))


def accuracy(y, p):
    return float(np.mean(y == p))


def regression_case(seed, n=60, weights=(3.0, 0.0, 1.0, 0.5)):
    rng = np.random.default_rng(seed)
    w = np.asarray(weights)
    X = rng.normal(size=(n, len(w)))
    return (lambda A: np.asarray(A, dtype=float) @ w), X, X @ w + 0.3 * rng.normal(size=n)


def classification_case(seed, n=80):
    rng = np.random.default_rng(seed)
    w = np.array([0.2, 2.0, 0.0, -1.0, 0.7])
    X = rng.normal(size=(n, 5))
    y = (X @ w + 0.5 * rng.normal(size=n) > 0).astype(np.int64)
    return (lambda A: (np.asarray(A, dtype=float) @ w > 0).astype(np.int64)), X, y


# name: (data maker, data seed, metric, n_repeats, seed)
CASES = {
    "r2_seed0_repeats5": (regression_case, 0, r2, 5, 0),
    "r2_seed7_repeats10": (regression_case, 1, r2, 10, 7),
    "accuracy_seed123_repeats3": (classification_case, 2, accuracy, 3, 123),
    "accuracy_seed0_repeats1": (classification_case, 3, accuracy, 1, 0),
}


def sklearn_result(predict_fn, X, y, metric, n_repeats, seed):
    result = sklearn_permutation_importance(FunctionModel(predict_fn), X, y, scoring=make_scorer(metric),
                                            n_repeats=n_repeats, random_state=seed)
    return result.importances_mean, result.importances_std


@pytest.mark.clause("C2", "C3", "C4", probes="a random-number convention other than scikit-learn's; sample std",
                    topic="interpretability")
@pytest.mark.points(3)
@pytest.mark.parametrize("case", list(CASES))
def test_matches_sklearn_with_the_same_seed(learner, case):
    make, data_seed, metric, n_repeats, seed = CASES[case]
    predict_fn, X, y = make(data_seed)
    call = call_repr("permutation_importance", X) + f" with metric={metric.__name__}, n_repeats={n_repeats}, seed={seed}"
    mean, std = learner.permutation_importance(predict_fn, X, y, metric, n_repeats, seed)
    expected_mean, expected_std = sklearn_result(predict_fn, X, y, metric, n_repeats, seed)
    why = ("follow scikit-learn's convention exactly: one column seed drawn from RandomState(seed), a fresh "
           "RandomState(column_seed) per column, an index array shuffled again each repeat")
    assert_allclose(mean, expected_mean, call + " mean", rtol=1e-10, atol=1e-12, why=why, show_expected=False)
    assert_allclose(std, expected_std, call + " std", rtol=1e-10, atol=1e-12, show_expected=False,
                    why="the population standard deviation over repeats (ddof=0)")


@pytest.mark.clause("C1", probes="a metric given by name not supported, or not scikit-learn's", topic="api contract")
@pytest.mark.points(2)
@pytest.mark.parametrize("name, case", [("r2", regression_case), ("accuracy", classification_case),
                                        ("neg_mean_squared_error", regression_case)])
def test_metric_by_name(learner, name, case):
    predict_fn, X, y = case(4)
    call = call_repr("permutation_importance", X) + f" with metric={name!r}, n_repeats=4, seed=3"
    mean, std = learner.permutation_importance(predict_fn, X, y, name, 4, 3)
    expected = sklearn_permutation_importance(FunctionModel(predict_fn), X, y, scoring=name, n_repeats=4,
                                              random_state=3)
    why = f"the name {name!r} means scikit-learn's scorer of that name (higher is better)"
    assert_allclose(mean, expected.importances_mean, call + " mean", rtol=1e-10, atol=1e-12, why=why,
                    show_expected=False)
    assert_allclose(std, expected.importances_std, call + " std", rtol=1e-10, atol=1e-12, show_expected=False)


@pytest.mark.clause("C2", "C3", probes="whole rows shuffled, a column not restored, the sign flipped",
                    topic="interpretability")
@pytest.mark.points(2)
def test_informative_feature_ranks_first(learner):
    # only feature 1 matters; features 0, 2, 3, 4 are ignored by the model
    predict_fn, X, y = regression_case(5, n=100, weights=(0.0, 2.0, 0.0, 0.0, 0.0))
    call = call_repr("permutation_importance", X) + " with metric=r2, n_repeats=5, seed=1"
    mean, std = learner.permutation_importance(predict_fn, X, y, r2, 5, 1)
    mean = assert_shape(mean, (5,), call + " mean")
    assert_shape(std, (5,), call + " std")
    if int(np.argmax(mean)) != 1 or mean[1] <= 0.5:
        raise AssertionError(f"called {call}; importances {np.round(mean, 3)} - the only feature the model uses "
                             f"(index 1) must rank first with a large positive importance (baseline - permuted score)")
    noise = np.delete(mean, 1)
    if np.max(np.abs(noise)) > 1e-9:
        raise AssertionError(f"called {call}; features the model ignores got importances {np.round(noise, 3)}, "
                             f"expected 0 - permute one column at a time, and restore it before the next column")


@pytest.mark.clause("C4", probes="one permutation reused for every repeat", topic="randomness and reproducibility")
@pytest.mark.points(2)
def test_each_repeat_draws_a_new_permutation(learner):
    predict_fn, X, y = regression_case(6, n=40, weights=(1.0, 0.0, 0.0))
    call = call_repr("permutation_importance", X) + " with metric=r2, n_repeats=8, seed=2"
    _, std = learner.permutation_importance(predict_fn, X, y, r2, 8, 2)
    std = assert_shape(std, (3,), call + " std")
    assert std[0] > 1e-3, (f"called {call}; the std over repeats of the used feature is {std[0]:.3g} - every "
                           f"repeat must draw a new permutation")


@pytest.mark.points(2)
@pytest.mark.clause("C5", probes="defaults other than n_repeats=5, seed=0", topic="api contract")
def test_defaults(learner):
    predict_fn, X, y = regression_case(7)
    call = call_repr("permutation_importance", X) + " with metric=r2 and the default n_repeats and seed"
    mean, std = learner.permutation_importance(predict_fn, X, y, r2)
    expected_mean, expected_std = sklearn_result(predict_fn, X, y, r2, 5, 0)
    why = "the defaults are n_repeats=5 and seed=0"
    assert_allclose(mean, expected_mean, call + " mean", rtol=1e-10, atol=1e-12, why=why, show_expected=False)
    assert_allclose(std, expected_std, call + " std", rtol=1e-10, atol=1e-12, why=why, show_expected=False)


@pytest.mark.points(2)
@pytest.mark.clause("C6", probes="numpy's global random state used or reseeded; results that ignore the seed",
                    topic="randomness and reproducibility")
def test_seed_is_the_only_source_of_randomness(learner):
    predict_fn, X, y = regression_case(8, n=40)
    call = call_repr("permutation_importance", X) + " with metric=r2, n_repeats=4"
    local = isinstance(learner, types.ModuleType)  # in secure mode the worker's global state cannot be seen
    saved = np.random.get_state()
    try:
        check_seed_is_the_only_source(learner, predict_fn, X, y, call, local)
    finally:
        np.random.set_state(saved)  # the judge's own global state, as it was


def check_seed_is_the_only_source(learner, predict_fn, X, y, call, local):
    np.random.seed(2024)
    before = np.random.get_state()
    first = learner.permutation_importance(predict_fn, X, y, r2, 4, 11)
    if local:
        after = np.random.get_state()
        if not all(np.array_equal(a, b) for a, b in zip(before, after)):
            raise AssertionError(f"called {call}, seed=11; numpy's global random state changed - draw from your own "
                                 f"np.random.RandomState objects, never from np.random.seed / np.random.shuffle")
    np.random.seed(99)  # another global state must not change the result
    again = learner.permutation_importance(predict_fn, X, y, r2, 4, 11)
    other = learner.permutation_importance(predict_fn, X, y, r2, 4, 12)
    for a, b in zip(first, again):
        assert_allclose(b, np.asarray(a), call + ", seed=11 called twice", rtol=0, atol=0,
                        why="the same seed must give the same result")
    if np.array_equal(np.asarray(first[0]), np.asarray(other[0])):
        raise AssertionError(f"called {call} with seed=11 and seed=12; got the same importances - the seed must "
                             f"drive the permutations")


# ------------------------------------------------------------------ linear attributions

@pytest.mark.clause("C7", probes="attributions that ignore the baseline or spread the bias", topic="interpretability")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", [0, 1])
def test_attributions_sum_to_the_change_in_output(learner, seed):
    rng = np.random.default_rng(seed)
    d = 6
    w, b = rng.normal(size=d), float(rng.normal())
    x, baseline = rng.normal(size=d), rng.normal(size=d) + 2.0
    call = call_repr("linear_attributions", w, b=b, x=x, baseline=baseline)
    attributions = assert_shape(learner.linear_attributions(w, b, x, baseline), (d,), call)
    f = lambda v: float(w @ v + b)
    assert_allclose(np.sum(attributions), f(x) - f(baseline), call + " summed", rtol=1e-10, atol=1e-12,
                    why="attributions must add up to f(x) - f(baseline); the bias cancels")
    assert_allclose(attributions, w * (x - baseline), call, rtol=1e-10, atol=1e-12, show_expected=False)


@pytest.mark.clause("C7", "C8", probes="a batch of inputs not handled row by row", topic="shapes and broadcasting")
def test_attributions_for_a_batch(learner):
    rng = np.random.default_rng(2)
    w, b = rng.normal(size=4), 0.7
    X, baseline = rng.normal(size=(5, 4)), rng.normal(size=4)
    call = call_repr("linear_attributions", w, b=b, x=X, baseline=baseline)
    attributions = assert_shape(learner.linear_attributions(w, b, X, baseline), (5, 4), call)
    assert_allclose(attributions.sum(axis=1), X @ w - baseline @ w, call + " summed over features", rtol=1e-10,
                    atol=1e-12, why="each row's attributions add up to f(x_i) - f(baseline)")
