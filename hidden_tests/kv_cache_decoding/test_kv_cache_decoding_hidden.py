"""Hidden tests for kv_cache_decoding: a tiny decoder-only LM with a KV cache, greedy and beam search.

The transformer is compared with the reference on random weights (full forward, prefill, token by token,
chunks, a cache the judge makes up). The searches run over judge-side toy LMs (`JudgeLM`): next-token
logits drawn from a generator seeded by the whole prefix, shifted by a random constant per prefix (so
summing raw logits instead of log-probabilities shows), with EOS growing likelier as the text grows. The
LM's cache is an opaque dict naming the prefix it holds, and the LM records every call, so the suite
checks HOW the search ran (what was fed, with which cache), not only what it returned.

Wrong answers this suite is built to catch:
- decode_step that does not append the new keys/values to the cache (returns the old cache, or only the
  new positions), or appends them twice
- positions restarting at 0 for the tokens fed after a cache (wpe[0:len(ids)] instead of wpe[t:t+len(ids)])
- a causal mask that ignores the cache offset (new tokens see nothing cached, or see later new tokens),
  or no causal mask within a chunk of new tokens
- one cache shared by all layers, keys cached after the 1/sqrt(d_head) scaling, a (t, H, Dh) layout
- attention scaled by sqrt(D) instead of sqrt(d_head), heads taken as strided columns, the MLP or the
  output head wrong (forward vs reference)
- decode_step that changes the cache it was given in place (two children of one beam then share a
  corrupted cache: generate with beam_width > 1 goes wrong)
- no ValueError when the positions run past the position table, or for no new tokens; a ValueError already
  when they exactly fill it
- greedy that drops the EOS token, stops one token early or late, breaks ties towards the highest id,
  reads the first row of the prefill logits, recomputes the whole prefix at every step, or feeds the
  final token (or EOS) to the LM once more
- beams not re-ranked (each beam follows its own best child), a child given the cache of the beam in its
  slot instead of its parent's
- ties among candidates broken towards the later one (a reversed ascending sort) or by an unstable sort
- finished beams still extended (tokens fed after EOS), or dropped from the beam instead of carried over
- the length penalty multiplied instead of divided, counting the prompt or not counting EOS, or applied
  only to the final ranking
- scores summed from raw logits instead of log-softmax, or a log-softmax without the max shift (inf/nan
  for logits of size 1e3)
- beam search with width 1 differing from greedy; results not in rank order; max_new_tokens == 0 or an
  empty prompt mishandled
"""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_shape, expect_raises

V, D, H, F, P = 13, 8, 2, 16, 24


def make_params(seed, layers=2, heads=H, d=D, vocab=V, positions=P, hidden=F):
    rng = np.random.default_rng(seed)

    def w(*shape, gain=1.0):
        return gain * rng.normal(size=shape) / np.sqrt(shape[0])

    return {"n_heads": heads, "wte": rng.normal(size=(vocab, d)), "wpe": rng.normal(size=(positions, d)),
            "w_out": w(d, vocab, gain=2.0),
            "layers": [{"wq": w(d, d, gain=2.0), "wk": w(d, d, gain=2.0), "wv": w(d, d), "wo": w(d, d),
                        "w1": w(d, hidden), "w2": w(hidden, d)} for _ in range(layers)]}


MODELS = {"1 layer, 1 head": dict(layers=1, heads=1), "2 layers, 2 heads": dict(layers=2, heads=2),
          "3 layers, 4 heads, D=16": dict(layers=3, heads=4, d=16)}


def ids_of(seed, n, vocab=V):
    return [int(t) for t in np.random.default_rng(seed).integers(0, vocab, n)]


def pairs(cache, call):
    """The learner's cache as a list of (k, v) float arrays, or an AssertionError that says what is wrong."""
    if not isinstance(cache, (list, tuple)):
        raise AssertionError(f"called {call}; the cache is {type(cache).__name__}, expected a list with one (k, v) "
                             f"pair per layer")
    out = []
    for i, layer in enumerate(cache):
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            raise AssertionError(f"called {call}; cache[{i}] is not a (k, v) pair")
        out.append(tuple(np.asarray(a) for a in layer))
    return out


def check_cache(got, expected, call):
    got = pairs(got, call)
    if len(got) != len(expected):
        raise AssertionError(f"called {call}; the cache has {len(got)} entries, expected one (k, v) pair per layer "
                             f"({len(expected)})")
    for i, ((k, v), (ek, ev)) in enumerate(zip(got, expected)):
        why = (f"cache[{i}] holds layer {i}'s keys x @ wk and values x @ wv (unscaled) of every position so far, "
               f"shape (n_heads, t, d_head): the new positions appended once, after the cached ones")
        assert_shape(k, ek.shape, call + f", cache[{i}][0] (keys)", what="keys")
        assert_shape(v, ev.shape, call + f", cache[{i}][1] (values)", what="values")
        assert_allclose(k, ek, call + f", cache[{i}][0] (keys)", rtol=1e-9, atol=1e-9, show_expected=False, why=why)
        assert_allclose(v, ev, call + f", cache[{i}][1] (values)", rtol=1e-9, atol=1e-9, show_expected=False, why=why)


