"""Hidden tests for preprocessing.

Wrong answers this suite is built to catch (one line each):
- standard deviation with ddof=1 (scikit-learn's StandardScaler uses the population std, ddof=0)
- scale 0 for a zero-variance column (division by zero: inf/nan); scikit-learn uses 1
- constant column detected with `std == 0` only: a column of 0.1 repeated has variance 1e-34, not 0
- NaN in fit_scaler's input propagates (np.mean instead of ignoring missing values like scikit-learn)
- transform re-fits on the data it is given instead of using the (mean, scale) from training
- the ColumnTransformer has no imputer: NaN reaches the model
- OneHotEncoder without handle_unknown='ignore': a category seen only at test time raises
- sparse output from the preprocessor (many categories) instead of a dense array
- mean imputation or dropped first category instead of the documented median / full one-hot
- train_test_score fits the preprocessing (scaler, imputer) on all rows before the split (leakage,
  probed by shifting only the test rows, which must not change any fitted statistic)
- train_test_score uses another split than train_test_split(..., test_size=0.25, random_state=seed, stratify=y)
- a constant-column rule of one's own (np.isclose(var, 0), an absolute threshold, NaN rows counted in n)
  instead of scikit-learn's: columns with tiny but real spreads (std 1e-9, 1e-12, 3 values 8 ulp apart)
- one-hot categories fitted on all rows: a city seen only in the test rows widens the classifier's input
- a score that is not a float; a model other than Pipeline([ColumnTransformer, LogisticRegression(max_iter=1000)])
- int/bool columns treated as categorical, or features taken in another order than df's keys

No test trains to a threshold: every check is exact (scikit-learn's own statistics, the reference's
accuracy within 1.5 test rows), so there is no seed sweep to record.
"""
import numpy as np
import pytest
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from graders.asserts import assert_allclose, assert_finite, call_repr
from graders.estimators import (assert_contains, assert_estimator_class, column_transformers,
                                estimator_spec, find_estimators, is_spec, pipeline_steps)

NUMERIC, CATEGORICAL = [0, 2], [1, 3]


