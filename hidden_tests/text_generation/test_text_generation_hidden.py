"""Hidden tests for text_generation (temperature, top-k, top-p sampling; char-level generation).

Wrong answers this suite is built to catch (one line each):
- temperature 0 (or -> 0) that is not the argmax, divides by zero, or overflows for tiny temperatures
- softmax without subtracting the maximum (nan for logits of size 1e3)
- temperature applied as logits * T instead of logits / T, or ignored, or applied after the top-p cut
- top-k keeping k + 1 tokens, or every token tied with the k-th (more than k), or ties not taken by index
- top-k / top-p masses not renormalised
- top-p excluding the token that crosses p (cumsum <= p), or ties in the sort not taken by index
- top-p applied before top-k (on the unfiltered distribution) instead of after it
- sampling frequencies that do not match the filtered softmax(logits / T) (chi-square bound, p = 1e-6)
- a token with probability 0 ever sampled (off-by-one in the inverse CDF)
- seed not honoured (global RNG), or generate() reseeding every step with the same seed (the same draw each time)
- generate() reading the first position's logits instead of the last, or producing n - 1 / n + 1 characters
- generate() accepting characters that are not in the vocabulary
- contract (issue 10): invalid temperature / top_k / top_p accepted (top_p = 0 included); draws not made with
  np.random.default_rng(seed) (legacy RandomState, global generator); generate() feeding the model only the
  last character (a bigram model cannot tell, a counting model can); an empty start accepted; a list vocab
  refused

Power of the statistical checks (chi-square limits at p = 1e-6, so a correct sampler fails with
probability 1e-6 per check; the reference passes with the fixed seeds used here): sample_next with T = 0.7
ignored gives an expected statistic of about 1400 on 20,000 draws (limit 35.9); generate's 300 characters at
T = 0.5 with T ignored give about 112 (limit 35.9); reseeding every step gives 300 equal characters.
"""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_equal, assert_finite, assert_shape, call_repr, expect_raises
from graders.models import model_spec

P_VALUE = 1e-6


# scipy.stats.chi2.ppf(1 - 1e-6, df), tabulated to keep scipy's import out of the time budget
CHI2_LIMITS = {1: 23.928, 2: 27.631, 3: 30.665, 4: 33.377, 5: 35.888, 6: 38.258, 7: 40.522, 8: 42.701}


def chi2_limit(df):
    return CHI2_LIMITS[df]


def softmax(x):
    e = np.exp(x - np.max(x))
    return e / e.sum()


# ----------------------------------------------------------------------------- token_probs

CONFIGS = [(1.0, None, None), (0.5, None, None), (2.0, None, None), (1.0, 1, None), (0.8, 3, None),
           (1.0, 50, None), (1.0, None, 0.3), (1.5, None, 0.9), (1.0, None, 1.0), (0.7, 4, 0.6)]


@pytest.mark.clause("C1", "C3", "C4", "C5", "C6",
                    probes="temperature, top-k or top-p filtering wrong on random logits, or a 1-D row handled differently",
                    topic="sequence models")
@pytest.mark.points(3)
@pytest.mark.parametrize("temperature, top_k, top_p", CONFIGS)
def test_token_probs_vs_reference(learner, reference, temperature, top_k, top_p):
    rng = np.random.default_rng(7)
    logits = rng.normal(0, 2, (5, 9))
    call = call_repr("token_probs", logits, temperature=temperature, top_k=top_k, top_p=top_p)
    got = assert_allclose(learner.token_probs(logits, temperature, top_k, top_p),
                          reference.token_probs(logits, temperature, top_k, top_p), call, atol=1e-9,
                          show_expected=False)
    assert_allclose(got.sum(axis=1), np.ones(5), call + " summed over tokens", atol=1e-9,
                    why="the kept probabilities must be renormalised to sum to 1")
    one = learner.token_probs(logits[2], temperature, top_k, top_p)
    assert_allclose(one, got[2], call_repr("token_probs", logits[2], temperature=temperature, top_k=top_k,
                                           top_p=top_p), atol=1e-12, why="a 1-D row gives a 1-D result")


@pytest.mark.clause("C2", "C8", probes="temperature 0 not greedy, or not the first of equal maxima",
                    topic="sequence models")