def step_call(ids, cache_len):
    return f"decode_step(params, ids={list(ids)}, cache of {cache_len} positions)" if cache_len else \
        f"decode_step(params, ids={list(ids)}, cache=None)"


# ----------------------------------------------------------------------------- the judge's toy LMs


class JudgeLM:
    """lm(ids, cache) -> (logits (len(ids), V), cache), seeded by the whole prefix; records every call.

    ``table`` maps a whole sequence (prompt + generated, a tuple) to next-token probabilities; other
    sequences get pseudo-random logits. The cache is {"prefix": tokens so far, "id": n}.
    """

    def __init__(self, seed, vocab=8, eos_id=0, scale=1.5, eos_bias=-1.0, eos_rate=0.35, table=None, offset=0.0):
        self.seed, self.vocab, self.eos_id, self.scale, self.offset = seed, vocab, eos_id, scale, offset
        self.eos_bias, self.eos_rate, self.table = eos_bias, eos_rate, table or {}
        self.calls = []          # (prefix before the call, tokens fed, cache was None)
        self.issued = {}         # cache id -> prefix it holds
        self.problems = []       # calls the contract forbids, as sentences

    def logits(self, seq):
        if seq in self.table:
            return np.log(np.asarray(self.table[seq], dtype=float))
        rng = np.random.default_rng([self.seed, len(seq), *seq])
        z = self.scale * rng.normal(size=self.vocab) + 10.0 * rng.normal() + self.offset  # softmax ignores shifts
        if self.eos_id is not None:
            z[self.eos_id] += self.eos_bias + self.eos_rate * len(seq)
        return z

    def __call__(self, ids, cache):
        fed = tuple(int(t) for t in np.asarray(ids).reshape(-1))
        if cache is None:
            prefix = ()
        else:
            key = cache.get("id") if isinstance(cache, dict) else None
            if key not in self.issued:
                raise RuntimeError("this cache was not returned by the LM: pass back exactly the cache lm returned")
            prefix = self.issued[key]
        if not fed:
            raise RuntimeError("the LM was called with no tokens (an empty prompt must raise ValueError first)")
        self.calls.append((prefix, fed, cache is None))
        seq = prefix + fed
        rows = np.stack([self.logits(seq[:len(prefix) + i + 1]) for i in range(len(fed))])
        self.issued[len(self.issued) + 1] = seq
        return rows, {"prefix": np.array(seq, dtype=np.int64), "id": len(self.issued)}


def table_lm(vocab=3):
    """The statement's example: 0 = EOS; from prompt [1], greedy finds [1, 0] (p 0.2), beams [2, 0] (p 0.36)."""
    return JudgeLM(0, vocab=vocab, table={(1,): [0.1, 0.5, 0.4], (1, 1): [0.4, 0.3, 0.3], (1, 2): [0.9, 0.05, 0.05]})


GREEDY_CASES = [  # (lm seed, prompt, max_new_tokens, eos_id)
    (1, [3], 10, 0), (2, [1, 5, 2], 10, 0), (3, [4, 4], 6, 0), (4, [2, 7, 1, 1], 12, 3), (5, [6], 8, None),
    (6, [5, 1], 1, 0),
]
BEAM_CASES = [  # (lm seed, prompt, beam_width, max_new_tokens, eos_id, length_penalty)
    (11, [3], 2, 8, 0, 1.0), (12, [1, 5, 2], 3, 8, 0, 1.0), (13, [4], 4, 7, 0, 0.0), (14, [2, 6], 3, 9, 0, 2.0),
    (15, [7], 5, 6, 0, 0.6), (16, [1, 1, 1], 3, 6, None, 1.0), (17, [5], 3, 10, 0, 1.0), (18, [2], 6, 5, 4, 1.5),
]


def greedy_call(prompt, n, eos):
    return f"greedy_search(lm, prompt={prompt}, max_new_tokens={n}, eos_id={eos})"


def beam_call(prompt, width, n, eos, lp):
    return f"beam_search(lm, prompt={prompt}, beam_width={width}, max_new_tokens={n}, eos_id={eos}, length_penalty={lp})"


def tokens_of(got, call):
    try:
        return [int(t) for t in got]
    except (TypeError, ValueError):
        raise AssertionError(f"called {call}; got {got!r}, expected a list of token ids") from None


def hypotheses_of(got, call):
    try:
        return [([int(t) for t in tokens], float(score)) for tokens, score in got]
    except (TypeError, ValueError):
        raise AssertionError(f"called {call}; got {got!r}, expected a list of (tokens, score) pairs") from None


