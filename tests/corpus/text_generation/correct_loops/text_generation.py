"""Independent correct implementation: one row at a time with Python sorting, rng.choice for the draw,
and a generator that keeps the text as a list of ids."""
import math

import numpy as np


def as_model(model):
    import keras
    if isinstance(model, keras.Model):
        return model
    net = keras.saving.deserialize_keras_object(model["config"], safe_mode=True)
    net.set_weights(list(model["weights"]))
    return net


def _row(logits, temperature, top_k, top_p):
    v = len(logits)
    if temperature == 0:
        best = max(range(v), key=lambda i: (logits[i], -i))
        return [1.0 if i == best else 0.0 for i in range(v)]
    top = max(logits)
    weights = [math.exp((x - top) / temperature) for x in logits]
    total = sum(weights)
    p = [w / total for w in weights]
    ranking = sorted(range(v), key=lambda i: (-p[i], i))
    kept = ranking if top_k is None else ranking[:top_k]
    mass = sum(p[i] for i in kept)
    q = {i: p[i] / mass for i in kept}
    if top_p is not None:
        chosen, running = [], 0.0
        for i in kept:
            chosen.append(i)
            running += q[i]
            if running >= top_p:
                break
        mass = sum(q[i] for i in chosen)
        q = {i: q[i] / mass for i in chosen}
    return [q.get(i, 0.0) for i in range(v)]


def token_probs(logits, temperature=1.0, top_k=None, top_p=None):
    if temperature < 0 or (top_k is not None and top_k < 1) or (top_p is not None and not 0 < top_p <= 1):
        raise ValueError("bad sampling parameters")
    x = np.asarray(logits, dtype=float)
    if x.ndim == 1:
        return np.array(_row(list(x), temperature, top_k, top_p))
    return np.array([_row(list(r), temperature, top_k, top_p) for r in x])


def sample_next(logits, temperature=1.0, top_k=None, top_p=None, seed=None):
    rng = np.random.default_rng(seed)
    p = token_probs(logits, temperature, top_k, top_p)
    if p.ndim == 1:
        return int(rng.choice(len(p), p=p / p.sum()))
    return np.array([rng.choice(p.shape[1], p=r / r.sum()) for r in p], dtype=np.int64)


def generate(model, start, n, vocab, temperature=1.0, top_k=None, top_p=None, seed=None):
    net = as_model(model)
    chars = "".join(vocab) if not isinstance(vocab, str) else vocab
    if len(start) == 0:
        raise ValueError("empty start")
    for ch in start:
        if chars.find(ch) < 0:
            raise ValueError(f"{ch!r} is not in the vocabulary")
    ids = [chars.index(ch) for ch in start]
    rng = np.random.default_rng(seed)
    while len(ids) < len(start) + n:
        out = np.asarray(net(np.asarray(ids, dtype=np.int32)[None, :]))
        ids.append(sample_next(out[0, len(ids) - 1], temperature, top_k, top_p, seed=rng))
    return "".join(chars[i] for i in ids)