@pytest.mark.points(2)
def test_temperature_zero_is_argmax(learner):
    logits = np.array([[0.5, 2.0, -1.0, 1.9], [3.0, 1.0, 3.0, 0.0]])
    call = call_repr("token_probs", logits, temperature=0.0)
    assert_allclose(learner.token_probs(logits, 0.0), [[0, 1, 0, 0], [1, 0, 0, 0]], call, atol=0,
                    why="temperature 0 is greedy decoding: all mass on the argmax (the first one among equal maxima)")
    for seed in range(3):
        got = np.asarray(learner.sample_next(logits, temperature=0.0, seed=seed))
        assert_equal(got, [1, 0], call_repr("sample_next", logits, temperature=0.0, seed=seed))


@pytest.mark.clause("C3", probes="softmax overflowing for huge logits or tiny temperatures",
                    topic="numerical stability")
@pytest.mark.points(2)
def test_tiny_temperature_and_huge_logits_stay_finite(learner):
    logits = np.array([1000.0, -1000.0, 999.0, 0.0])
    for temperature in (1e-6, 1e-3):
        call = call_repr("token_probs", logits, temperature=temperature)
        got = assert_finite(learner.token_probs(logits, temperature), call,
                            why="logits / T overflows exp(); subtract the maximum before exponentiating")
        assert_allclose(got, [1, 0, 0, 0], call, atol=1e-12, why="as T -> 0 the distribution tends to the argmax")
    call = call_repr("token_probs", logits, temperature=1.0)
    got = assert_finite(learner.token_probs(logits, 1.0), call, why="exp(1000) overflows; subtract the maximum")
    assert_allclose(got, [1 / (1 + np.exp(-1)), 0, np.exp(-1) / (1 + np.exp(-1)), 0], call, atol=1e-12)


@pytest.mark.clause("C4", probes="top-k keeping more or fewer than k tokens, or ties not by index",
                    topic="sequence models")
@pytest.mark.points(2)
def test_top_k_keeps_exactly_k_with_ties_by_index(learner):
    logits = np.array([1.0, 3.0, 3.0, 3.0, 0.0])
    call = call_repr("token_probs", logits, top_k=2)
    assert_allclose(learner.token_probs(logits, 1.0, top_k=2), [0, 0.5, 0.5, 0, 0], call, atol=1e-12,
                    why="top-k keeps exactly k tokens; among equal logits the lower index is kept first")
    logits = np.array([0.0, 2.0, 1.0, -1.0])
    expected = np.zeros(4)
    expected[[1, 2]] = softmax(np.array([2.0, 1.0]) / 0.5)
    call = call_repr("token_probs", logits, temperature=0.5, top_k=2)
    assert_allclose(learner.token_probs(logits, 0.5, top_k=2), expected, call, atol=1e-12,
                    why="keep the k largest, renormalise softmax(logits / T) over them (not k + 1 tokens)")


@pytest.mark.clause("C5", probes="top-p dropping the token that crosses p", topic="sequence models")
@pytest.mark.points(2)
def test_top_p_keeps_the_crossing_token(learner):
    logits = np.log([0.5, 0.3, 0.15, 0.05])
    for top_p, expected in ((0.6, [0.625, 0.375, 0, 0]), (0.9, [0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0]),
                            (0.1, [1, 0, 0, 0]), (1.0, [0.5, 0.3, 0.15, 0.05])):
        call = call_repr("token_probs", logits, top_p=top_p)
        assert_allclose(learner.token_probs(logits, 1.0, top_p=top_p), expected, call, atol=1e-9,
                        why="top-p keeps the smallest set of most likely tokens whose mass reaches p: the token "
                            "that crosses p is included")


@pytest.mark.clause("C5", probes="top-p ties not ranked by index", topic="api contract")
@pytest.mark.points(1)
def test_top_p_ties_by_index(learner):
    logits = np.log([0.3, 0.4, 0.3])
    call = call_repr("token_probs", logits, top_p=0.5)
    assert_allclose(learner.token_probs(logits, 1.0, top_p=0.5), [3 / 7, 4 / 7, 0], call, atol=1e-9,
                    why="equal probabilities are ranked in increasing index order")


@pytest.mark.clause("C6", probes="top-p before top-k, or the temperature after the cut", topic="sequence models")
@pytest.mark.points(2)
def test_filters_apply_in_order(learner):
    logits = np.log([0.4, 0.3, 0.2, 0.1])
    call = call_repr("token_probs", logits, top_k=2, top_p=0.5)
    assert_allclose(learner.token_probs(logits, 1.0, top_k=2, top_p=0.5), [1, 0, 0, 0], call, atol=1e-9,
                    why="top-p runs after top-k, on the renormalised top-k distribution (0.4/0.7 already reaches 0.5)")
    q = np.sqrt([0.4, 0.3, 0.2, 0.1])
    q /= q.sum()
    call = call_repr("token_probs", logits, temperature=2.0, top_p=0.35)
    assert_allclose(learner.token_probs(logits, 2.0, top_p=0.35), [q[0] / (q[0] + q[1]), q[1] / (q[0] + q[1]), 0, 0],
                    call, atol=1e-9, why="the temperature reshapes the distribution before the top-p cut")


