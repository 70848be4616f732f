"""Visible tests for overfitting: `python grade.py check overfitting`."""
import numpy as np
import pytest

from graders.asserts import assert_equal, call_repr
from graders.models import assert_output_shape, callback_spec, model_spec


def test_model_has_l2_losses_and_dropout(learner):
    call = "build_regularized_mlp(10, 3, l2=0.01, dropout=0.5)"
    spec = model_spec(learner.build_regularized_mlp(10, 3, 0.01, 0.5))
    assert_output_shape(spec, (None, 3), call)
    assert spec["losses"], f"called {call}; model.losses is empty - where is the L2 penalty?"
    assert "Dropout" in [layer["class_name"] for layer in spec["layers"]], f"called {call}; no Dropout layer"


@pytest.mark.parametrize("val_losses,patience,expected", [
    ([1.0, 0.8, 0.6, 0.5], 2, (3, 3)),             # always improving: runs every epoch
    ([1.0, 0.5, 0.6, 0.7, 0.8, 0.9], 2, (3, 1)),   # best at epoch 1, two bad epochs, stop after epoch 3
])
def test_early_stopping_small_examples(learner, val_losses, patience, expected):
    got = learner.early_stopping_epoch(val_losses, patience, 0.0)
    assert_equal(np.array(got), np.array(expected), call_repr("early_stopping_epoch", val_losses, patience, 0.0))


def test_make_callbacks_has_early_stopping(learner):
    specs = [callback_spec(cb) for cb in learner.make_callbacks(3)]
    assert "EarlyStopping" in [s["class_name"] for s in specs], "called make_callbacks(3); no EarlyStopping callback"
