"""Reference solution: a tiny decoder-only LM with a KV cache, greedy and beam search."""
import numpy as np


def _heads(x, n_heads):
    t, d = x.shape
    return x.reshape(t, n_heads, d // n_heads).transpose(1, 0, 2)  # (H, t, Dh): head h = columns h*Dh..


def _run(params, ids, cache):
    """The blocks over new tokens `ids` given the cached keys/values: (logits, new cache)."""
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    if ids.size == 0:
        raise ValueError("ids must hold at least one token")
    wte, wpe, n_heads = params["wte"], params["wpe"], int(params["n_heads"])
    past = 0 if cache is None else cache[0][0].shape[1]
    t = ids.size
    if past + t > wpe.shape[0]:
        raise ValueError(f"positions {past}..{past + t - 1} do not fit {wpe.shape[0]} position embeddings")
    x = wte[ids] + wpe[past:past + t]                     # positions continue after the cache
    allowed = np.arange(past + t)[None, :] <= (past + np.arange(t))[:, None]  # key j <= query position
    new_cache = []
    for i, layer in enumerate(params["layers"]):
        q, k, v = (_heads(x @ layer[name], n_heads) for name in ("wq", "wk", "wv"))
        if cache is not None:
            k = np.concatenate([cache[i][0], k], axis=1)   # new arrays: the cache passed in is left alone
            v = np.concatenate([cache[i][1], v], axis=1)
        new_cache.append((k, v))
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[-1])
        scores = np.where(allowed, scores, -np.inf)
        scores -= scores.max(axis=-1, keepdims=True)
        weights = np.exp(scores)
        weights /= weights.sum(axis=-1, keepdims=True)
        attended = (weights @ v).transpose(1, 0, 2).reshape(t, -1)
        x = x + attended @ layer["wo"]
        x = x + np.maximum(x @ layer["w1"], 0.0) @ layer["w2"]
    return x @ params["w_out"], new_cache


def forward(params, ids):
    """Logits (T, V) for every position of `ids`, recomputed from scratch (no cache)."""
    return _run(params, ids, None)[0]


def decode_step(params, ids, cache=None):
    """Logits (len(ids), V) for the new tokens `ids` and the cache extended by them."""
    return _run(params, ids, cache)


def log_softmax(logits):
    logits = np.asarray(logits, dtype=np.float64)
    shifted = logits - np.max(logits, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def _check(prompt, max_new_tokens, beam_width=1):
    if len(prompt) == 0:
        raise ValueError("the prompt must hold at least one token")
    if max_new_tokens < 0:
        raise ValueError("max_new_tokens must be >= 0")
    if beam_width < 1:
        raise ValueError("beam_width must be >= 1")


def greedy_search(lm, prompt, max_new_tokens, eos_id=None):
    """The argmax token at every step; stops after EOS (included) or max_new_tokens tokens."""
    prompt = [int(t) for t in prompt]
    _check(prompt, max_new_tokens)
    out = []
    if max_new_tokens == 0:
        return out
    logits, cache = lm(prompt, None)
    while True:
        token = int(np.argmax(np.asarray(logits)[-1]))     # first index among equal maxima
        out.append(token)
        if token == eos_id or len(out) == max_new_tokens:
            return out
        logits, cache = lm([token], cache)


def _score(total, length, length_penalty):
    return total / length ** length_penalty


def beam_search(lm, prompt, beam_width, max_new_tokens, eos_id=None, length_penalty=1.0):
    """The final beam as [(tokens, score), ...], best first (score = log-prob sum / length ** penalty)."""
    prompt = [int(t) for t in prompt]
    _check(prompt, max_new_tokens, beam_width)
    if max_new_tokens == 0:
        return [([], 0.0)]
    # a hypothesis: [tokens, log-prob sum, finished, cache of its parent (to feed its last token with)]
    beam = [[[], 0.0, False, None]]
    for step in range(max_new_tokens):
        candidates = []
        for tokens, total, finished, cache in beam:
            if finished:
                candidates.append((_score(total, len(tokens), length_penalty), tokens, total, True, None))
                continue
            fed = prompt if step == 0 else tokens[-1:]
            logits, new_cache = lm(fed, cache)             # feed only the hypotheses being extended
            logp = log_softmax(np.asarray(logits)[-1])
            for w in range(logp.size):
                ext = tokens + [w]
                candidates.append((_score(total + logp[w], len(ext), length_penalty), ext, total + logp[w],
                                   w == eos_id, new_cache))
        order = sorted(range(len(candidates)), key=lambda i: -candidates[i][0])  # stable: earlier wins ties
        beam = [list(candidates[i][1:]) for i in order[:beam_width]]
        if all(h[2] for h in beam):
            break
    return [(tokens, float(_score(total, len(tokens), length_penalty))) for tokens, total, _, _ in beam]


def generate(params, prompt, max_new_tokens, eos_id=None, beam_width=1, length_penalty=1.0):
    """The best hypothesis of a search over this model's own decode_step (greedy when beam_width == 1)."""
    def lm(ids, cache):
        return decode_step(params, ids, cache)

    return beam_search(lm, prompt, beam_width, max_new_tokens, eos_id, length_penalty)[0][0]
