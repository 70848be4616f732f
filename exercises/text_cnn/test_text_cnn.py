"""Visible tests for text_cnn: `python grade.py check text_cnn`."""
import numpy as np
import pytest

from graders.asserts import assert_equal, assert_shape
from graders.models import assert_layer_sequence, assert_output_shape, model_spec


@pytest.fixture
def seeded():
    import random

    import keras

    random.seed(0)
    np.random.seed(0)
    keras.utils.set_random_seed(0)


def vectorize(vectorizer, texts):
    """Call the vectorizer on an array of strings and return a numpy int array."""
    out = vectorizer(np.asarray(texts, dtype=str))
    return np.asarray(out.numpy() if hasattr(out, "numpy") else out)


def test_vectorizer_pads_and_truncates(learner):
    vec = learner.build_vectorizer(["the cat sat", "the dog ran far away"], 20, 4)
    out = vectorize(vec, ["the cat", "the dog ran far away"])
    call = "build_vectorizer(texts, 20, 4) called on ['the cat', 'the dog ran far away']"
    out = assert_shape(out, (2, 4), call)
    assert_equal(out[0, 2:], [0, 0], call + ", padding of the short sentence")
    assert out[0, 0] == out[1, 0] and out[0, 0] >= 2, f"{call}; 'the' should get one real id (>= 2), got {out[:, 0]}"


def test_text_cnn_layers_and_output(learner, seeded):
    call = "build_text_cnn(1000, 20, 16, 2)"
    spec = model_spec(learner.build_text_cnn(1000, 20, 16, 2))
    assert_layer_sequence(spec, ["Embedding", "Conv1D", "GlobalMaxPooling1D", "Dense"], call)
    assert_output_shape(spec, (None, 2), call)
