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
- attributions that ignore the baseline (w * x) or spread the bias over the features:
  they do not sum to f(x) - f(baseline)
"""
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


@pytest.mark.points(2)
@pytest.mark.parametrize("name, case", [("r2", regression_case), ("accuracy", classification_case)])
def test_metric_by_name(learner, name, case):
    predict_fn, X, y = case(4)
    metric = {"r2": r2, "accuracy": accuracy}[name]
    call = call_repr("permutation_importance", X) + f" with metric={name!r}, n_repeats=4, seed=3"
    mean, std = learner.permutation_importance(predict_fn, X, y, name, 4, 3)
    expected_mean, expected_std = sklearn_result(predict_fn, X, y, metric, 4, 3)
    assert_allclose(mean, expected_mean, call + " mean", rtol=1e-10, atol=1e-12, show_expected=False)
    assert_allclose(std, expected_std, call + " std", rtol=1e-10, atol=1e-12, show_expected=False)


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


@pytest.mark.points(2)
def test_each_repeat_draws_a_new_permutation(learner):
    predict_fn, X, y = regression_case(6, n=40, weights=(1.0, 0.0, 0.0))
    call = call_repr("permutation_importance", X) + " with metric=r2, n_repeats=8, seed=2"
    _, std = learner.permutation_importance(predict_fn, X, y, r2, 8, 2)
    std = assert_shape(std, (3,), call + " std")
    assert std[0] > 1e-3, (f"called {call}; the std over repeats of the used feature is {std[0]:.3g} - every "
                           f"repeat must draw a new permutation")


# ------------------------------------------------------------------ linear attributions

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


def test_attributions_for_a_batch(learner):
    rng = np.random.default_rng(2)
    w, b = rng.normal(size=4), 0.7
    X, baseline = rng.normal(size=(5, 4)), rng.normal(size=4)
    call = call_repr("linear_attributions", w, b=b, x=X, baseline=baseline)
    attributions = assert_shape(learner.linear_attributions(w, b, X, baseline), (5, 4), call)
    assert_allclose(attributions.sum(axis=1), X @ w - baseline @ w, call + " summed over features", rtol=1e-10,
                    atol=1e-12, why="each row's attributions add up to f(x_i) - f(baseline)")