def check_hypotheses(got, expected, call, why):
    got = hypotheses_of(got, call)
    assert [t for t, _ in got] == [t for t, _ in expected], (
        f"called {call}; the final beam holds {[t for t, _ in got]}, expected {[t for t, _ in expected]} - {why}")
    assert_allclose(np.array([s for _, s in got]), np.array([s for _, s in expected]), call + ", scores",
                    rtol=1e-9, atol=1e-12, why="score = sum of log-softmax log-probabilities / n ** length_penalty, "
                                               "n = generated tokens (EOS included, prompt not)")


def check_calls(lm, prompt, call, expected_calls=None):
    """The search's calls to the LM obey C9; optionally the same set of calls as the reference's search."""
    if not lm.calls:
        raise AssertionError(f"called {call}; the LM was never called")
    first = lm.calls[0]
    assert first == ((), tuple(prompt), True), (
        f"called {call}; the first LM call fed {list(first[1])} with cache="
        f"{'None' if first[2] else 'a cache'}, expected the whole prompt {list(prompt)} with cache=None")
    for prefix, fed, was_none in lm.calls[1:]:
        where = f"a later LM call fed {list(fed)} with {'cache=None' if was_none else f'the cache of {list(prefix)}'}"
        assert not was_none, (f"called {call}; {where}: after the prompt, the search must feed one token with the "
                              f"cache the LM returned (never recompute the prefix from scratch)")
        assert len(fed) == 1, f"called {call}; {where}: after the prompt, feed one token at a time with the cache"
        assert lm.eos_id is None or lm.eos_id not in prefix[len(prompt):] + fed, (
            f"called {call}; {where}: a hypothesis that has emitted EOS is finished and is never fed to the LM again")
    seen = [p + f for p, f, _ in lm.calls]
    assert len(seen) == len(set(seen)), f"called {call}; the LM was given the same prefix twice"
    if expected_calls is not None:
        got = sorted(p + f for p, f, _ in lm.calls)
        want = sorted(p + f for p, f, _ in expected_calls)
        assert got == want, (
            f"called {call}; the LM was asked to extend {len(got)} prefixes, expected {len(want)}"
            + ("" if len(got) != len(want) else ", but not the same ones")
            + " - feed the LM only for the unfinished hypotheses the beam keeps, each once, at the start of the step "
              "that extends them (never after the last step)")


# ----------------------------------------------------------------------------- the transformer


@pytest.mark.clause("C1", "C2", probes="the forward pass of the tiny LM (attention scaling, heads, MLP, output head)",
                    topic="attention and transformers")
@pytest.mark.points(2)
@pytest.mark.parametrize("name", list(MODELS))
def test_forward_matches_reference(learner, reference, name):
    params = make_params(1, **MODELS[name])
    ids = ids_of(2, 11)
    call = f"forward(params of a {name} model, ids of length 11)"
    assert_allclose(learner.forward(params, ids), reference.forward(params, ids), call, rtol=1e-9, atol=1e-9,
                    show_expected=False, why="x = wte[ids] + wpe[:T]; per layer x += attn(x) @ wo, "
                                             "x += relu(x @ w1) @ w2; logits = x @ w_out")


@pytest.mark.clause("C2", probes="a forward pass that lets a position see later tokens", topic="attention and transformers")
def test_forward_is_causal(learner):
    params = make_params(3)
    ids = ids_of(4, 10)
    changed = ids[:6] + [(t + 1) % V for t in ids[6:]]
    a, b = learner.forward(params, ids), learner.forward(params, changed)
    assert_allclose(np.asarray(b)[:6], np.asarray(a)[:6], "forward(params, ids) after changing tokens 6..9, logits "
                    "of positions 0..5", rtol=1e-12, atol=1e-12,
                    why="attention is causal: position i sees keys 0..i only")


@pytest.mark.clause("C3", "C4", probes="prefill: a whole prompt through decode_step with an empty cache",
                    topic="decoding and search")
@pytest.mark.points(2)
@pytest.mark.parametrize("name", list(MODELS))
def test_prefill_matches_forward_and_fills_the_cache(learner, reference, name):
    params = make_params(5, **MODELS[name])
    ids = ids_of(6, 9)
    call = step_call(ids, 0) + f" on a {name} model"
    logits, cache = learner.decode_step(params, ids, None)
    assert_allclose(logits, reference.forward(params, ids), call + ", logits", rtol=1e-9, atol=1e-9,
                    show_expected=False, why="decode_step with cache=None is forward(params, ids)")
    check_cache(cache, reference.decode_step(params, ids, None)[1], call)


@pytest.mark.clause("C3", "C4", probes="cache not appended or appended twice, positions restarting at 0",
                    topic="decoding and search")
