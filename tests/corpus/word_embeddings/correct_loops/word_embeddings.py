"""An independent correct solution: offsets instead of nested position loops, explicit
per-row normalisation loops, sigmoid via tanh, sorting with Python's sorted()."""
import math

import numpy as np


def skipgram_pairs(tokens, window):
    if window < 1:
        raise ValueError("window must be >= 1")
    toks = [int(t) for t in tokens]
    out = []
    for offset in list(range(-window, 0)) + list(range(1, window + 1)):
        for i in range(len(toks)):
            j = i + offset
            if 0 <= j < len(toks):
                out.append([toks[i], toks[j]])
    return np.array(out, dtype=int).reshape(-1, 2)


def _unit(v):
    n = math.sqrt(sum(float(x) * float(x) for x in v))
    return np.zeros(len(v)) if n == 0 else np.array([float(x) / n for x in v])


def cosine_similarity(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    A = a.reshape(1, -1) if a.ndim == 1 else a
    B = b.reshape(1, -1) if b.ndim == 1 else b
    out = np.empty((A.shape[0], B.shape[0]))
    for i in range(A.shape[0]):
        ua = _unit(A[i])
        for j in range(B.shape[0]):
            out[i, j] = float(np.dot(ua, _unit(B[j])))
    if a.ndim == 1 and b.ndim == 1:
        return float(out[0, 0])
    if a.ndim == 1:
        return out[0]
    if b.ndim == 1:
        return out[:, 0]
    return out


def most_similar(E, vocab, word, k):
    vocab = list(vocab)
    if word not in vocab:
        raise KeyError(word)
    q = vocab.index(word)
    sims = cosine_similarity(np.asarray(E, float), np.asarray(E, float)[q])
    ranked = sorted((i for i in range(len(vocab)) if i != q), key=lambda i: (-sims[i], i))
    return [(vocab[i], float(sims[i])) for i in ranked[:k]]


def analogy(E, vocab, a, b, c):
    vocab = list(vocab)
    for w in (a, b, c):
        if w not in vocab:
            raise KeyError(w)
    U = np.array([_unit(row) for row in np.asarray(E, float)])
    q = U[vocab.index(b)] - U[vocab.index(a)] + U[vocab.index(c)]
    best, best_score = None, -np.inf
    for i, w in enumerate(vocab):
        if w in (a, b, c):
            continue
        s = cosine_similarity(U[i], q)
        if s > best_score:
            best, best_score = w, s
    return best


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def _softplus(x):
    # log(1 + exp(x)), stable both ways
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def negative_sampling_loss_and_grads(v_c, u_o, u_neg):
    v_c, u_o = np.asarray(v_c, float), np.asarray(u_o, float)
    u_neg = np.atleast_2d(np.asarray(u_neg, float))
    s_o = float(u_o @ v_c)
    s_k = u_neg @ v_c
    loss = _softplus(-s_o) + float(np.sum(_softplus(s_k)))
    d_o = -_sigmoid(-s_o)
    d_k = _sigmoid(s_k)
    grad_v = d_o * u_o
    for k in range(u_neg.shape[0]):
        grad_v = grad_v + d_k[k] * u_neg[k]
    return float(loss), grad_v, d_o * v_c, np.outer(d_k, v_c)
