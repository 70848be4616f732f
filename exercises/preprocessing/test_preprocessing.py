"""Visible tests for preprocessing: `python grade.py check preprocessing`."""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_finite, assert_shape, call_repr


@pytest.mark.clause("C1", "C3")
def test_fit_scaler_small_example(learner):
    X = np.array([[1.0, 10.0], [3.0, 10.0]])
    mean, scale = learner.fit_scaler(X)
    assert_allclose(mean, [2.0, 10.0], call_repr("fit_scaler", X) + " mean")
    assert_allclose(scale, [1.0, 1.0], call_repr("fit_scaler", X) + " scale",
                    why="column 0 has population std 1; column 1 is constant, so its scale is 1")


@pytest.mark.clause("C4")
def test_transform_small_example(learner):
    X = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 12.0]])
    out = learner.transform(X, np.array([2.0, 10.0]), np.array([1.0, 1.0]))
    assert_allclose(out, [[-1.0, 0.0], [1.0, 0.0], [3.0, 2.0]], call_repr("transform", X))


@pytest.mark.clause("C5", "C6")
def test_preprocessor_shape_and_no_nan(learner):
    # columns 0 and 2 are numeric, columns 1 and 3 hold category codes; NaN marks a missing value
    X = np.array([[1.0, 0.0, 5.0, 2.0],
                  [np.nan, 1.0, 3.0, 2.0],
                  [3.0, np.nan, 4.0, 0.0],
                  [4.0, 1.0, np.nan, 1.0]])
    call = call_repr("build_preprocessor([0, 2], [1, 3]).fit_transform", X)
    out = learner.build_preprocessor([0, 2], [1, 3]).fit_transform(X)
    assert_shape(out, (4, 2 + 2 + 3), call)  # 2 scaled numeric + 2 categories + 3 categories
    assert_finite(out, call, why="missing values must be imputed")


@pytest.mark.clause("C10")
@pytest.mark.points(2)
def test_train_test_score_runs(learner):
    rng = np.random.default_rng(0)
    n = 80
    x = rng.normal(size=n)
    df = {"colour": rng.choice(np.array(["red", "blue"]), n), "x": x, "label": (x > 0).astype(int)}
    df["x"][:5] = np.nan
    score, model = learner.train_test_score(df, "label", 0)
    assert 0.0 <= float(score) <= 1.0, f"called train_test_score(df, 'label', 0); got score {score!r}, expected an accuracy in [0, 1]"
    assert float(score) >= 0.8, f"called train_test_score(df, 'label', 0); accuracy {score:.2f} on a task where x > 0 decides the label"
