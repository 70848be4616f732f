"""Visible tests for transfer_learning: `python grade.py check transfer_learning`."""
import numpy as np

from graders.models import assert_compiled, assert_output_shape, model_spec

BASE_PARAMS = 4800  # conv1: 3*3*1*16 + 16, conv2: 3*3*16*32 + 32


def test_transfer_model_shape_and_frozen_base(learner):
    call = "build_transfer_model(load_base(), 5)"
    spec = model_spec(learner.build_transfer_model(learner.load_base(), 5))
    assert_output_shape(spec, (None, 5), call)
    assert_compiled(spec, call)
    head = spec["n_params"] - BASE_PARAMS  # a Dense(5) on 288 features: 288 * 5 + 5 = 1445
    assert spec["n_trainable"] == head, (f"called {call}; {spec['n_trainable']} trainable parameters, "
                                         f"expected only the head's {head}")


def test_unfreeze_top_one_layer(learner):
    call = "unfreeze_top(build_transfer_model(load_base(), 5), 1, 1e-5)"
    model = learner.unfreeze_top(learner.build_transfer_model(learner.load_base(), 5), 1, 1e-5)
    spec = model_spec(model)
    head = spec["n_params"] - BASE_PARAMS
    conv2 = 3 * 3 * 16 * 32 + 32
    assert spec["n_trainable"] == head + conv2, (f"called {call}; {spec['n_trainable']} trainable parameters, "
                                                 f"expected the head's {head} plus conv2's {conv2}")
    assert np.isclose(spec["learning_rate"], 1e-5), f"called {call}; learning rate {spec['learning_rate']}, expected 1e-05"