def coded_matrix(seed, n=60, n_categories=(3, 4), nan_rate=0.1):
    """Numeric columns 0 and 2; categorical columns 1 and 3 hold category codes; NaN = missing."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([
        rng.normal(3.0, 5.0, n),
        rng.integers(0, n_categories[0], n).astype(float),
        rng.exponential(2.0, n),
        rng.integers(0, n_categories[1], n).astype(float),
    ])
    X[rng.random(X.shape) < nan_rate] = np.nan
    return X


def make_df(seed, n=240):
    rng = np.random.default_rng(seed)
    age = rng.normal(40.0, 12.0, n)
    income = rng.lognormal(10.0, 0.5, n)
    city = rng.choice(np.array(["east", "north", "south"]), n)
    logit = 0.08 * (age - 40) + 1.5 * (np.log(income) - 10) + 1.2 * (city == "north") - 0.4
    label = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    age[rng.random(n) < 0.1] = np.nan
    income[rng.random(n) < 0.1] = np.nan
    return {"age": age, "city": city, "income": income, "label": label}


def split(df, seed):
    y = df["label"]
    return train_test_split(np.arange(len(y)), test_size=0.25, random_state=seed, stratify=y)


def with_unseen_city(df, seed):
    """A category that appears only in test rows of the documented split."""
    df = {k: v.copy() for k, v in df.items()}
    _, test = split(df, seed)
    df["city"][test[:3]] = "west"
    return df


def fitted_scaler(model, call):
    spec = estimator_spec(model)
    scalers = find_estimators(spec, "StandardScaler", fitted=True)
    if len(scalers) != 1:
        raise AssertionError(f"called {call}; the returned model holds {len(scalers)} fitted StandardScaler(s), "
                             f"expected exactly one (inside the preprocessor of the returned Pipeline)")
    return spec, scalers[0]


# ------------------------------------------------------------------ fit_scaler / transform

@pytest.mark.clause("C1", probes="statistics differ from StandardScaler's (sample std, float32 input)",
                    topic="preprocessing")
@pytest.mark.parametrize("shape, dtype", [((5, 1), np.float64), ((40, 3), np.float64), ((100, 7), np.float32)])
def test_fit_scaler_matches_standard_scaler(learner, shape, dtype):
    X = (np.random.default_rng(shape[0]).normal(2.0, 3.0, shape) * np.arange(1, shape[1] + 1)).astype(dtype)
    call = call_repr("fit_scaler", X)
    mean, scale = learner.fit_scaler(X)
    ref = StandardScaler().fit(X)
    assert_allclose(mean, ref.mean_, call + " mean", rtol=1e-6 if dtype == np.float32 else 1e-10)
    assert_allclose(scale, ref.scale_, call + " scale", rtol=1e-6 if dtype == np.float32 else 1e-10,
                    why="StandardScaler divides by the population standard deviation (ddof=0)")


@pytest.mark.clause("C3", "C4", probes="a constant column (exactly, or up to rounding) divided by 0",
                    topic="numerical stability")
@pytest.mark.points(2)
def test_zero_variance_columns_get_scale_one(learner):
    rng = np.random.default_rng(3)
    X = np.column_stack([rng.normal(size=7), np.full(7, 5.0), np.full(7, 0.1), np.full(7, 1e6 + 0.1)])
    call = call_repr("fit_scaler", X) + " with constant columns 1, 2, 3"
    mean, scale = learner.fit_scaler(X)
    assert_allclose(scale, StandardScaler().fit(X).scale_, call + " scale", rtol=1e-10, show_expected=False,
                    why="a constant column must get scale 1 like StandardScaler; note that 0.1 repeated 7 times "
                        "has a variance of about 1e-34, not exactly 0, because the mean is rounded")
    out = learner.transform(X, mean, scale)
    assert_finite(out, call_repr("transform", X), why="division by a zero (or rounding-noise) scale")
    assert_allclose(np.asarray(out)[:, 1:], np.zeros((7, 3)), call_repr("transform", X) + " constant columns",
                    atol=1e-8, why="a constant column must transform to (about) 0")


@pytest.mark.clause("C3", probes="a constant-column rule of your own (absolute threshold, np.isclose, all rows counted)",
                    topic="numerical stability")
@pytest.mark.points(2)
def test_constant_rule_is_scikit_learns(learner):
    rng = np.random.default_rng(9)
    eps = np.finfo(np.float64).eps
    sparse = np.full(30, np.nan)
    sparse[:3] = [1.0, 1.0 + 8 * eps, 1.0 + 16 * eps]  # 3 values seen: a real spread by scikit-learn's rule
    X = np.column_stack([rng.normal(0.0, 1e-9, 30), 1e-3 + rng.normal(0.0, 1e-12, 30), sparse,
                         np.full(30, 0.1), rng.normal(size=30)])
    call = call_repr("fit_scaler", X) + " with tiny but real spreads in columns 0, 1, 2"
    _, scale = learner.fit_scaler(X)
    assert_allclose(scale, StandardScaler().fit(X).scale_, call + " scale", rtol=1e-9, show_expected=False,
                    why="a column is constant only by scikit-learn's rule var <= n*eps*var + (n*mean*eps)**2 "
                        "with n the non-missing count; a tiny standard deviation is still a standard deviation")


@pytest.mark.clause("C2", "C4", probes="NaN entries propagate into the statistics", topic="preprocessing")
@pytest.mark.points(2)
def test_nan_is_ignored_in_fit_and_kept_in_transform(learner):
    rng = np.random.default_rng(5)
    X = rng.normal(1.0, 2.0, (30, 4))
    X[rng.random(X.shape) < 0.2] = np.nan
    call = call_repr("fit_scaler", X) + " with NaN entries"
    mean, scale = learner.fit_scaler(X)
    ref = StandardScaler().fit(X)
    why = "missing values (NaN) are left out of the statistics, as StandardScaler does"
    assert_allclose(mean, ref.mean_, call + " mean", rtol=1e-10, why=why, show_expected=False)
    assert_allclose(scale, ref.scale_, call + " scale", rtol=1e-10, why=why, show_expected=False)
    assert_allclose(learner.transform(X, mean, scale), ref.transform(X), call_repr("transform", X), rtol=1e-10,
                    why="NaN stays NaN, every other entry is (x - mean) / scale")


@pytest.mark.clause("C4", probes="transform re-fits on the data it is given", topic="validation and leakage")
@pytest.mark.points(2)
def test_transform_uses_the_training_statistics(learner):
    rng = np.random.default_rng(11)
    X_train, X_test = rng.normal(0.0, 1.0, (50, 3)), rng.normal(10.0, 4.0, (20, 3))
    mean, scale = learner.fit_scaler(X_train)
    ref = StandardScaler().fit(X_train)
    assert_allclose(learner.transform(X_test, mean, scale), ref.transform(X_test),
                    call_repr("transform", X_test) + " with the training (mean, scale)", rtol=1e-10,
                    show_expected=False,
                    why="transform must apply the given training statistics, not re-fit on the test data")


# ------------------------------------------------------------------ build_preprocessor

@pytest.mark.clause("C5", probes="missing branch, imputer, scaler or handle_unknown='ignore'; a fitted transformer",
                    topic="preprocessing")
@pytest.mark.points(2)
def test_preprocessor_structure(learner):
    call = f"build_preprocessor({NUMERIC}, {CATEGORICAL})"
    spec = estimator_spec(learner.build_preprocessor(NUMERIC, CATEGORICAL))
    assert_estimator_class(spec, "ColumnTransformer", call)
    if spec.get("is_fitted"):
        raise AssertionError(f"called {call}; got a fitted ColumnTransformer, expected an unfitted one "
                             f"(it is fitted later, on training rows only)")
    assert_contains(spec, "OneHotEncoder", call, handle_unknown="ignore",
                    why="categories never seen in training must be ignored, not raise")
    branches = {tuple(cols) if isinstance(cols, list) else cols: est for _, est, cols in column_transformers(spec)}
    for columns, needed in ((tuple(NUMERIC), ("SimpleImputer", "StandardScaler")),
                            (tuple(CATEGORICAL), ("SimpleImputer", "OneHotEncoder"))):
        branch = branches.get(columns)
        if not isinstance(branch, dict):
            raise AssertionError(f"called {call}; no transformer applies to columns {list(columns)} "
                                 f"(transformers are given columns {list(branches)})")
        for name in needed:
            if not find_estimators(branch, name):
                raise AssertionError(f"called {call}; the branch for columns {list(columns)} has no {name}")


@pytest.mark.clause("C5", "C6", probes="imputation strategy, step order, dropped category or output order",
                    topic="preprocessing")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", [0, 1])
def test_preprocessor_output_matches_reference(learner, reference, seed):
    X = coded_matrix(seed)
    call = call_repr(f"build_preprocessor({NUMERIC}, {CATEGORICAL}).fit_transform", X)
    got = learner.build_preprocessor(NUMERIC, CATEGORICAL).fit_transform(X)
    expected = reference.build_preprocessor(NUMERIC, CATEGORICAL).fit_transform(X)
    assert_allclose(got, expected, call, atol=1e-10, show_expected=False,
                    why="numeric: median imputation then standard scaling; categorical: most-frequent "
                        "imputation then one column per category; numeric outputs first")


@pytest.mark.clause("C5", probes="no imputer: NaN reaches the output", topic="preprocessing")
@pytest.mark.points(2)
def test_preprocessor_imputes_nan(learner):
    X = coded_matrix(4, nan_rate=0.3)
    call = call_repr(f"build_preprocessor({NUMERIC}, {CATEGORICAL}).fit_transform", X) + " with 30% NaN"
    out = learner.build_preprocessor(NUMERIC, CATEGORICAL).fit_transform(X)
    assert_finite(out, call, why="missing values must be imputed before scaling and encoding")


@pytest.mark.clause("C7", probes="a category unseen in training raises", topic="preprocessing")
@pytest.mark.points(2)
def test_unseen_category_is_ignored(learner, reference):
    X_train, X_new = coded_matrix(6), coded_matrix(7, n=5, nan_rate=0.0)
    X_new[0, 1], X_new[2, 3] = 7.0, 9.0  # codes never seen in training
    call = call_repr(f"build_preprocessor({NUMERIC}, {CATEGORICAL}).fit(X_train).transform", X_new)
    pre = learner.build_preprocessor(NUMERIC, CATEGORICAL)
    pre.fit(X_train)
    try:
        got = pre.transform(X_new)
    except ValueError as exc:
        raise AssertionError(f"called {call}; raised ValueError ({str(exc)[:120]}) - a category never seen in "
                             f"training must be encoded as all zeros, not raise") from None
    expected = reference.build_preprocessor(NUMERIC, CATEGORICAL).fit(X_train).transform(X_new)
    assert_allclose(got, expected, call, atol=1e-10, show_expected=False,
                    why="an unseen category gets zeros in all of its column's one-hot outputs")


@pytest.mark.clause("C6", probes="a sparse matrix from the preprocessor (many categories) instead of a dense array",
                    topic="api contract")
def test_preprocessor_output_is_dense(learner):
    X = coded_matrix(8, n=200, n_categories=(15, 20), nan_rate=0.0)
    call = call_repr(f"build_preprocessor({NUMERIC}, {CATEGORICAL}).fit_transform", X) + " with 35 categories"
    out = learner.build_preprocessor(NUMERIC, CATEGORICAL).fit_transform(X)
    if not isinstance(out, np.ndarray):
        raise AssertionError(f"called {call}; got a {type(out).__name__}, expected a dense numpy array - "
                             f"one-hot output is sparse by default (OneHotEncoder(sparse_output=False))")
    assert out.shape == (200, 2 + 15 + 20), f"called {call}; got shape {out.shape}, expected (200, 37)"


# ------------------------------------------------------------------ train_test_score

@pytest.mark.clause("C8", "C9", "C10", probes="another split or model; NaN or a test-only city crashes",
                    topic="validation and leakage")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", [0, 3])
def test_score_matches_reference(learner, reference, seed):
    df = with_unseen_city(make_df(seed), seed)
    call = f"train_test_score(df with {len(df['label'])} rows, 'label', seed={seed})"
    try:
        score, _ = learner.train_test_score(df, "label", seed)
    except ValueError as exc:
        raise AssertionError(f"called {call}; raised ValueError ({str(exc)[:120]}) - the data has NaN in numeric "
                             f"columns and a city seen only in the test rows") from None
    expected, _ = reference.train_test_score(df, "label", seed)
    n_test = len(split(df, seed)[1])
    assert_allclose(np.float64(score), np.float64(expected), call + " score", atol=1.5 / n_test,
                    show_expected=False, why="the test accuracy of the documented pipeline and split")


@pytest.mark.clause("C8", "C9", probes="scaler fitted on all rows, or on another split", topic="validation and leakage")
@pytest.mark.points(3)
def test_scaler_is_fitted_on_training_rows_only(learner):
    seed = 2
    df = make_df(seed)
    call = f"train_test_score(df, 'label', seed={seed})"
    _, model = learner.train_test_score(df, "label", seed)
    _, scaler = fitted_scaler(model, call)
    train, _ = split(df, seed)
    columns = []
    for name in ("age", "income"):
        values = df[name][train]
        columns.append(np.where(np.isnan(values), np.nanmedian(values), values))
    expected = np.column_stack(columns).mean(axis=0)
    assert_allclose(np.asarray(scaler["fitted"]["mean_"], dtype=float), expected, call + " fitted scaler mean_",
                    rtol=1e-9, show_expected=False,
                    why="the scaler must be fitted on the median-imputed training rows of "
                        "train_test_split(..., test_size=0.25, random_state=seed, stratify=y) only")


@pytest.mark.clause("C9", probes="scaler or imputer statistics that see the test rows", topic="validation and leakage")
@pytest.mark.points(3)
def test_shifting_test_rows_does_not_change_fitted_statistics(learner):
    seed = 4
    df = make_df(seed)
    _, test = split(df, seed)
    shifted = {k: v.copy() for k, v in df.items()}
    for name in ("age", "income"):
        shifted[name][test] += 1000.0
    call = f"train_test_score(df, 'label', seed={seed})"
    _, model = learner.train_test_score(df, "label", seed)
    _, model_shifted = learner.train_test_score(shifted, "label", seed)
    spec, scaler = fitted_scaler(model, call)
    spec2, scaler2 = fitted_scaler(model_shifted, call + " with the test rows shifted by +1000")
    why = ("changing only the test rows changed a fitted statistic: the preprocessing saw the test rows "
           "(fit it inside the pipeline, on the training split only)")
    for key in ("mean_", "scale_"):
        assert_allclose(np.asarray(scaler2["fitted"][key], dtype=float), np.asarray(scaler["fitted"][key], dtype=float),
                        call + f" with the test rows shifted by +1000: scaler {key}", rtol=1e-12, why=why)
    imputers = [i for i in find_estimators(spec, "SimpleImputer", fitted=True) if i["params"]["strategy"] == "median"]
    imputers2 = [i for i in find_estimators(spec2, "SimpleImputer", fitted=True) if i["params"]["strategy"] == "median"]
    for a, b in zip(imputers, imputers2):
        assert_allclose(np.asarray(b["fitted"]["statistics_"], dtype=float), np.asarray(a["fitted"]["statistics_"], dtype=float),
                        call + " with the test rows shifted by +1000: imputer statistics_", rtol=1e-12, why=why)


@pytest.mark.points(2)
@pytest.mark.clause("C9", probes="one-hot categories fitted on all rows (train + test)", topic="validation and leakage")
def test_categories_are_fitted_on_training_rows_only(learner):
    seed = 5
    df = with_unseen_city(make_df(seed), seed)  # 'west' appears in test rows only
    call = f"train_test_score(df, 'label', seed={seed}) with a city that appears only in the test rows"
    _, model = learner.train_test_score(df, "label", seed)
    spec = estimator_spec(model)
    classifiers = find_estimators(spec, "LogisticRegression", fitted=True)
    if len(classifiers) != 1:
        raise AssertionError(f"called {call}; the returned model holds {len(classifiers)} fitted "
                             f"LogisticRegression(s), expected exactly one")
    width = classifiers[0]["fitted"].get("n_features_in_")
    train, _ = split(df, seed)
    expected = 2 + len(np.unique(df["city"][train]))
    if width != expected:
        raise AssertionError(f"called {call}; the classifier was fitted on {width} features, expected 2 numeric "
                             f"outputs plus one per city seen in the training rows - the one-hot categories "
                             f"must be learned from the training rows only, like every other statistic")


@pytest.mark.clause("C10", probes="a score that is not a float, or a model that is not the documented Pipeline",
                    topic="api contract")
def test_returns_accuracy_and_fitted_pipeline(learner):
    seed = 1
    df = make_df(seed)
    call = f"train_test_score(df, 'label', seed={seed})"
    result = learner.train_test_score(df, "label", seed)
    if not (isinstance(result, tuple) and len(result) == 2):
        raise AssertionError(f"called {call}; got {type(result).__name__}, expected a tuple (accuracy, pipeline)")
    score, model = result
    if not isinstance(score, float) or not 0.0 <= score <= 1.0:
        raise AssertionError(f"called {call}; got accuracy {score!r} ({type(score).__name__}), expected a float "
                             f"in [0, 1] (the fraction of test rows predicted right)")
    spec = assert_estimator_class(estimator_spec(model), "Pipeline", call + " model")
    steps = [step for _, step in pipeline_steps(spec)]
    if len(steps) != 2 or not is_spec(steps[0]) or steps[0]["class_name"] != "ColumnTransformer":
        raise AssertionError(f"called {call}; the Pipeline's steps are {[s.get('class_name', s) if is_spec(s) else s for s in steps]}, "
                             f"expected [ColumnTransformer, LogisticRegression]")
    assert_estimator_class(steps[1], "LogisticRegression", call + " last step")
    if steps[1]["params"].get("max_iter") != 1000:
        raise AssertionError(f"called {call}; the LogisticRegression has max_iter={steps[1]['params'].get('max_iter')!r}, "
                             f"expected LogisticRegression(max_iter=1000)")


@pytest.mark.points(2)
@pytest.mark.clause("C11", probes="int or bool columns one-hot encoded, or features reordered (sorted names)",
                    topic="preprocessing")
def test_int_and_bool_columns_are_numeric_in_key_order(learner):
    seed = 6
    base = make_df(seed)
    rng = np.random.default_rng(seed)
    n = len(base["label"])
    df = {"income": base["income"], "city": base["city"], "children": rng.integers(0, 4, n),
          "age": base["age"], "owner": rng.random(n) < 0.4, "label": base["label"]}
    call = f"train_test_score(df with keys {list(df)}, 'label', seed={seed})"
    _, model = learner.train_test_score(df, "label", seed)
    _, scaler = fitted_scaler(model, call)
    train, _ = split(df, seed)
    columns = []
    for name in ("income", "children", "age", "owner"):
        values = df[name][train].astype(float)
        columns.append(np.where(np.isnan(values), np.nanmedian(values), values))
    means = np.asarray(scaler["fitted"]["mean_"], dtype=float)
    if means.shape != (4,):
        raise AssertionError(f"called {call}; the fitted scaler saw {means.size} column(s), expected the 4 numeric "
                             f"ones - float, int and bool columns are all numeric (scaled, not one-hot encoded)")
    assert_allclose(means, np.column_stack(columns).mean(axis=0),
                    call + " fitted scaler mean_", rtol=1e-9, show_expected=False,
                    why="float, int and bool columns are all numeric (scaled, not one-hot encoded), taken in the "
                        "order of df's keys")
