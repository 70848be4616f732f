"""Sampling the next token (temperature, top-k, top-p) and generating text with a char-level model.

Reference solution. Contract (see the README):
* token_probs(logits, temperature=1.0, top_k=None, top_p=None) -> probabilities, same shape as logits:
    temperature == 0: one-hot at the argmax (first index among equal maxima);
    otherwise softmax(logits / temperature), then top-k (keep exactly k tokens: the k largest, equal values
    taken in increasing index order), renormalise, then top-p (sort by probability, equal ones in increasing
    index order, keep the shortest prefix whose cumulative probability reaches top_p, crossing token
    included), renormalise.
* sample_next(...) draws one token per row of token_probs(...) with np.random.default_rng(seed).
* generate(model, start, n, vocab, ...) appends n sampled characters to start, feeding the model the whole
  text so far; model maps int ids (1, t) to logits (1, t, V) and the last position predicts the next char.
"""
import numpy as np


def token_probs(logits, temperature=1.0, top_k=None, top_p=None):
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim not in (1, 2):
        raise ValueError(f"logits must have shape (V,) or (B, V), got {logits.shape}")
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    if top_k is not None and top_k < 1:
        raise ValueError(f"top_k must be None or >= 1, got {top_k}")
    if top_p is not None and not 0 < top_p <= 1:
        raise ValueError(f"top_p must be None or in (0, 1], got {top_p}")
    rows = np.atleast_2d(logits)
    n_rows, vocab = rows.shape
    if temperature == 0:
        probs = np.zeros_like(rows)
        probs[np.arange(n_rows), np.argmax(rows, axis=1)] = 1.0
        return probs.reshape(logits.shape)
    scaled = rows / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    probs = np.exp(scaled)
    probs /= probs.sum(axis=1, keepdims=True)
    order = np.argsort(-probs, axis=1, kind="stable")   # descending, ties by index
    ranked = np.take_along_axis(probs, order, axis=1)
    keep = np.ones_like(ranked, dtype=bool)
    if top_k is not None:
        keep[:, int(top_k):] = False
        ranked = np.where(keep, ranked, 0.0)
        ranked /= ranked.sum(axis=1, keepdims=True)
    if top_p is not None:
        before = np.cumsum(ranked, axis=1) - ranked     # mass strictly before each token
        keep &= before < top_p                          # keeps the token that crosses top_p
        keep[:, 0] = True
        ranked = np.where(keep, ranked, 0.0)
        ranked /= ranked.sum(axis=1, keepdims=True)
    out = np.zeros_like(probs)
    np.put_along_axis(out, order, ranked, axis=1)
    return out.reshape(logits.shape)


def sample_next(logits, temperature=1.0, top_k=None, top_p=None, seed=None):
    probs = token_probs(logits, temperature, top_k, top_p)
    rows = np.atleast_2d(probs)
    rng = np.random.default_rng(seed)
    cdf = np.cumsum(rows, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random(len(rows))
    tokens = np.sum(cdf < u[:, None], axis=1)
    if probs.ndim == 1:
        return int(tokens[0])
    return tokens.astype(np.int64)


def generate(model, start, n, vocab, temperature=1.0, top_k=None, top_p=None, seed=None):
    model = as_model(model)
    vocab = list(vocab)
    index = {ch: i for i, ch in enumerate(vocab)}
    if not start or any(ch not in index for ch in start):
        raise ValueError(f"start must be a non-empty string of characters from vocab, got {start!r}")
    ids = [index[ch] for ch in start]
    rng = np.random.default_rng(seed)   # one generator for the whole text
    for _ in range(n):
        logits = np.asarray(model(np.array([ids], dtype=np.int32), training=False))[0, 0]
        ids.append(int(sample_next(logits, temperature, top_k, top_p, seed=rng)))
    return "".join(vocab[i] for i in ids)


# ----------------------------------------------------------------------------- given helper

def as_model(model):
    """A live keras.Model as is; a dict {'config': <Keras config>, 'weights': [arrays]} is rebuilt
    (standard layers only, safe mode) with those weights."""
    import keras

    if isinstance(model, keras.Model):
        return model
    rebuilt = keras.saving.deserialize_keras_object(model["config"], safe_mode=True)
    rebuilt.set_weights([np.asarray(w) for w in model["weights"]])
    return rebuilt