@pytest.mark.points(3)
@pytest.mark.parametrize("name", list(MODELS))
def test_token_by_token_equals_full_recomputation(learner, reference, name):
    params = make_params(7, **MODELS[name])
    ids = ids_of(8, 14)
    full = reference.forward(params, ids)
    logits, cache = learner.decode_step(params, ids[:3], None)
    for t in range(3, len(ids)):
        call = step_call([ids[t]], t) + f" on a {name} model (the cache from decoding {ids[:t]})"
        logits, cache = learner.decode_step(params, [ids[t]], cache)
        for i, (k, _) in enumerate(pairs(cache, call)):
            if k.ndim != 3 or k.shape[1] != t + 1:
                raise AssertionError(f"called {call}; cache[{i}][0] has shape {k.shape}, expected "
                                     f"{(params['n_heads'], t + 1, k.shape[-1])} - the new token's keys and values are "
                                     f"appended to the cache once")
        assert_allclose(logits, full[t:t + 1], call + ", logits", rtol=1e-9, atol=1e-9, show_expected=False,
                        why="incremental decoding must equal full recomputation: the new token sits at position t "
                            "(wpe[t]) and attends to the cached keys/values and to itself")
    check_cache(cache, reference.decode_step(params, ids, None)[1], f"decode_step one token at a time over {ids}")


@pytest.mark.clause("C3", probes="a causal mask that ignores the cache offset when several new tokens meet a cache",
                    topic="decoding and search")
@pytest.mark.points(2)
def test_chunks_of_new_tokens_after_a_cache(learner, reference):
    params = make_params(9)
    ids = ids_of(10, 16)
    full = reference.forward(params, ids)
    cache, start = None, 0
    for size in (3, 4, 1, 5, 3):
        chunk = ids[start:start + size]
        call = step_call(chunk, start)
        logits, cache = learner.decode_step(params, chunk, cache)
        assert_allclose(logits, full[start:start + size], call + ", logits", rtol=1e-9, atol=1e-9, show_expected=False,
                        why="new token i (position t + i) attends to every cached position and to new tokens 0..i, "
                            "not to later new tokens")
        start += size
    check_cache(cache, reference.decode_step(params, ids, None)[1], "decode_step over chunks of 3, 4, 1, 5, 3 tokens")


@pytest.mark.clause("C3", probes="positions restarting at 0 for tokens fed after a cache", topic="decoding and search")
def test_positions_continue_after_the_cache(learner, reference):
    params = make_params(11)
    params["wte"] = np.zeros_like(params["wte"])  # only positions carry information
    ids = [1] * 8
    full = reference.forward(params, ids)
    _, cache = learner.decode_step(params, ids[:5], None)
    logits, _ = learner.decode_step(params, ids[5:], cache)
    assert_allclose(logits, full[5:], step_call(ids[5:], 5) + " on a model whose token embeddings are all zero",
                    rtol=1e-9, atol=1e-9, show_expected=False,
                    why="the new tokens take positions 5, 6, 7 (wpe[5:8]), continuing after the cached positions")


@pytest.mark.clause("C5", probes="decode_step that recomputes the past instead of reading the cache it is given",
                    topic="decoding and search")
