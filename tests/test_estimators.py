"""Unit tests for graders.estimators (proposed location: tests/test_estimators.py)."""
import inspect
import json

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from graders.estimators import (assert_contains, assert_estimator_class, column_transformers, describe_live_estimator,
                                estimator_spec, find_estimators, pipeline_steps)


def preprocessor():
    return ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]), [0]),
        ("cat", OneHotEncoder(handle_unknown="ignore", sparse_output=False), [1]),
    ])


def test_spec_is_json_and_nested():
    spec = describe_live_estimator(preprocessor())
    assert json.loads(json.dumps(spec)) == json.loads(json.dumps(spec))
    assert spec["class"] == "sklearn.compose._column_transformer.ColumnTransformer"
    assert spec["is_fitted"] is False and spec["fitted"] is None
    (name, branch, cols), (_, onehot, _) = column_transformers(spec)
    assert (name, cols) == ("num", [0])
    assert [s[1]["class_name"] for s in pipeline_steps(branch)] == ["SimpleImputer", "StandardScaler"]
    assert onehot["params"]["dtype"] == "numpy.float64"
    assert_contains(spec, "OneHotEncoder", "pre", handle_unknown="ignore")
    with pytest.raises(AssertionError, match="expected OneHotEncoder"):
        assert_contains(spec, "OneHotEncoder", "pre", handle_unknown="error")


def test_fitted_attributes_and_fitted_clones():
    X = np.array([[1.0, 0.0], [np.nan, 1.0], [3.0, 1.0]])
    spec = estimator_spec(preprocessor().fit(X))
    assert spec["is_fitted"] is True
    scalers = find_estimators(spec, "StandardScaler", fitted=True)
    assert len(scalers) == 1 and scalers[0]["fitted"]["mean_"] == [2.0]
    assert len(find_estimators(spec, "StandardScaler", fitted=False)) == 1  # the unfitted template


def test_search_with_splitter_and_results():
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    search = GridSearchCV(Pipeline([("s", StandardScaler()), ("c", LogisticRegression())]), {"c__C": [0.1, 1.0]},
                          cv=StratifiedKFold(3, shuffle=True, random_state=4)).fit(X, y)
    spec = estimator_spec(search)
    json.dumps(spec)
    assert_estimator_class(spec, "GridSearchCV", "search")
    assert spec["params"]["cv"]["class_name"] == "StratifiedKFold"
    assert spec["params"]["cv"]["params"] == {"n_splits": 3, "shuffle": True, "random_state": 4}
    assert spec["fitted"]["best_params_"] in ({"c__C": 0.1}, {"c__C": 1.0})
    assert spec["fitted"]["best_estimator_"]["is_fitted"] is True


class FakeHandle:
    """A secure-mode handle stand-in: behaves like ``live``, describes itself as ``described``."""

    def __init__(self, live, described=None):
        self._live, self._described = live, live if described is None else described

    def _grader_describe(self):
        return json.loads(json.dumps(describe_live_estimator(self._described)))

    def __getattr__(self, name):
        return _wrap(getattr(self._live, name))


def _wrap(value):
    if hasattr(value, "get_params") or hasattr(value, "split") or inspect.isgenerator(value):
        return FakeHandle(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_wrap(v) for v in value)
    if callable(value):
        return lambda *args: _wrap(value(*args))
    return value


def search():
    return GridSearchCV(Pipeline([("s", StandardScaler()), ("c", LogisticRegression())]), {"c__C": [0.1, 1.0]},
                        cv=StratifiedKFold(3, shuffle=True, random_state=0))


def test_an_honest_handle_is_believed_after_checks():
    X = np.random.default_rng(0).normal(size=(40, 3))
    spec = estimator_spec(FakeHandle(search()))
    assert spec["params"]["cv"]["class_name"] == "StratifiedKFold"
    fitted = estimator_spec(FakeHandle(preprocessor().fit(np.column_stack([X[:, 0], X[:, 1] > 0]))))
    assert len(find_estimators(fitted, "StandardScaler", fitted=True)) == 1


@pytest.mark.parametrize("lie", ["not_sklearn", "other_estimator", "other_cv", "other_statistics"])
def test_a_lying_description_is_refused(lie):
    X = np.random.default_rng(0).normal(size=(40, 2))
    live, described = {
        "not_sklearn": (StandardScaler(), type("StandardScaler", (StandardScaler,), {"__module__": "x"})()),
        "other_estimator": (GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=3), search()),
        "other_cv": (GridSearchCV(search().estimator, {"c__C": [0.1, 1.0]}, cv=StratifiedKFold(3)), search()),
        "other_statistics": (StandardScaler().fit(X), StandardScaler().fit(X + 1.0)),
    }[lie]
    with pytest.raises(AssertionError):
        estimator_spec(FakeHandle(live, described))


def test_non_estimator_is_rejected():
    with pytest.raises(TypeError):
        describe_live_estimator(object())
