"""Audit answer: tiny decoder-only LM with a KV cache, greedy and beam search (numpy)."""
from __future__ import annotations

import numpy as np


def _ids(ids) -> np.ndarray:
    arr = np.asarray(ids, dtype=np.int64).reshape(-1)
    return arr


def _heads(m: np.ndarray, h: int) -> np.ndarray:
    """(T, D) -> (H, T, Dh)."""
    t, d = m.shape
    return m.reshape(t, h, d // h).transpose(1, 0, 2)


def _run(params: dict, ids, cache):
    ids = _ids(ids)
    k_new = len(ids)
    if k_new == 0:
        raise ValueError("no new tokens")
    past = 0 if cache is None else cache[0][0].shape[1]
    P = params["wpe"].shape[0]
    if past + k_new > P:
        raise ValueError("positions past the position table")
    H = int(params["n_heads"])
    x = params["wte"][ids] + params["wpe"][past:past + k_new]
    D = x.shape[1]
    dh = D // H
    new_cache = []
    for li, layer in enumerate(params["layers"]):
        q = _heads(x @ layer["wq"], H)
        k = _heads(x @ layer["wk"], H)
        v = _heads(x @ layer["wv"], H)
        if cache is not None:
            k_all = np.concatenate([cache[li][0], k], axis=1)
            v_all = np.concatenate([cache[li][1], v], axis=1)
        else:
            k_all, v_all = k, v
        new_cache.append((k_all, v_all))
        s = q @ k_all.transpose(0, 2, 1) / np.sqrt(dh)  # (H, k_new, past+k_new)
        qpos = past + np.arange(k_new)[:, None]
        kpos = np.arange(past + k_new)[None, :]
        s = np.where(kpos <= qpos, s, -np.inf)
        s = s - s.max(axis=-1, keepdims=True)
        w = np.exp(s)
        w /= w.sum(axis=-1, keepdims=True)
        a = (w @ v_all).transpose(1, 0, 2).reshape(k_new, D)
        x = x + a @ layer["wo"]
        x = x + np.maximum(x @ layer["w1"], 0.0) @ layer["w2"]
    return x @ params["w_out"], new_cache


def forward(params: dict, ids) -> np.ndarray:
    """Logits (T, V) of ids, no cache."""
    return _run(params, ids, None)[0]


def decode_step(params: dict, ids, cache=None):
    """Feed new tokens after the cached ones -> (logits, new cache)."""
    return _run(params, ids, cache)


def _log_softmax(row) -> np.ndarray:
    row = np.asarray(row, dtype=np.float64)
    m = row.max()
    z = row - m
    return z - np.log(np.exp(z).sum())


def _check(prompt, max_new_tokens):
    if len(list(np.asarray(prompt).reshape(-1))) == 0:
        raise ValueError("empty prompt")
    if max_new_tokens < 0:
        raise ValueError("max_new_tokens < 0")


def greedy_search(lm, prompt, max_new_tokens: int, eos_id=None) -> list[int]:
    """Argmax decoding."""
    _check(prompt, max_new_tokens)
    if max_new_tokens == 0:
        return []
    prompt = [int(t) for t in np.asarray(prompt).reshape(-1)]
    logits, cache = lm(prompt, None)
    out: list[int] = []
    while True:
        lp = _log_softmax(np.asarray(logits)[-1])
        tok = int(np.argmax(lp))
        out.append(tok)
        if (eos_id is not None and tok == eos_id) or len(out) >= max_new_tokens:
            return out
        logits, cache = lm([tok], cache)


def beam_search(lm, prompt, beam_width: int, max_new_tokens: int, eos_id=None, length_penalty: float = 1.0):
    """Beam search with finished hypotheses kept in the beam."""
    _check(prompt, max_new_tokens)
    if beam_width < 1:
        raise ValueError("beam_width < 1")
    if max_new_tokens == 0:
        return [([], 0.0)]
    prompt = [int(t) for t in np.asarray(prompt).reshape(-1)]
    logits, cache = lm(prompt, None)
    # hypothesis: (tokens, logsum, score, finished, logprobs of next token, cache after feeding)
    beam = [dict(tokens=[], total=0.0, score=0.0, done=False, next_lp=_log_softmax(np.asarray(logits)[-1]), cache=cache)]
    for step in range(max_new_tokens):
        if step > 0:
            for h in beam:
                if not h["done"]:
                    lg, c = lm([h["tokens"][-1]], h["parent_cache"])
                    h["next_lp"] = _log_softmax(np.asarray(lg)[-1])
                    h["cache"] = c
        cands = []
        for h in beam:
            if h["done"]:
                cands.append(h)
                continue
            for tok, lp in enumerate(h["next_lp"]):
                toks = h["tokens"] + [tok]
                total = h["total"] + float(lp)
                cands.append(dict(tokens=toks, total=total, score=total / len(toks) ** length_penalty,
                                  done=eos_id is not None and tok == eos_id, parent_cache=h["cache"]))
        cands.sort(key=lambda c: -c["score"])
        beam = cands[:beam_width]
        if all(h["done"] for h in beam):
            break
    return [(list(h["tokens"]), float(h["score"])) for h in beam]


def generate(params: dict, prompt, max_new_tokens: int, eos_id=None, beam_width: int = 1, length_penalty: float = 1.0):
    """Best hypothesis of beam search over decode_step."""
    lm = lambda ids, cache: decode_step(params, ids, cache)  # noqa: E731
    return beam_search(lm, prompt, beam_width, max_new_tokens, eos_id, length_penalty)[0][0]