# ----------------------------------------------------------------------------- sampling

SAMPLING = [(0.7, None, None), (1.5, 4, None), (1.0, None, 0.8), (0.5, 3, 0.95)]


@pytest.mark.clause("C8", probes="frequencies that do not follow the filtered distribution, or a zero-probability token drawn",
                    topic="randomness and reproducibility")
@pytest.mark.points(4)
@pytest.mark.parametrize("temperature, top_k, top_p", SAMPLING)
def test_sampling_frequencies_match(learner, reference, temperature, top_k, top_p):
    logits = np.array([1.2, -0.3, 0.8, 0.0, -1.5, 0.4])
    draws = 20000
    probs = reference.token_probs(logits, temperature, top_k, top_p)
    call = call_repr("sample_next", np.tile(logits, (draws, 1)), temperature=temperature, top_k=top_k,
                     top_p=top_p, seed=11)
    tokens = assert_shape(learner.sample_next(np.tile(logits, (draws, 1)), temperature, top_k, top_p, seed=11),
                          (draws,), call)
    if tokens.dtype.kind not in "iu":
        raise AssertionError(f"called {call}; got {tokens.dtype} tokens, expected integer token ids")
    counts = np.bincount(tokens, minlength=len(logits))
    assert len(counts) == len(logits), f"called {call}; sampled a token id >= {len(logits)}"
    banned = np.flatnonzero((probs == 0) & (counts > 0))
    assert banned.size == 0, (f"called {call}; token {banned[0]} has probability 0 after filtering but was sampled "
                              f"{counts[banned[0]]} times")
    support = probs > 0
    expected = draws * probs[support]
    statistic = float(np.sum((counts[support] - expected) ** 2 / expected))
    limit = chi2_limit(int(support.sum()) - 1) if support.sum() > 1 else 0.0
    assert statistic <= limit, (
        f"called {call}; the token frequencies do not follow the filtered softmax(logits / T): chi-square "
        f"{statistic:.1f} > {limit:.1f} (p = {P_VALUE:g}) - check the temperature and the inverse-CDF draw")


@pytest.mark.clause("C8", "C9", probes="a seed that does not fix the tokens, or a non-integer result",
                    topic="randomness and reproducibility")
@pytest.mark.points(2)
def test_sample_next_is_seeded_and_returns_ints(learner):
    logits = np.random.default_rng(3).normal(0, 1, (200, 7))
    call = call_repr("sample_next", logits, seed=5)
    a = np.asarray(learner.sample_next(logits, 1.0, seed=5))
    b = np.asarray(learner.sample_next(logits, 1.0, seed=5))
    c = np.asarray(learner.sample_next(logits, 1.0, seed=6))
    assert_equal(b, a, call + " twice", why="the same seed must give the same tokens: use np.random.default_rng(seed)")
    assert np.any(a != c), f"called {call} and with seed=6; the tokens did not change with the seed"
    one = learner.sample_next(logits[0], 1.0, seed=5)
    array = np.asarray(one)
    assert array.shape == () and array.dtype.kind in "iu", (
        f"called {call_repr('sample_next', logits[0], seed=5)}; got {array.dtype} of shape {array.shape}, "
        f"expected one integer token id for 1-D logits")


# ----------------------------------------------------------------------------- generate

VOCAB = "abcdef"


def bigram_model(keras, table):
    """A char-level model whose next-char logits depend on the last char only: Embedding(V, V) = logit table.
    Input (batch, t) int ids -> output (batch, t, V) logits; packed as data for the learner's as_model()."""
    table = np.asarray(table, np.float32)
    model = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(len(table), table.shape[1])])
    model.set_weights([table])
    spec = model_spec(model)
    return {"config": spec["config"], "weights": spec["weights"]}


def chain_table():
    rng = np.random.default_rng(21)
    table = rng.normal(0, 0.3, (6, 6))
    successor = [3, 5, 0, 1, 2, 4]          # a -> d -> b -> f -> e -> c -> a
    table[np.arange(6), successor] += 3.0
    return table, successor


