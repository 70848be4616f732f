"""Correct, written differently: explicit loops over positions and heads; decode_step feeds the new tokens
one at a time (each appended, then attending to everything so far); beam search over numpy score arrays."""
import math

import numpy as np


def _softmax(z):
    z = z - z.max()
    e = np.exp(z)
    return e / e.sum()


def _token(params, layer_caches, token, position):
    """One token at `position`, given per-layer lists of per-position keys/values (extended in place here)."""
    n_heads = int(params["n_heads"])
    x = params["wte"][token] + params["wpe"][position]
    for layer, (keys, values) in zip(params["layers"], layer_caches):
        d = x.shape[0]
        dh = d // n_heads
        q, k, v = x @ layer["wq"], x @ layer["wk"], x @ layer["wv"]
        keys.append(k)
        values.append(v)
        out = np.zeros(d)
        for h in range(n_heads):
            cols = slice(h * dh, (h + 1) * dh)
            scores = np.array([q[cols] @ kk[cols] for kk in keys]) / math.sqrt(dh)
            w = _softmax(scores)
            out[cols] = sum(wi * vv[cols] for wi, vv in zip(w, values))
        x = x + out @ layer["wo"]
        x = x + np.maximum(x @ layer["w1"], 0) @ layer["w2"]
    return x @ params["w_out"]


def decode_step(params, ids, cache=None):
    ids = [int(t) for t in np.asarray(ids).reshape(-1)]
    if not ids:
        raise ValueError("no new tokens")
    n_heads = int(params["n_heads"])
    n_layers = len(params["layers"])
    d = params["wte"].shape[1]
    dh = d // n_heads
    if cache is None:
        past = 0
        caches = [([], []) for _ in range(n_layers)]
    else:
        past = np.asarray(cache[0][0]).shape[1]
        caches = []
        for k, v in cache:  # (H, t, Dh) -> per-position (D,) vectors, heads concatenated
            k, v = np.asarray(k), np.asarray(v)
            caches.append(([k[:, j, :].reshape(-1) for j in range(past)], [v[:, j, :].reshape(-1) for j in range(past)]))
    if past + len(ids) > params["wpe"].shape[0]:
        raise ValueError("sequence longer than the position table")
    rows = [_token(params, caches, token, past + i) for i, token in enumerate(ids)]
    new_cache = []
    for keys, values in caches:
        k = np.stack(keys).reshape(len(keys), n_heads, dh).transpose(1, 0, 2)
        v = np.stack(values).reshape(len(values), n_heads, dh).transpose(1, 0, 2)
        new_cache.append((k, v))
    return np.stack(rows), new_cache


def forward(params, ids):
    return decode_step(params, ids, None)[0]


def _log_probs(logits):
    row = np.asarray(logits, dtype=float)[-1]
    m = row.max()
    return row - (m + math.log(np.exp(row - m).sum()))


def greedy_search(lm, prompt, max_new_tokens, eos_id=None):
    prompt = list(prompt)
    if not prompt or max_new_tokens < 0:
        raise ValueError("empty prompt or negative max_new_tokens")
    generated = []
    cache = None
    feed = [int(t) for t in prompt]
    for _ in range(max_new_tokens):
        logits, cache = lm(feed, cache)
        row = np.asarray(logits)[-1]
        best = 0
        for j in range(1, row.size):
            if row[j] > row[best]:
                best = j
        generated.append(best)
        if best == eos_id:
            break
        feed = [best]
    return generated


def beam_search(lm, prompt, beam_width, max_new_tokens, eos_id=None, length_penalty=1.0):
    prompt = [int(t) for t in prompt]
    if not prompt or max_new_tokens < 0 or beam_width < 1:
        raise ValueError("empty prompt, negative max_new_tokens or beam_width < 1")
    if max_new_tokens == 0:
        return [([], 0.0)]
    seqs, sums, done, caches = [[]], np.zeros(1), [False], [None]
    for step in range(max_new_tokens):
        cand_seq, cand_sum, cand_done, cand_cache = [], [], [], []
        for b in range(len(seqs)):
            if done[b]:
                cand_seq.append(seqs[b]); cand_sum.append(sums[b]); cand_done.append(True); cand_cache.append(None)
                continue
            logits, cache = lm(prompt if step == 0 else [seqs[b][-1]], caches[b])
            lp = _log_probs(logits)
            for w in range(lp.size):
                cand_seq.append(seqs[b] + [w]); cand_sum.append(sums[b] + lp[w])
                cand_done.append(eos_id is not None and w == eos_id); cand_cache.append(cache)
        lengths = np.array([len(s) for s in cand_seq], dtype=float)
        scores = np.array(cand_sum) / lengths ** length_penalty
        keep = np.argsort(-scores, kind="stable")[:beam_width]
        seqs = [cand_seq[i] for i in keep]
        sums = np.array([cand_sum[i] for i in keep])
        done = [cand_done[i] for i in keep]
        caches = [cand_cache[i] for i in keep]
        if all(done):
            break
    return [(list(s), float(total / len(s) ** length_penalty)) for s, total in zip(seqs, sums)]


def generate(params, prompt, max_new_tokens, eos_id=None, beam_width=1, length_penalty=1.0):
    def lm(ids, cache):
        return decode_step(params, ids, cache)

    if beam_width == 1 and max_new_tokens >= 0:
        return greedy_search(lm, prompt, max_new_tokens, eos_id)
    return beam_search(lm, prompt, beam_width, max_new_tokens, eos_id, length_penalty)[0][0]
