"""Visible tests for sequence_labeling: `python grade.py check sequence_labeling`."""
import numpy as np
import pytest

from graders.asserts import assert_scalar_close, call_repr
from graders.models import assert_output_shape, model_spec


@pytest.fixture
def seeded():
    import random

    import keras

    random.seed(0)
    np.random.seed(0)
    keras.utils.set_random_seed(0)


def one_hot(tags, n):
    return np.eye(n)[np.asarray(tags)]


def test_masked_accuracy_small_example(learner):
    y_true = np.array([[1, 2, 0, 0]])
    y_pred = one_hot([[1, 0, 0, 0]], 3)          # right, wrong, then two padded positions
    mask = np.array([[True, True, False, False]])
    assert_scalar_close(learner.masked_accuracy(y_true, y_pred, mask), 0.5,
                        call_repr("masked_accuracy", y_true, y_pred, mask), rtol=1e-9)


def test_masked_accuracy_integer_mask(learner):
    y_true = np.array([[3, 1, 2], [0, 0, 0]])
    y_pred = one_hot([[3, 1, 1], [0, 0, 0]], 4)
    mask = np.array([[1, 1, 1], [1, 0, 0]])
    assert_scalar_close(learner.masked_accuracy(y_true, y_pred, mask), 0.75,
                        call_repr("masked_accuracy", y_true, y_pred, mask), rtol=1e-9)


def test_tagger_output_shape(learner, seeded):
    call = "build_tagger(50, 5, 12)"
    spec = model_spec(learner.build_tagger(50, 5, 12))
    assert_output_shape(spec, (None, 12, 5), call)