@pytest.fixture(scope="module")
def chain_model(learner, keras):
    return learner.as_model(bigram_model(keras, chain_table()[0]))


@pytest.mark.clause("C10", "C11", probes="logits read at the first position, or n - 1 / n + 1 characters",
                    topic="sequence models")
@pytest.mark.points(3)
def test_generate_greedy_follows_the_model(learner, chain_model):
    _, successor = chain_table()
    start = "ea"
    expected = list(start)
    for _ in range(9):
        expected.append(VOCAB[successor[VOCAB.index(expected[-1])]])
    expected = "".join(expected)
    call = f"generate(bigram model, start={start!r}, n=9, vocab={VOCAB!r}, temperature=0.0)"
    got = learner.generate(chain_model, start, 9, VOCAB, temperature=0.0, seed=0)
    assert isinstance(got, str), f"called {call}; got {type(got).__name__}, expected a str"
    assert len(got) == len(start) + 9, f"called {call}; got {len(got)} characters, expected {len(start)} + 9"
    assert got.startswith(start), f"called {call}; got {got!r}, which does not start with {start!r}"
    assert got == expected, (
        f"called {call}; got {got!r}, which is not the greedy continuation - the next character comes from "
        f"the logits at the LAST position of model(ids), fed the whole text so far")


@pytest.mark.clause("C12", probes="one generator reseeded every step, or the temperature ignored in generate",
                    topic="randomness and reproducibility")
@pytest.mark.points(3)
def test_generate_sampling_frequencies(learner, keras):
    logits = np.array([1.0, 0.5, 0.0, -0.5, -1.0, 0.2])
    model = learner.as_model(bigram_model(keras, np.tile(logits, (6, 1))))
    n, temperature = 300, 0.5
    call = f"generate(model with the same next-char logits everywhere, 'a', n={n}, temperature={temperature}, seed=4)"
    text = learner.generate(model, "a", n, VOCAB, temperature=temperature, seed=4)
    assert isinstance(text, str) and len(text) == n + 1, f"called {call}; expected a str of {n + 1} characters"
    counts = np.array([text[1:].count(ch) for ch in VOCAB])
    probs = softmax(logits / temperature)
    statistic = float(np.sum((counts - n * probs) ** 2 / (n * probs)))
    limit = chi2_limit(len(VOCAB) - 1)
    assert statistic <= limit, (
        f"called {call}; the character frequencies do not follow softmax(logits / T): chi-square {statistic:.1f} > "
        f"{limit:.1f} - use one random generator for the whole text (do not reseed it with the same seed every step)")
    again = learner.generate(model, "a", 30, VOCAB, temperature=temperature, seed=4)
    other = learner.generate(model, "a", 30, VOCAB, temperature=temperature, seed=5)
    assert again == learner.generate(model, "a", 30, VOCAB, temperature=temperature, seed=4), (
        f"called generate(..., seed=4) twice; the texts differ - the seed must fix the text")
    assert again != other, "called generate(..., seed=4) and (..., seed=5); the 30-character texts are identical"


@pytest.mark.clause("C10", probes="generate not passing top_k on to the sampler", topic="sequence models")
@pytest.mark.points(1)
def test_generate_passes_filters(learner, keras):
    logits = np.array([0.3, 2.0, -0.2, 1.9, 0.0, 0.1])
    model = learner.as_model(bigram_model(keras, np.tile(logits, (6, 1))))
    text = learner.generate(model, "c", 60, VOCAB, temperature=1.0, top_k=2, seed=9)
    call = "generate(model, 'c', 60, vocab, top_k=2, seed=9)"
    assert set(text[1:]) == {"b", "d"}, (f"called {call}; generated characters {sorted(set(text[1:]))}, "
                                         f"expected only the two most likely, ['b', 'd']")


@pytest.mark.clause("C13", probes="a start character outside vocab accepted", topic="input validation")
@pytest.mark.points(1)
def test_generate_rejects_unknown_characters(learner, chain_model):
    with expect_raises(ValueError, f"generate(model, 'az', 3, vocab={VOCAB!r}, temperature=0.0, seed=0)",
                       "every character of start must be in vocab"):
        learner.generate(chain_model, "az", 3, VOCAB, temperature=0.0, seed=0)


# ----------------------------------------------------------------------------- contract: validation, RNG, context

@pytest.mark.clause("C7", probes="temperature < 0, top_k < 1 or top_p outside (0, 1] accepted",
                    topic="input validation")
