"""Hidden tests for word_embeddings (numpy only; budget 8 s).

Wrong answers this suite is built to catch (one line each):
- skip-gram pairs that include the centre word itself (j == i)
- window edges off by one: range(i - window, i + window) misses the right-most context, or
  range(i - window + 1, ...) the left-most one
- negative start positions not clamped: tokens[i - window] wraps around to the end of the list
- repeated words dropped: filtering tokens[j] != tokens[i] instead of positions j != i
- window < 1 accepted silently
- cosine similarity without normalisation (a plain dot product), or normalising one side only
- cosine similarity that returns nan for a zero vector
- most_similar that returns the query word itself, ranks by dot product, or sorts ascending
- analogy that does not exclude the query words a, b, c (it then usually returns b or c)
- analogy on raw rows instead of unit-length rows (long vectors dominate q = b - a + c)
- negative-sampling gradients with the wrong sign (sigmoid(x) instead of sigmoid(x) - 1 for the
  positive pair, or minus the negatives' term), or the negatives' term missing from grad_v_c
- log(sigmoid(x)) computed as log(1 / (1 + exp(-x))): inf/nan at dot products of +-1000
- contract (issue 10): no pair returned with shape (0,) instead of (0, 2); a cosine of two vectors
  returned as shape (1,); most_similar ties broken by the higher index
"""
import numpy as np
import pytest

from graders.asserts import (assert_allclose, assert_equal, assert_finite, assert_scalar_close,
                             call_repr, centred_difference, expect_raises, rel_error)


def sorted_rows(pairs):
    pairs = np.asarray(pairs).reshape(-1, 2)
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]


def random_embeddings(seed, v=12, d=6, spread=1.0):
    """Rows with very different lengths (lognormal scale), so dot product and cosine rank differently."""
    rng = np.random.default_rng(seed)
    E = rng.normal(size=(v, d)) * np.exp(rng.normal(0.0, spread, size=(v, 1)))
    vocab = [f"w{i}" for i in range(v)]
    return E, vocab


# ----------------------------------------------------------------------------- skip-gram pairs

@pytest.mark.clause("C1", "C2", probes="contexts outside the window, a missing edge, the centre paired with itself, or a wrapped negative index",
                    topic="embeddings")
@pytest.mark.points(2)
@pytest.mark.parametrize("n,window", [(1, 1), (2, 1), (5, 1), (6, 2), (7, 3), (4, 5), (9, 4)])
def test_skipgram_pairs_vs_reference(learner, reference, n, window):
    tokens = list(np.random.default_rng(n * 10 + window).permutation(100)[:n] + 1)  # distinct ids
    call = call_repr("skipgram_pairs", np.array(tokens), window)
    got = np.asarray(learner.skipgram_pairs(tokens, window))
    expected = reference.skipgram_pairs(tokens, window)
    assert got.ndim == 2 and got.shape[1:] == (2,) or got.size == 0, (
        f"called {call}; got shape {got.shape}, expected (n_pairs, 2)")
    got = got.reshape(-1, 2)
    assert not np.any(got[:, 0] == got[:, 1]), (
        f"called {call} with distinct tokens; a pair has the same centre and context - "
        f"the centre word is not its own context")
    assert len(got) == len(expected), (
        f"called {call}; got {len(got)} pairs, expected {len(expected)} - check the window edges "
        f"(distance 1..window on each side, clipped to the sequence)")
    assert_equal(sorted_rows(got), sorted_rows(expected), call, show_expected=False,
                 why="a context outside the window, or a negative index wrapping around to the end")


@pytest.mark.clause("C1", probes="repeated words dropped: values compared instead of positions", topic="embeddings")
def test_skipgram_pairs_keep_repeated_words(learner):
    tokens = [7, 7, 7, 8]
    call = call_repr("skipgram_pairs", np.array(tokens), 1)
    got = sorted_rows(learner.skipgram_pairs(tokens, 1))
    assert_equal(got, [[7, 7], [7, 7], [7, 7], [7, 7], [7, 8], [8, 7]], call,
                 why="positions decide what is the centre, not values: a word repeated next to itself is a real pair")


@pytest.mark.clause("C3", probes="a window below 1 accepted instead of raising ValueError", topic="input validation")
def test_skipgram_pairs_reject_window_zero(learner):
    with expect_raises(ValueError, "skipgram_pairs([1, 2, 3], 0)", "the window must be >= 1"):
        learner.skipgram_pairs([1, 2, 3], 0)


@pytest.mark.clause("C1", probes="a pair invented for a one-token sequence", topic="embeddings")
def test_skipgram_pairs_empty_for_one_token(learner):
    got = np.asarray(learner.skipgram_pairs([3], 2))
    assert got.size == 0, f"called skipgram_pairs([3], 2); got {got.tolist()}, expected no pair"


