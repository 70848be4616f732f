"""Visible tests for lstm_forecasting: `python grade.py check lstm_forecasting`."""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_shape, call_repr
from graders.models import assert_input_shape, assert_output_shape, compiled_loss, model_spec


@pytest.fixture
def seeded():
    import random

    import keras

    random.seed(0)
    np.random.seed(0)
    keras.utils.set_random_seed(0)


@pytest.mark.clause("C1", "C2")
def test_make_windows_small_example(learner):
    series = np.arange(5.0)
    call = call_repr("make_windows", series, 3)
    X, y = learner.make_windows(series, 3)
    assert_allclose(X, [[[0.0], [1.0], [2.0]], [[1.0], [2.0], [3.0]]], call + " X")
    assert_allclose(y, [[3.0], [4.0]], call + " y")


@pytest.mark.clause("C1")
def test_make_windows_horizon(learner):
    series = np.arange(6.0)
    call = call_repr("make_windows", series, 2, horizon=3)
    X, y = learner.make_windows(series, 2, horizon=3)
    assert_shape(X, (2, 2, 1), call + " X")
    assert_allclose(y, [[4.0], [5.0]], call + " y")


@pytest.mark.clause("C5")
def test_build_lstm_shapes_and_loss(learner, seeded):
    call = "build_lstm(12, 8)"
    spec = model_spec(learner.build_lstm(12, 8))
    assert_input_shape(spec, (None, 12, 1), call)
    assert_output_shape(spec, (None, 1), call)
    assert compiled_loss(spec) is not None, f"called {call}; the model is not compiled"


@pytest.mark.clause("C9")
def test_forecast_shape(learner, seeded):
    model = learner.build_lstm(4, 3)
    history = np.sin(np.arange(10.0))
    out = learner.forecast(model, history, 5)
    assert_shape(out, (5,), f"forecast(model, history of shape {history.shape}, 5)")
