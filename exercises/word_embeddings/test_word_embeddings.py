"""Visible tests for word_embeddings: `python grade.py check word_embeddings`."""
import numpy as np

from graders.asserts import assert_allclose, assert_equal, assert_scalar_close, call_repr

VOCAB = ["man", "woman", "king", "queen", "apple", "pear"]
#               royal female fruit person
E = np.array([[0.0, 0.0, 0.0, 1.0],   # man
              [0.0, 1.0, 0.0, 1.0],   # woman
              [1.0, 0.0, 0.0, 1.0],   # king
              [1.0, 1.0, 0.0, 1.0],   # queen
              [0.0, 0.0, 1.0, 0.0],   # apple
              [0.0, 0.1, 1.0, 0.0]])  # pear


def sorted_rows(pairs):
    pairs = np.asarray(pairs).reshape(-1, 2)
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]


def test_skipgram_pairs_small_example(learner):
    tokens = [5, 6, 7]
    got = learner.skipgram_pairs(tokens, 1)
    assert_equal(sorted_rows(got), [[5, 6], [6, 5], [6, 7], [7, 6]], call_repr("skipgram_pairs", tokens, 1))


def test_skipgram_pairs_window_two(learner):
    tokens = [1, 2, 3, 4]
    got = learner.skipgram_pairs(tokens, 2)
    expected = [[1, 2], [1, 3], [2, 1], [2, 3], [2, 4], [3, 1], [3, 2], [3, 4], [4, 2], [4, 3]]
    assert_equal(sorted_rows(got), expected, call_repr("skipgram_pairs", tokens, 2))


def test_cosine_similarity_of_two_vectors(learner):
    a, b = np.array([1.0, 2.0, 2.0]), np.array([2.0, 0.0, 0.0])
    assert_scalar_close(learner.cosine_similarity(a, b), 1 / 3, call_repr("cosine_similarity", a, b), rtol=1e-9)


def test_cosine_similarity_rows_against_rows_shape(learner):
    a, b = np.ones((3, 4)), np.ones((5, 4))
    assert_allclose(learner.cosine_similarity(a, b), np.ones((3, 5)), call_repr("cosine_similarity", a, b), rtol=1e-9)


def test_most_similar_small_example(learner):
    got = learner.most_similar(E, VOCAB, "apple", 1)
    call = call_repr("most_similar", E, VOCAB, "apple", 1)
    assert len(got) == 1 and got[0][0] == "pear", f"called {call}; got {got}, expected [('pear', ...)]"


def test_analogy_small_example(learner):
    got = learner.analogy(E, VOCAB, "man", "king", "woman")
    assert got == "queen", f"called analogy(E, vocab, 'man', 'king', 'woman'); got {got!r}, expected 'queen'"


def test_negative_sampling_loss_at_zero(learner):
    v_c, u_o, u_neg = np.zeros(3), np.ones(3), np.ones((2, 3))
    loss, g_v, g_o, g_neg = learner.negative_sampling_loss_and_grads(v_c, u_o, u_neg)
    call = call_repr("negative_sampling_loss_and_grads", v_c, u_o, u_neg)
    assert_scalar_close(loss, 3 * np.log(2.0), call + " loss", rtol=1e-9)
    assert_allclose(g_v, [0.5, 0.5, 0.5], call + " grad_v_c", rtol=1e-9)   # (0.5 - 1) * 1 + 2 * 0.5 * 1
    assert_allclose(g_o, np.zeros(3), call + " grad_u_o", atol=1e-12)
    assert_allclose(g_neg, np.zeros((2, 3)), call + " grad_u_neg", atol=1e-12)
