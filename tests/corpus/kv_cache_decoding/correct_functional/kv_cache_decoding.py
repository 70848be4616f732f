"""Correct, written differently: einsum attention with an additive -1e300 mask built from absolute positions,
np.logaddexp.reduce for the log-softmax, greedy as beam search of width 1, heapq.nlargest for the beam."""
import heapq

import numpy as np


def _split(x, h):
    return np.stack(np.split(x, h, axis=-1))          # (H, t, Dh)


def decode_step(params, ids, cache=None):
    ids = np.array(ids, dtype=int).ravel()
    layers = params["layers"]
    h = int(params["n_heads"])
    past = 0 if not cache else int(np.shape(cache[0][0])[1])
    if len(ids) == 0:
        raise ValueError("decode_step needs at least one token")
    pos = np.arange(past, past + len(ids))
    if pos[-1] >= len(params["wpe"]):
        raise ValueError("position out of range")
    x = params["wte"][ids] + params["wpe"][pos]
    key_pos = np.arange(past + len(ids))
    penalty = np.where(key_pos[None, :] > pos[:, None], -1e300, 0.0)
    out_cache = []
    for n, layer in enumerate(layers):
        q = _split(x @ layer["wq"], h)
        k_new, v_new = _split(x @ layer["wk"], h), _split(x @ layer["wv"], h)
        k = k_new if not cache else np.concatenate((np.asarray(cache[n][0]), k_new), 1)
        v = v_new if not cache else np.concatenate((np.asarray(cache[n][1]), v_new), 1)
        out_cache.append((k, v))
        s = np.einsum("hqd,hkd->hqk", q, k) / np.sqrt(q.shape[2]) + penalty
        s = np.exp(s - s.max(-1, keepdims=True))
        a = np.einsum("hqk,hkd->hqd", s / s.sum(-1, keepdims=True), v)
        x = x + np.concatenate(list(a), axis=-1) @ layer["wo"]
        x = x + np.clip(x @ layer["w1"], 0, None) @ layer["w2"]
    return x @ params["w_out"], out_cache


def forward(params, ids):
    logits, _ = decode_step(params, ids)
    return logits


def beam_search(lm, prompt, beam_width, max_new_tokens, eos_id=None, length_penalty=1.0):
    prompt = list(map(int, prompt))
    if len(prompt) < 1:
        raise ValueError("prompt is empty")
    if max_new_tokens < 0:
        raise ValueError("max_new_tokens < 0")
    if beam_width < 1:
        raise ValueError("beam_width < 1")
    beams = [((), 0.0, False, None)]              # (tokens, log-prob sum, finished, cache to extend with)
    if max_new_tokens == 0:
        return [([], 0.0)]

    def score(item):
        return item[1] / len(item[0]) ** length_penalty

    for step in range(1, max_new_tokens + 1):
        pool = []
        for tokens, total, finished, cache in beams:
            if finished:
                pool.append((tokens, total, True, None))
                continue
            logits, new_cache = lm(list(tokens[-1:]) if step > 1 else prompt, cache)
            row = np.asarray(logits, dtype=float)[-1]
            logp = row - np.logaddexp.reduce(row)
            pool.extend((tokens + (w,), total + float(logp[w]), w == eos_id, new_cache) for w in range(len(row)))
        beams = heapq.nlargest(beam_width, pool, key=score)   # = sorted(..., reverse=True)[:n]: stable
        if all(b[2] for b in beams):
            break
    return [(list(b[0]), float(score(b))) for b in beams]


def greedy_search(lm, prompt, max_new_tokens, eos_id=None):
    return beam_search(lm, prompt, 1, max_new_tokens, eos_id, 0.0)[0][0]


def generate(params, prompt, max_new_tokens, eos_id=None, beam_width=1, length_penalty=1.0):
    best = beam_search(lambda ids, cache: decode_step(params, ids, cache), prompt, beam_width, max_new_tokens,
                       eos_id, length_penalty)
    return best[0][0]
