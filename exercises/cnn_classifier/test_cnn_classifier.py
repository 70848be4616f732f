"""Visible tests for cnn_classifier: `python grade.py check cnn_classifier`."""
import numpy as np

from graders.asserts import assert_equal, call_repr
from graders.models import assert_compiled, assert_output_shape, model_spec


def test_param_counts_small_example(learner):
    # Conv2D(2, 3) on 5x5x1: 2 kernels of 3*3*1 weights + 2 biases = 20;
    # its output is 3x3x2 = 18 values, so Dense(4) has 18*4 weights + 4 biases = 76.
    got = learner.param_counts((5, 5, 1), 2, 3, 4)
    assert_equal(np.array(got), [20, 76], call_repr("param_counts", (5, 5, 1), 2, 3, 4))


def test_build_cnn_output_shape_and_compiled(learner):
    call = "build_cnn((8, 8, 1), 10)"
    spec = model_spec(learner.build_cnn((8, 8, 1), 10))
    assert_output_shape(spec, (None, 10), call)
    assert_compiled(spec, call)


def test_train_cnn_returns_a_history_dict(learner):
    rng = np.random.default_rng(0)
    X = rng.random((32, 8, 8, 1)).astype(np.float32)
    y = rng.integers(0, 3, 32)
    model = learner.build_cnn((8, 8, 1), 3)
    history = learner.train_cnn(model, X, y, epochs=2, seed=0)
    call = "train_cnn(model, X of shape (32, 8, 8, 1), y, epochs=2, seed=0)"
    assert isinstance(history, dict) and "loss" in history, f"called {call}; expected a dict with a 'loss' key, got {history!r:.80}"
    assert len(history["loss"]) == 2, f"called {call}; history['loss'] has {len(history['loss'])} values, expected one per epoch (2)"