# ----------------------------------------------------------------------------- cosine similarity

@pytest.mark.clause("C4", probes="cosine similarity of rows against rows without dividing by both norms",
                    topic="embeddings")
@pytest.mark.points(2)
@pytest.mark.parametrize("n,m,d", [(1, 1, 3), (4, 5, 6), (7, 2, 16)])
def test_cosine_rows_vs_reference(learner, reference, n, m, d):
    rng = np.random.default_rng(n + m + d)
    a = rng.normal(size=(n, d)) * rng.uniform(0.1, 10, size=(n, 1))
    b = rng.normal(size=(m, d)) * rng.uniform(0.1, 10, size=(m, 1))
    assert_allclose(learner.cosine_similarity(a, b), reference.cosine_similarity(a, b),
                    call_repr("cosine_similarity", a, b), rtol=1e-7, atol=1e-10, show_expected=False,
                    why="cosine divides the dot product by both vectors' lengths")


@pytest.mark.clause("C4", probes="a plain dot product, or one side normalised", topic="embeddings")
def test_cosine_is_scale_invariant(learner):
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=5), rng.normal(size=5)
    call = call_repr("cosine_similarity", 7.5 * a, b)
    expected = float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))
    assert_scalar_close(learner.cosine_similarity(7.5 * a, 0.2 * b), expected, call, rtol=1e-9,
                        why="scaling a vector must not change the cosine: normalise both vectors")


@pytest.mark.clause("C4", probes="the shape of a vector against rows, or rows against a vector",
                    topic="shapes and broadcasting")
def test_cosine_vector_against_rows(learner, reference):
    rng = np.random.default_rng(4)
    E, v = rng.normal(size=(6, 3)), rng.normal(size=3)
    assert_allclose(learner.cosine_similarity(E, v), reference.cosine_similarity(E, v),
                    call_repr("cosine_similarity", E, v), rtol=1e-9, show_expected=False)
    assert_allclose(learner.cosine_similarity(v, E), reference.cosine_similarity(v, E),
                    call_repr("cosine_similarity", v, E), rtol=1e-9, show_expected=False)


@pytest.mark.clause("C5", probes="nan (0/0) for a zero vector instead of the documented convention",
                    topic="numerical stability")
def test_cosine_zero_vector_is_zero(learner):
    a, b = np.zeros(4), np.array([1.0, 2.0, 3.0, 4.0])
    assert_scalar_close(learner.cosine_similarity(a, b), 0.0, call_repr("cosine_similarity", a, b), atol=1e-12,
                        why="0/0 for a zero vector: the documented convention is similarity 0.0")


@pytest.mark.clause("C4", probes="the sign of the cosine for opposite vectors", topic="embeddings")
def test_cosine_opposite_vectors(learner):
    a = np.array([3.0, -1.0, 2.0])
    assert_scalar_close(learner.cosine_similarity(a, -2 * a), -1.0, call_repr("cosine_similarity", a, -2 * a),
                        rtol=1e-9)


# ----------------------------------------------------------------------------- most similar, analogy

@pytest.mark.clause("C6", probes="ranking by dot product, ascending, or the query word among its neighbours",
                    topic="embeddings")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", range(4))
def test_most_similar_vs_reference(learner, reference, seed):
    E, vocab = random_embeddings(seed)
    word, k = vocab[seed], 4
    call = call_repr("most_similar", E, vocab, word, k)
    got = learner.most_similar(E, vocab, word, k)
    expected = reference.most_similar(E, vocab, word, k)
    words = [item[0] for item in got]
    assert word not in words, f"called {call}; the query word {word!r} is in its own neighbours"
    assert words == [w for w, _ in expected], (
        f"called {call}; got words {words} - rank by cosine similarity (not dot product), highest first")
    assert_allclose(np.array([float(item[1]) for item in got]), np.array([s for _, s in expected]),
                    call + " similarities", rtol=1e-7, atol=1e-10, show_expected=False)


@pytest.mark.clause("C8", probes="an unknown word not raising KeyError", topic="input validation")
def test_most_similar_unknown_word_raises(learner):
    E, vocab = random_embeddings(0)
    with expect_raises(KeyError, f"most_similar(E of shape {E.shape}, vocab, 'nope', 2)",
                       "'nope' is not in vocab"):
        learner.most_similar(E, vocab, "nope", 2)


@pytest.mark.clause("C9", probes="analogy (3CosAdd) not the best match for b - a + c on random embeddings",
                    topic="embeddings")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", range(6))