@pytest.mark.points(2)
def test_invalid_sampling_parameters_raise(learner):
    logits = np.array([0.5, 1.5, -0.2])
    cases = [dict(temperature=-0.5), dict(top_k=0), dict(top_p=0.0), dict(top_p=1.5), dict(top_p=-0.2)]
    for kwargs in cases:
        args = dict(temperature=1.0, top_k=None, top_p=None) | kwargs
        for name in ("token_probs", "sample_next"):
            extra = {"seed": 0} if name == "sample_next" else {}
            with expect_raises(ValueError, call_repr(name, logits, **kwargs),
                               "temperature >= 0, top_k >= 1 and 0 < top_p <= 1"):
                getattr(learner, name)(logits, **args, **extra)


@pytest.mark.clause("C9", probes="tokens not drawn with np.random.default_rng(seed) (global generator, RandomState)",
                    topic="randomness and reproducibility")
@pytest.mark.points(2)
def test_sample_next_draws_with_default_rng(learner, reference):
    logits = np.random.default_rng(13).normal(0, 1.5, (40, 6))
    for seed, (temperature, top_k, top_p) in zip((0, 7, 123), ((1.0, None, None), (0.7, 4, None), (1.3, None, 0.8))):
        call = call_repr("sample_next", logits, temperature=temperature, top_k=top_k, top_p=top_p, seed=seed)
        got = learner.sample_next(logits, temperature, top_k, top_p, seed=seed)
        assert_equal(np.asarray(got), reference.sample_next(logits, temperature, top_k, top_p, seed=seed), call,
                     show_expected=False,
                     why="draw with rng = np.random.default_rng(seed): one rng.random() per row, in row order, "
                         "inverse CDF (as rng.choice(V, p=row)) - not the global generator or RandomState")
        one = learner.sample_next(logits[0], temperature, top_k, top_p, seed=seed)
        assert int(one) == int(reference.sample_next(logits[0], temperature, top_k, top_p, seed=seed)), (
            f"called {call_repr('sample_next', logits[0], temperature=temperature, top_k=top_k, top_p=top_p, seed=seed)}"
            f"; the token is not the one np.random.default_rng(seed) draws (one rng.random(), inverse CDF)")


def counting_model(keras, v=6):
    """A char-level model whose logits at position t depend on EVERY character up to t: an Embedding whose row
    for char c is -3 at c (plus a small preference for lower ids), summed over the sequence by a linear
    SimpleRNN with identity weights. Greedy decoding picks the character used least so far."""
    table = -3.0 * np.eye(v, dtype=np.float32) + np.linspace(0.05, 0.0, v, dtype=np.float32)
    model = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(v, v),
                              keras.layers.SimpleRNN(v, activation="linear", use_bias=False, return_sequences=True)])
    model.set_weights([table, np.eye(v, dtype=np.float32), np.eye(v, dtype=np.float32)])
    spec = model_spec(model)
    return {"config": spec["config"], "weights": spec["weights"]}


def least_used_continuation(start, n, vocab):
    text = list(start)
    for _ in range(n):
        counts = [text.count(ch) for ch in vocab]
        text.append(vocab[int(np.argmin(counts))])
    return "".join(text)


@pytest.mark.clause("C11", "C10", probes="only the last character (or a window) fed to the model; a list vocab",
                    topic="sequence models")
@pytest.mark.points(2)
def test_generate_feeds_the_whole_text(learner, keras):
    model = learner.as_model(counting_model(keras))
    vocab = list(VOCAB)
    for start, n in (("ab", 10), ("fcdaa", 8)):
        expected = least_used_continuation(start, n, VOCAB)
        call = (f"generate(a model whose next character depends on the whole text, start={start!r}, n={n}, "
                f"vocab={vocab!r}, temperature=0.0)")
        got = learner.generate(model, start, n, vocab, temperature=0.0, seed=0)
        assert isinstance(got, str) and len(got) == len(start) + n, (
            f"called {call}; expected a str of {len(start) + n} characters, got {got!r}")
        assert got == expected, (
            f"called {call}; got {got!r}, which is not the model's greedy continuation - feed the model the whole "
            f"text so far (ids of shape (1, t)) at every step, not only the last character")


@pytest.mark.clause("C13", probes="an empty start accepted", topic="input validation")
def test_generate_rejects_empty_start(learner, chain_model):
    with expect_raises(ValueError, f"generate(model, start='', n=3, vocab={VOCAB!r}, temperature=0.0, seed=0)",
                       "start must not be empty"):
        learner.generate(chain_model, "", 3, VOCAB, temperature=0.0, seed=0)
