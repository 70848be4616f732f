"""Visible tests for text_generation: `python grade.py check text_generation`."""
import numpy as np
import pytest

from graders.asserts import assert_allclose, call_repr
from graders.models import model_spec


def test_temperature_one_is_softmax(learner):
    logits = np.array([0.0, np.log(3.0)])
    assert_allclose(learner.token_probs(logits, 1.0), [0.25, 0.75], call_repr("token_probs", logits), atol=1e-12)


def test_temperature_zero_is_greedy(learner):
    logits = np.array([0.1, 2.0, 1.0])
    assert_allclose(learner.token_probs(logits, 0.0), [0.0, 1.0, 0.0],
                    call_repr("token_probs", logits, temperature=0.0))


def test_top_k_and_top_p_small_example(learner):
    logits = np.log([0.5, 0.3, 0.2])
    assert_allclose(learner.token_probs(logits, 1.0, top_k=2), [0.625, 0.375, 0.0],
                    call_repr("token_probs", logits, top_k=2), atol=1e-12)
    # 0.5 < 0.7, so the second token is needed to reach 0.7; it is kept
    assert_allclose(learner.token_probs(logits, 1.0, top_p=0.7), [0.625, 0.375, 0.0],
                    call_repr("token_probs", logits, top_p=0.7), atol=1e-12)


def test_sample_next_batch_shape(learner):
    logits = np.zeros((10, 4))
    tokens = np.asarray(learner.sample_next(logits, 1.0, seed=0))
    assert tokens.shape == (10,) and tokens.min() >= 0 and tokens.max() < 4, (
        f"called {call_repr('sample_next', logits, seed=0)}; got {tokens!r}, expected 10 ids in 0..3")


@pytest.mark.points(2)
def test_generate_greedy_with_a_bigram_model(learner):
    import keras
    # next-character logits depend on the last character only: a -> b -> c -> a
    table = np.full((3, 3), -5.0, np.float32)
    table[0, 1] = table[1, 2] = table[2, 0] = 5.0
    model = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(3, 3)])
    model.set_weights([table])
    spec = model_spec(model)
    packed = {"config": spec["config"], "weights": spec["weights"]}
    got = learner.generate(packed, "ca", 4, "abc", temperature=0.0, seed=0)
    assert got == "cabcab", f"called generate(bigram model, 'ca', 4, 'abc', temperature=0.0); got {got!r}, expected 'cabcab'"