def test_analogy_vs_reference(learner, reference, seed):
    E, vocab = random_embeddings(100 + seed, v=14, d=8, spread=0.8)
    a, b, c = vocab[0], vocab[1], vocab[2]
    got = learner.analogy(E, vocab, a, b, c)
    call = call_repr("analogy", E, vocab, a, b, c)
    assert got not in (a, b, c), (f"called {call}; got {got!r}, one of the query words - "
                                  f"a, b and c must be excluded from the answer")
    assert got == reference.analogy(E, vocab, a, b, c), (
        f"called {call}; got {got!r}, which is not the best match for b - a + c built from unit-length rows")


@pytest.mark.clause("C9", probes="a, b or c returned as the answer", topic="embeddings")
def test_analogy_excludes_query_words(learner):
    # q = e_b - e_a + e_c lies closest to c ('paris'); 'rome' is the best word that is not a, b or c.
    vocab = ["france", "paris", "italy", "rome", "banana"]
    E = np.array([[1.0, 0.0, 0.0, 0.0],
                  [1.0, 0.3, 0.0, 0.0],
                  [0.0, 0.0, 1.0, 0.0],
                  [0.0, 0.9, 1.0, 0.6],
                  [0.0, 0.0, 0.0, 1.0]])
    got = learner.analogy(E, vocab, "france", "paris", "italy")
    assert got == "rome", (f"called analogy(E, vocab, 'france', 'paris', 'italy'); got {got!r}, expected 'rome' "
                           f"- the query words themselves may not be the answer")


@pytest.mark.clause("C9", probes="b - a + c built from raw rows instead of unit-length rows", topic="embeddings")
def test_analogy_uses_unit_rows(learner):
    # 'long' has a huge norm: on raw rows it dominates q; on unit rows 'target' wins.
    vocab = ["a", "b", "c", "target", "long"]
    E = np.array([[1.0, 0.0, 0.0],
                  [0.0, 1.0, 0.0],
                  [10.0, 0.0, 1.0],
                  [-0.5, 1.0, 1.0],
                  [40.0, 0.2, 0.0]])
    got = learner.analogy(E, vocab, "a", "b", "c")
    assert got == "target", (f"called analogy(E, vocab, 'a', 'b', 'c') with rows of very different lengths; "
                             f"got {got!r} - scale every row to unit length before forming b - a + c")


# ----------------------------------------------------------------------------- negative sampling

def ns_inputs(seed, d, k, scale=1.0):
    rng = np.random.default_rng(seed)
    return rng.normal(0, scale, d), rng.normal(0, scale, d), rng.normal(0, scale, (k, d))


@pytest.mark.clause("C10", probes="a gradient sign, or the negatives' term missing from grad_v_c",
                    topic="gradients and backpropagation")
@pytest.mark.points(3)
@pytest.mark.parametrize("d,k", [(3, 1), (5, 4), (8, 6)])
def test_negative_sampling_grads_vs_centred_difference(learner, reference, d, k):
    v_c, u_o, u_neg = ns_inputs(d * 7 + k, d, k)
    call = call_repr("negative_sampling_loss_and_grads", v_c, u_o, u_neg)
    loss, g_v, g_o, g_neg = learner.negative_sampling_loss_and_grads(v_c, u_o, u_neg)
    assert_scalar_close(loss, reference.negative_sampling_loss_and_grads(v_c, u_o, u_neg)[0], call + " loss",
                        rtol=1e-9, show_expected=False,
                        why="loss = -log sigmoid(u_o . v_c) - sum_k log sigmoid(-u_k . v_c)")

    def f_loss(**kw):
        args = {"v_c": v_c, "u_o": u_o, "u_neg": u_neg} | kw
        return reference.negative_sampling_loss_and_grads(**args)[0]

    for name, got, x, key in [("grad_v_c", g_v, v_c, "v_c"), ("grad_u_o", g_o, u_o, "u_o"),
                              ("grad_u_neg", g_neg, u_neg, "u_neg")]:
        numeric = centred_difference(lambda z, key=key: f_loss(**{key: z}), x)
        got = assert_allclose(got, numeric, call + " " + name, rtol=1e-4, atol=1e-6, show_expected=False,
                              why="compare with a finite difference: check the sign of each sigmoid term")
        assert rel_error(got, numeric) < 1e-6, (
            f"called {call}; {name} differs from the centred difference (relative error "
            f"{rel_error(got, numeric):.2e} > 1e-6)")


