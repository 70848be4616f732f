"""Visible tests for kv_cache_decoding: `python grade.py check kv_cache_decoding`."""
import numpy as np

from graders.asserts import assert_allclose, assert_shape


def tiny_params(seed=0, vocab=7, d=4, heads=2, positions=10, layers=2):
    rng = np.random.default_rng(seed)
    return {"n_heads": heads, "wte": rng.normal(size=(vocab, d)), "wpe": rng.normal(size=(positions, d)),
            "w_out": rng.normal(size=(d, vocab)),
            "layers": [{"wq": rng.normal(size=(d, d)), "wk": rng.normal(size=(d, d)), "wv": rng.normal(size=(d, d)),
                        "wo": rng.normal(size=(d, d)) / 2, "w1": rng.normal(size=(d, 8)) / 2,
                        "w2": rng.normal(size=(8, d)) / 2} for _ in range(layers)]}


def statement_lm():
    """The statement's example LM (0 = EOS); its cache is the tuple of tokens seen so far."""
    probs = {(1,): [0.1, 0.5, 0.4], (1, 1): [0.4, 0.3, 0.3], (1, 2): [0.9, 0.05, 0.05]}
    calls = []

    def lm(ids, cache):
        ids = [int(t) for t in ids]
        seq = (cache or ()) + tuple(ids)
        calls.append(seq)
        rows = [np.log(probs[seq[:len(seq) - len(ids) + i + 1]]) for i in range(len(ids))]
        return np.array(rows), seq

    return lm, calls


def test_one_token_at_a_time_equals_forward(learner):
    params, ids = tiny_params(), [3, 1, 4, 1, 5, 2]
    full = assert_shape(learner.forward(params, ids), (6, 7), "forward(params, ids of length 6)")
    logits, cache = learner.decode_step(params, ids[:2])          # prefill the prompt
    assert_allclose(logits, full[:2], "decode_step(params, [3, 1]) with no cache", rtol=1e-9, atol=1e-9)
    for t in range(2, 6):
        logits, cache = learner.decode_step(params, [ids[t]], cache)
        assert_allclose(logits, full[t:t + 1], f"decode_step(params, [{ids[t]}], cache of {t} positions)",
                        rtol=1e-9, atol=1e-9, why="the new token sits at position t and attends to the cache")
    k, v = cache[0]
    assert_shape(k, (2, 6, 2), "the cache after 6 tokens, cache[0][0] (layer 0's keys, (n_heads, t, d_head))")


def test_greedy_on_the_statement_example(learner):
    lm, calls = statement_lm()
    got = list(learner.greedy_search(lm, [1], 3, eos_id=0))
    assert got == [1, 0], f"greedy_search(lm, [1], 3, eos_id=0) gave {got}, expected [1, 0] (EOS included)"
    assert calls == [(1,), (1, 1)], f"the LM was asked for {calls}, expected [(1,), (1, 1)]: prompt, then one token"


def test_beam_search_on_the_statement_example(learner):
    lm, _ = statement_lm()
    got = learner.beam_search(lm, [1], 2, 3, eos_id=0)   # a KeyError here: a finished beam was extended
    tokens = [list(t) for t, _ in got]
    assert tokens == [[2, 0], [1, 0]], f"beam_search(lm, [1], 2, 3, eos_id=0) kept {tokens}, expected [[2, 0], [1, 0]]"
    assert_allclose(np.array([s for _, s in got]), np.log([0.36, 0.2]) / 2, "beam_search(...) scores", rtol=1e-9,
                    why="score = sum of log-probs / n ** length_penalty (n = 2 tokens here, length_penalty = 1)")
