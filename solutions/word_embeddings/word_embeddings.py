"""Reference solution: skip-gram pairs, cosine similarity, nearest words, analogies and
the skip-gram negative-sampling loss with its gradients, in numpy."""
import numpy as np


def skipgram_pairs(tokens, window):
    """(centre, context) pairs for every context position at distance 1..window: int array (n_pairs, 2)."""
    tokens = np.asarray(tokens)
    if window < 1:
        raise ValueError(f"window must be at least 1, got {window}")
    pairs = []
    for i in range(len(tokens)):
        for j in range(max(0, i - window), min(len(tokens), i + window + 1)):
            if j != i:
                pairs.append((tokens[i], tokens[j]))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def _rows(x):
    x = np.asarray(x, dtype=np.float64)
    return x[None, :] if x.ndim == 1 else x


def cosine_similarity(a, b):
    """Cosine similarity. a: (d,) or (n, d); b: (d,) or (m, d).

    Returns a float for two vectors, (m,) for a vector against rows, (n,) for rows against
    a vector, (n, m) for rows against rows. A zero vector has similarity 0 with everything.
    """
    A, B = _rows(a), _rows(b)
    if A.shape[1] != B.shape[1]:
        raise ValueError(f"vector sizes differ: {A.shape[1]} and {B.shape[1]}")
    norm_a = np.linalg.norm(A, axis=1, keepdims=True)
    norm_b = np.linalg.norm(B, axis=1, keepdims=True)
    A = np.divide(A, norm_a, out=np.zeros_like(A), where=norm_a > 0)
    B = np.divide(B, norm_b, out=np.zeros_like(B), where=norm_b > 0)
    sims = A @ B.T
    a_vec, b_vec = np.ndim(a) == 1, np.ndim(b) == 1
    if a_vec and b_vec:
        return float(sims[0, 0])
    if a_vec:
        return sims[0]
    if b_vec:
        return sims[:, 0]
    return sims


def _index(vocab, word):
    try:
        return list(vocab).index(word)
    except ValueError:
        raise KeyError(f"{word!r} is not in the vocabulary") from None


def _ranked(scores, exclude, k):
    """Indices of the k highest scores, ties broken by the lower index, `exclude` left out."""
    order = np.lexsort((np.arange(len(scores)), -scores))
    return [int(i) for i in order if int(i) not in exclude][:k]


def most_similar(E, vocab, word, k):
    """The k words closest to `word` by cosine similarity (itself excluded): [(word, similarity), ...]."""
    E = np.asarray(E, dtype=np.float64)
    index = _index(vocab, word)
    scores = cosine_similarity(E, E[index])
    return [(vocab[i], float(scores[i])) for i in _ranked(scores, {index}, k)]


def analogy(E, vocab, a, b, c):
    """'a is to b as c is to ?' (3CosAdd on unit-length rows): the word closest to b - a + c, not a, b or c."""
    E = np.asarray(E, dtype=np.float64)
    ia, ib, ic = _index(vocab, a), _index(vocab, b), _index(vocab, c)
    norms = np.linalg.norm(E, axis=1, keepdims=True)
    U = np.divide(E, norms, out=np.zeros_like(E), where=norms > 0)
    query = U[ib] - U[ia] + U[ic]
    scores = cosine_similarity(U, query)
    return vocab[_ranked(scores, {ia, ib, ic}, 1)[0]]


def _log_sigmoid(x):
    """log(sigmoid(x)) without overflow: -log(1 + exp(-x))."""
    return -np.logaddexp(0.0, -x)


def _sigmoid(x):
    return np.exp(_log_sigmoid(x))


def negative_sampling_loss_and_grads(v_c, u_o, u_neg):
    """Skip-gram negative-sampling loss for one (centre, context) pair and K negatives.

    loss = -log sigmoid(u_o . v_c) - sum_k log sigmoid(-u_k . v_c)
    Returns (loss, grad_v_c (d,), grad_u_o (d,), grad_u_neg (K, d)).
    """
    v_c = np.asarray(v_c, dtype=np.float64)
    u_o = np.asarray(u_o, dtype=np.float64)
    u_neg = np.asarray(u_neg, dtype=np.float64).reshape(-1, v_c.shape[0])
    pos = u_o @ v_c                  # scalar
    neg = u_neg @ v_c                # (K,)
    loss = -_log_sigmoid(pos) - np.sum(_log_sigmoid(-neg))
    g_pos = _sigmoid(pos) - 1.0      # d loss / d pos
    g_neg = _sigmoid(neg)            # d loss / d neg_k
    grad_v_c = g_pos * u_o + g_neg @ u_neg
    grad_u_o = g_pos * v_c
    grad_u_neg = g_neg[:, None] * v_c[None, :]
    return float(loss), grad_v_c, grad_u_o, grad_u_neg