@pytest.mark.points(2)
@pytest.mark.parametrize("past", [1, 6])
def test_decode_step_reads_the_cache(learner, reference, past):
    params = make_params(12, layers=2, heads=2)
    rng = np.random.default_rng(13 + past)
    cache = [(rng.normal(size=(2, past, D // 2)), rng.normal(size=(2, past, D // 2))) for _ in range(2)]
    ids = [4, 9]
    call = step_call(ids, past) + " with a cache of random keys and values"
    logits, new_cache = learner.decode_step(params, ids, cache)
    e_logits, e_cache = reference.decode_step(params, ids, cache)
    assert_allclose(logits, e_logits, call + ", logits", rtol=1e-9, atol=1e-9, show_expected=False,
                    why="the past is whatever the cache holds: attend to its keys and values, at positions after it")
    check_cache(new_cache, e_cache, call)


@pytest.mark.clause("C5", probes="decode_step that changes the cache it was given in place", topic="decoding and search")
def test_decode_step_leaves_its_cache_alone(learner, reference):
    params = make_params(14)
    ids = ids_of(15, 5)
    _, cache = learner.decode_step(params, ids, None)
    before = [tuple(np.array(a, copy=True) for a in layer) for layer in pairs(cache, step_call(ids, 0))]
    learner.decode_step(params, [2], cache)
    logits, _ = learner.decode_step(params, [7], cache)  # a sibling: the same parent cache, another token
    call = step_call([7], 5) + " after decode_step(params, [2], the same cache)"
    after = pairs(cache, call)
    for i, ((k0, v0), (k1, v1)) in enumerate(zip(before, after)):
        assert k0.shape == k1.shape and np.array_equal(k0, k1) and np.array_equal(v0, v1), (
            f"called {call}; cache[{i}] was changed in place - return a new cache and leave the one given unchanged "
            f"(beam search extends one parent cache in several ways)")
    assert len(after) == len(before), f"called {call}; the cache given was changed in place (entries added)"
    assert_allclose(logits, reference.forward(params, ids + [7])[-1:], call + ", logits", rtol=1e-9, atol=1e-9,
                    show_expected=False, why="one cache may be extended twice: leave the cache you are given unchanged")


@pytest.mark.clause("C6", probes="positions past the position table, or no new tokens, accepted", topic="input validation")
def test_decode_step_errors(learner):
    params = make_params(16, positions=6)
    with expect_raises(ValueError, "forward(params with 6 positions, ids of length 7)",
                       "the sequence is longer than the position table wpe"):
        learner.forward(params, [1] * 7)
    _, cache = learner.decode_step(params, [1] * 5, None)
    try:  # exactly P positions fit: only t + len(ids) > P is an error
        learner.forward(params, [1] * 6)
        learner.decode_step(params, [2], cache)
    except ValueError as e:
        raise AssertionError(f"called forward(params with 6 positions, ids of length 6) and {step_call([2], 5)}; "
                             f"got ValueError({e}), expected no error: positions 0..5 fit a table of 6 rows "
                             f"(raise only when t + len(ids) > P)") from None
    with expect_raises(ValueError, step_call([2, 3], 5) + " with 6 positions",
                       "positions 5 and 6 do not fit a position table of 6 rows (t + len(ids) > P)"):
        learner.decode_step(params, [2, 3], cache)
    with expect_raises(ValueError, step_call([], 5), "there must be at least one new token"):
        learner.decode_step(params, [], cache)


# ----------------------------------------------------------------------------- greedy search


@pytest.mark.clause("C7", "C8", probes="greedy search over a toy LM: argmax, EOS, max_new_tokens, the last logits row",
                    topic="decoding and search")
@pytest.mark.points(2)
@pytest.mark.parametrize("case", range(len(GREEDY_CASES)))
def test_greedy_matches_reference(learner, reference, case):
    seed, prompt, n, eos = GREEDY_CASES[case]
    expected = reference.greedy_search(JudgeLM(seed, eos_id=eos), prompt, n, eos)
    call = greedy_call(prompt, n, eos)
    got = tokens_of(learner.greedy_search(JudgeLM(seed, eos_id=eos), prompt, n, eos), call)
    assert got == expected, (f"called {call}; got {got}, expected {expected} - take the argmax of the last row of "
                             f"logits, stop after EOS (kept in the output) or after max_new_tokens tokens")


@pytest.mark.clause("C9", probes="greedy that recomputes the prefix, feeds EOS or the final token, or drops the cache",
                    topic="decoding and search")
@pytest.mark.points(2)
@pytest.mark.parametrize("case", [0, 1, 3, 4, 5])  # 4 and 5 stop at max_new_tokens, not at EOS
def test_greedy_feeds_one_token_at_a_time(learner, case):
    seed, prompt, n, eos = GREEDY_CASES[case]
    lm = JudgeLM(seed, eos_id=eos)
    call = greedy_call(prompt, n, eos)
    got = tokens_of(learner.greedy_search(lm, prompt, n, eos), call)
    check_calls(lm, prompt, call)
    chain = tuple(prompt)
    for i, (prefix, fed, _) in enumerate(lm.calls[1:]):
        assert prefix == chain and fed == (got[i],), (
            f"called {call}; LM call {i + 2} fed {list(fed)} with the cache of {list(prefix)}, expected "
            f"[{got[i]}] with the cache of {list(chain)} (the cache the previous call returned)")
        chain = chain + fed
    assert len(lm.calls) == len(got), (
        f"called {call}; {len(got)} tokens came from {len(lm.calls)} LM calls, expected {len(got)}: the prompt once, "
        f"then each new token except the one that ends the search (EOS or the last one)")


@pytest.mark.clause("C8", "C11", probes="EOS kept in the output, eos_id=None, max_new_tokens == 0",
                    topic="decoding and search")
def test_greedy_stopping(learner):
    lm = table_lm()
    call = greedy_call([1], 3, 0)
    got = tokens_of(learner.greedy_search(lm, [1], 3, 0), call)
    assert got == [1, 0], f"called {call} on the statement's example LM; got {got}, expected [1, 0] (EOS included)"
    lm = JudgeLM(21, eos_id=0, eos_rate=2.0)
    call = greedy_call([2], 7, None)
    got = tokens_of(learner.greedy_search(lm, [2], 7, None), call)
    assert len(got) == 7, f"called {call}; got {len(got)} tokens, expected 7: with eos_id=None nothing stops the search early"
    lm = JudgeLM(22)
    got = learner.greedy_search(lm, [2], 0, 0)
    assert list(got) == [] and not lm.calls, (f"called {greedy_call([2], 0, 0)}; got {got!r} after {len(lm.calls)} LM "
                                              f"calls, expected [] and no call")


@pytest.mark.clause("C8", probes="greedy ties broken towards the highest token id", topic="decoding and search")
def test_greedy_ties_take_the_lowest_id(learner):
    table = {(1,): [0.1, 0.2, 0.3, 0.3, 0.1], (1, 2): [0.1, 0.4, 0.4, 0.05, 0.05]}
    lm = JudgeLM(0, vocab=5, table=table)
    call = greedy_call([1], 2, 0)
    got = tokens_of(learner.greedy_search(lm, [1], 2, 0), call)
    assert got == [2, 1], f"called {call} with tied maxima; got {got}, expected [2, 1] - among equal maxima take the lowest id"


@pytest.mark.clause("C7", probes="log-softmax without the max shift (logits of size 1e3)", topic="numerical stability")
def test_searches_stay_finite_for_huge_logits(learner, reference):
    for width in (1, 3):
        lm_args = dict(eos_id=0, scale=30.0, eos_bias=-40.0, eos_rate=15.0, offset=1000.0)
        call = beam_call([3], width, 6, 0, 1.0) + " on an LM with logits of size 1e3"
        expected = reference.beam_search(JudgeLM(31, **lm_args), [3], width, 6, 0, 1.0)
        got = learner.beam_search(JudgeLM(31, **lm_args), [3], width, 6, 0, 1.0)
        check_hypotheses(got, expected, call, "subtract the row maximum before exponentiating in the log-softmax")


# ----------------------------------------------------------------------------- beam search


@pytest.mark.clause("C10", "C11", probes="beam search over a toy LM: re-ranking, EOS, length penalty, scores, order",
                    topic="decoding and search")
@pytest.mark.points(3)
@pytest.mark.parametrize("case", range(len(BEAM_CASES)))
def test_beam_matches_reference(learner, reference, case):
    seed, prompt, width, n, eos, lp = BEAM_CASES[case]
    expected = reference.beam_search(JudgeLM(seed, eos_id=eos), prompt, width, n, eos, lp)
    call = beam_call(prompt, width, n, eos, lp)
    got = learner.beam_search(JudgeLM(seed, eos_id=eos), prompt, width, n, eos, lp)
    check_hypotheses(got, expected, call, "each step ranks every extension of every live beam (and the finished ones "
                                          "as they are) by sum of log-probs / n ** length_penalty and keeps the best")


@pytest.mark.clause("C9", probes="finished beams still extended, wrong parent cache, feeding after the last step",
                    topic="decoding and search")
@pytest.mark.points(2)
@pytest.mark.parametrize("case", [0, 1, 4, 6])
def test_beam_feeds_only_the_kept_live_hypotheses(learner, reference, case):
    seed, prompt, width, n, eos, lp = BEAM_CASES[case]
    ref_lm = JudgeLM(seed, eos_id=eos)
    reference.beam_search(ref_lm, prompt, width, n, eos, lp)
    lm = JudgeLM(seed, eos_id=eos)
    call = beam_call(prompt, width, n, eos, lp)
    learner.beam_search(lm, prompt, width, n, eos, lp)
    check_calls(lm, prompt, call, ref_lm.calls)


@pytest.mark.clause("C10", probes="beam ties broken towards the later candidate (a reversed or unstable sort)",
                    topic="decoding and search")
def test_beam_ties_keep_the_earlier_candidate(learner):
    # after [1]: tokens 1 and 2 tie (0.4 each); after [1, 1] and [1, 2] the rows are equal, so [1, 0] and [2, 0]
    # tie again across parents: the stable sort keeps candidate order (beam order, then token id)
    table = {(1,): [0.2, 0.4, 0.4], (1, 1): [0.5, 0.25, 0.25], (1, 2): [0.5, 0.25, 0.25]}
    call = beam_call([1], 2, 1, 0, 0.0)
    got = learner.beam_search(JudgeLM(0, vocab=3, table=table), [1], 2, 1, 0, 0.0)
    check_hypotheses(got, [([1], np.log(0.4)), ([2], np.log(0.4))], call,
                     "equal scores keep the candidates' order (sort descending and stable): [1] before [2]")
    call = beam_call([1], 2, 3, 0, 0.0)
    got = learner.beam_search(JudgeLM(0, vocab=3, table=table), [1], 2, 3, 0, 0.0)
    check_hypotheses(got, [([1, 0], np.log(0.2)), ([2, 0], np.log(0.2))], call,
                     "equal scores keep the candidates' order: the children of the first beam before those of the second")
    # a flat LM (every row uniform over 20 tokens): every candidate ties, so the first ones in order are kept
    call = beam_call([3], 3, 2, None, 1.0) + " on an LM whose every row is uniform over 20 tokens"
    got = learner.beam_search(JudgeLM(7, vocab=20, eos_id=None, scale=0.0), [3], 3, 2, None, 1.0)
    check_hypotheses(got, [([0, 0], -np.log(20.0)), ([0, 1], -np.log(20.0)), ([0, 2], -np.log(20.0))], call,
                     "all 60 candidates tie: a stable descending sort keeps the first three in candidate order")
    # two levels (nine tokens higher): the first three of the upper level in token order (an unstable sort may not)
    high = [0, 5, 9, 10, 11, 12, 14, 16, 19]
    row = np.where(np.isin(np.arange(20), high), np.e, 1.0)
    row = row / row.sum()
    call = beam_call([3], 3, 1, None, 1.0) + f" on an LM whose next-token probabilities tie in two levels ({high} higher)"
    got = learner.beam_search(JudgeLM(0, vocab=20, eos_id=None, table={(3,): row}), [3], 3, 1, None, 1.0)
    top = float(np.log(row[0]))
    check_hypotheses(got, [([0], top), ([5], top), ([9], top)], call,
                     "tied candidates keep their order (sort descending and stable): the lowest tied ids first")


@pytest.mark.clause("C10", probes="beam search that does not find the better hypothesis greedy misses",
                    topic="decoding and search")
def test_beam_beats_greedy_on_the_statement_example(learner):
    call = beam_call([1], 2, 3, 0, 1.0) + " on the statement's example LM"
    got = learner.beam_search(table_lm(), [1], 2, 3, 0, 1.0)
    check_hypotheses(got, [([2, 0], np.log(0.36) / 2), ([1, 0], np.log(0.2) / 2)], call,
                     "[2, 0] has probability 0.36, [1, 0] 0.2: keep both first steps and re-rank")


@pytest.mark.clause("C10", "C11", probes="beam search with width 1 differing from greedy search",
                    topic="decoding and search")
@pytest.mark.points(2)
def test_width_one_is_greedy(learner, reference):
    for seed, prompt, n, eos in GREEDY_CASES:
        expected = reference.greedy_search(JudgeLM(seed, eos_id=eos), prompt, n, eos)
        for lp in (1.0, 0.0):
            call = beam_call(prompt, 1, n, eos, lp)
            lm = JudgeLM(seed, eos_id=eos)
            got = hypotheses_of(learner.beam_search(lm, prompt, 1, n, eos, lp), call)
            assert len(got) == 1 and got[0][0] == expected, (
                f"called {call}; got {[t for t, _ in got]}, expected [{expected}] (the greedy answer): with one beam, "
                f"every candidate has the same length, so the best is the argmax at each step")
            assert len(lm.calls) == len(expected), (
                f"called {call}; {len(lm.calls)} LM calls for {len(expected)} tokens, expected {len(expected)}, as greedy")


@pytest.mark.clause("C10", probes="length penalty multiplied instead of divided, or counting the prompt",
                    topic="decoding and search")
@pytest.mark.points(2)
def test_length_penalty_divides_by_generated_length(learner):
    # after [1]: EOS 0.45, token 2 0.55; after [1, 2]: EOS 0.95. The short [0] scores log 0.45 = -0.80 whatever
    # the penalty; the long [2, 0] scores log(0.55 * 0.95) / 2 ** lp and must come first. A penalty that
    # multiplies by n ** lp puts [0] first; counting the prompt or forgetting EOS changes the scores.
    table = {(1,): [0.45, 1e-9, 0.55 - 1e-9], (1, 2): [0.95, 0.025, 0.025]}
    long, short = np.log(0.55 - 1e-9) + np.log(0.95), np.log(0.45)
    for lp in (0.0, 1.0, 2.0):
        call = beam_call([1], 2, 4, 0, lp)
        got = learner.beam_search(JudgeLM(0, vocab=3, table=table), [1], 2, 4, 0, lp)
        check_hypotheses(got, [([2, 0], long / 2 ** lp), ([0], short)], call,
                         "score = sum of log-probs / n ** length_penalty, n = generated tokens with EOS, prompt not "
                         "counted: [2, 0] has n = 2, [0] has n = 1")
    table4 = {(1, 1, 1) + k: v for k, v in table.items()}  # a prompt of 4 tokens: n must not count it
    call = beam_call([1, 1, 1, 1], 2, 4, 0, 1.0)
    got = learner.beam_search(JudgeLM(0, vocab=3, table=table4), [1, 1, 1, 1], 2, 4, 0, 1.0)
    check_hypotheses(got, [([2, 0], long / 2), ([0], short)], call, "n counts the generated tokens only, not the prompt")


@pytest.mark.clause("C10", probes="the length penalty used only for the final order, not to rank during the search",
                    topic="decoding and search")
def test_length_penalty_ranks_every_step(learner, reference):
    # with lp = 2, a finished short hypothesis is carried over against longer live ones at every step
    for seed in (41, 42, 43, 44):
        lm_args = dict(eos_id=0, eos_bias=0.5, eos_rate=0.2)
        expected = reference.beam_search(JudgeLM(seed, **lm_args), [2, 3], 2, 8, 0, 2.0)
        call = beam_call([2, 3], 2, 8, 0, 2.0)
        got = learner.beam_search(JudgeLM(seed, **lm_args), [2, 3], 2, 8, 0, 2.0)
        check_hypotheses(got, expected, call, "rank the candidates of every step by their length-normalised score "
                                              "(sum / n ** length_penalty), not only the final beam")


@pytest.mark.clause("C10", probes="finished hypotheses dropped from the beam or extended after EOS",
                    topic="decoding and search")
def test_finished_hypothesis_stays_in_the_beam(learner):
    # [0] (EOS, p 0.4) finishes at step 1; every longer hypothesis has a lower log-prob (lp = 0), so [0] stays
    # in the beam, unchanged and never fed again, and comes out first
    table = {(1,): [0.4, 0.3, 0.3], (1, 1): [0.01, 0.01, 0.98], (1, 2): [0.01, 0.98, 0.01]}
    lm = JudgeLM(5, vocab=3, eos_id=0, eos_bias=-6.0, eos_rate=0.0, table=table)
    call = beam_call([1], 2, 4, 0, 0.0)
    got = hypotheses_of(learner.beam_search(lm, [1], 2, 4, 0, 0.0), call)
    assert got and got[0][0] == [0], (
        f"called {call}; the best hypothesis is {got[0][0] if got else None}, expected [0] (EOS at step 1, "
        f"log-prob {np.log(0.4):.3f}): a finished hypothesis stays in the beam, unchanged, and competes by its score")
    check_calls(lm, [1], call)


@pytest.mark.clause("C11", "C12", probes="max_new_tokens == 0, and invalid widths, lengths or prompts accepted",
                    topic="input validation")
def test_beam_edge_cases_and_errors(learner):
    lm = JudgeLM(51)
    got = learner.beam_search(lm, [1], 3, 0, 0)
    assert hypotheses_of(got, beam_call([1], 3, 0, 0, 1.0)) == [([], 0.0)] and not lm.calls, (
        f"called {beam_call([1], 3, 0, 0, 1.0)}; got {got!r} after {len(lm.calls)} LM calls, expected [([], 0.0)] "
        f"and no call")
    with expect_raises(ValueError, beam_call([1], 0, 4, 0, 1.0), "beam_width must be at least 1"):
        learner.beam_search(JudgeLM(51), [1], 0, 4, 0)
    with expect_raises(ValueError, beam_call([1], 2, -1, 0, 1.0), "max_new_tokens must be >= 0"):
        learner.beam_search(JudgeLM(51), [1], 2, -1, 0)
    with expect_raises(ValueError, beam_call([], 2, 4, 0, 1.0), "the prompt must hold at least one token"):
        learner.beam_search(JudgeLM(51), [], 2, 4, 0)
    with expect_raises(ValueError, greedy_call([], 4, 0), "the prompt must hold at least one token"):
        learner.greedy_search(JudgeLM(51), [], 4, 0)
    with expect_raises(ValueError, greedy_call([1], -2, 0), "max_new_tokens must be >= 0"):
        learner.greedy_search(JudgeLM(51), [1], -2, 0)


# ----------------------------------------------------------------------------- generate


GENERATE_CASES = [(61, [5], 2), (65, [3, 1], 0), (70, [3, 1], 0), (72, [5], 2), (74, [3, 1], 0), (63, [7, 7, 2, 9], 4)]


@pytest.mark.clause("C13", "C5", probes="generate over the learner's own decode_step (beams share parent caches)",
                    topic="decoding and search")
@pytest.mark.points(3)
@pytest.mark.parametrize("width,lp", [(1, 1.0), (3, 1.0), (4, 0.5)])
def test_generate_matches_reference(learner, reference, width, lp):
    for seed, prompt, eos in GENERATE_CASES:
        params = make_params(seed)
        expected = reference.generate(params, prompt, 10, eos, width, lp)
        call = f"generate(params, prompt={prompt}, max_new_tokens=10, eos_id={eos}, beam_width={width}, length_penalty={lp})"
        got = tokens_of(learner.generate(params, prompt, 10, eos, width, lp), call)
        assert got == expected, (f"called {call}; got {got}, expected {expected} - the best hypothesis of beam_search "
                                 f"with lm = decode_step over these params; decode_step must leave the cache it is "
                                 f"given unchanged, since sibling beams extend the same parent cache")