@pytest.mark.clause("C11", probes="log(sigmoid(x)) overflowing at dot products of +-1000", topic="numerical stability")
def test_negative_sampling_stable_at_large_dot_products(learner):
    v_c = np.array([10.0, 0.0])
    u_o = np.array([-100.0, 0.0])                # u_o . v_c = -1000: the true context looks very wrong
    u_neg = np.array([[100.0, 0.0], [-100.0, 0.0]])   # +1000 (a very bad negative) and -1000
    call = call_repr("negative_sampling_loss_and_grads", v_c, u_o, u_neg)
    loss, g_v, g_o, g_neg = learner.negative_sampling_loss_and_grads(v_c, u_o, u_neg)
    why = "exp(1000) overflows: compute log(sigmoid(x)) as -logaddexp(0, -x)"
    assert_scalar_close(loss, 2000.0, call + " loss", rtol=1e-9, why=why)
    assert_allclose(g_v, [200.0, 0.0], call + " grad_v_c", rtol=1e-9, atol=1e-9, why=why)
    assert_allclose(g_o, [-10.0, 0.0], call + " grad_u_o", rtol=1e-9, atol=1e-9, why=why)
    assert_allclose(g_neg, [[10.0, 0.0], [0.0, 0.0]], call + " grad_u_neg", rtol=1e-9, atol=1e-9, why=why)


@pytest.mark.clause("C10", probes="gradients that point uphill", topic="gradients and backpropagation")
def test_negative_sampling_descent_step_lowers_the_loss(learner):
    v_c, u_o, u_neg = ns_inputs(11, 6, 3)
    loss, g_v, g_o, g_neg = learner.negative_sampling_loss_and_grads(v_c, u_o, u_neg)
    lr = 0.05
    new_loss = learner.negative_sampling_loss_and_grads(v_c - lr * np.asarray(g_v), u_o - lr * np.asarray(g_o),
                                                        u_neg - lr * np.asarray(g_neg))[0]
    assert float(new_loss) < float(loss), (
        f"one gradient-descent step (lr {lr}) raised the loss from {float(loss):.4f} to {float(new_loss):.4f} "
        f"- the gradients point the wrong way")


# ----------------------------------------------------------------------------- contract: shapes, ties

@pytest.mark.clause("C2", probes="pairs not returned as an integer (n_pairs, 2) array, or no pair not shaped (0, 2)",
                    topic="api contract")
def test_skipgram_pairs_int_array_and_empty_shape(learner):
    got = np.asarray(learner.skipgram_pairs([4, 9, 2], 1))
    call = call_repr("skipgram_pairs", np.array([4, 9, 2]), 1)
    assert np.issubdtype(got.dtype, np.integer), (
        f"called {call}; got dtype {got.dtype}, expected an integer array of token ids")
    for tokens in ([3], []):
        got = np.asarray(learner.skipgram_pairs(tokens, 2))
        assert got.shape == (0, 2), (
            f"called {call_repr('skipgram_pairs', np.array(tokens, dtype=np.int64), 2)}; got shape {got.shape}, "
            f"expected (0, 2): no pair is still an (n_pairs, 2) array")


@pytest.mark.clause("C4", "C10", probes="a single number returned as an array of shape (1,)", topic="api contract")
def test_single_numbers_are_scalars(learner):
    a, b = np.array([1.0, 2.0, 2.0]), np.array([2.0, 1.0, 0.0])
    got = learner.cosine_similarity(a, b)
    assert np.ndim(got) == 0, (f"called {call_repr('cosine_similarity', a, b)} with two vectors; got shape "
                               f"{np.shape(got)}, expected a single float")
    v_c, u_o, u_neg = ns_inputs(5, 4, 2)
    loss = learner.negative_sampling_loss_and_grads(v_c, u_o, u_neg)[0]
    assert np.ndim(loss) == 0, (f"called {call_repr('negative_sampling_loss_and_grads', v_c, u_o, u_neg)}; "
                                f"the loss has shape {np.shape(loss)}, expected a single number (shape ())")


@pytest.mark.clause("C7", probes="tied similarities not broken by the lower index first", topic="api contract")
def test_most_similar_ties_lower_index_first(learner):
    # rows 1, 2 and 4 point the same way (similarity 1 with the query); rows 3 and 5 tie too, lower.
    vocab = ["q", "a", "b", "c", "d", "e"]
    E = np.array([[1.0, 0.0], [2.0, 0.0], [0.5, 0.0], [1.0, 1.0], [3.0, 0.0], [2.0, 2.0]])
    call = call_repr("most_similar", E, vocab, "q", 5)
    words = [item[0] for item in learner.most_similar(E, vocab, "q", 5)]
    assert words == ["a", "b", "d", "c", "e"], (
        f"called {call} where several words tie; got {words} - equal similarities keep the lower index first")
