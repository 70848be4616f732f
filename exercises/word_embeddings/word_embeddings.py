"""Word embeddings from scratch in numpy: skip-gram pairs, cosine similarity, nearest
words, analogies and the negative-sampling loss with its gradients.

Run the visible tests with `python grade.py check word_embeddings`.
Do not use tensorflow, keras, torch, sklearn, scipy or gensim.

Conventions: an embedding matrix `E` has shape (V, d); row i is the vector of `vocab[i]`
(`vocab` is a list of V distinct strings).
"""
import numpy as np


def skipgram_pairs(tokens, window):
    """All (centre, context) pairs of a token-id sequence.

    tokens: 1-D sequence of int ids, length n. window: int >= 1 (ValueError otherwise).
    For every position i, the contexts are the positions j with 1 <= |i - j| <= window
    and 0 <= j < n. Returns an int array of shape (n_pairs, 2), rows [tokens[i], tokens[j]]
    (any row order); shape (0, 2) when there is no pair.
    Example: skipgram_pairs([5, 6, 7], 1) -> [[5, 6], [6, 5], [6, 7], [7, 6]]
    """
    # TODO: loop over centre positions and the positions around them
    raise NotImplementedError("skipgram_pairs")


def cosine_similarity(a, b):
    """Cosine similarity a.b / (|a| |b|).

    a: (d,) or (n, d); b: (d,) or (m, d). Returns a float for two vectors, shape (m,) for a
    vector against rows, (n,) for rows against a vector, (n, m) for rows against rows.
    A zero vector has similarity 0.0 with everything (no nan).
    """
    # TODO
    raise NotImplementedError("cosine_similarity")


def most_similar(E, vocab, word, k):
    """The k words with the highest cosine similarity to `word`, the word itself excluded.

    Returns a list of k (word, similarity) tuples, most similar first (ties: lower index
    first). An unknown word raises KeyError.
    """
    # TODO
    raise NotImplementedError("most_similar")


def analogy(E, vocab, a, b, c):
    """'a is to b as c is to ?' by 3CosAdd, as word2vec and gensim do.

    Scale every row of E to unit length (zero rows stay zero), form q = e_b - e_a + e_c
    from the unit rows, and return the word (a str) whose vector has the highest cosine
    similarity with q, excluding a, b and c themselves. Unknown words raise KeyError.
    """
    # TODO
    raise NotImplementedError("analogy")


def negative_sampling_loss_and_grads(v_c, u_o, u_neg):
    """Skip-gram negative-sampling loss for one (centre, context) pair and K negatives.

    v_c: (d,) centre word's input vector; u_o: (d,) true context word's output vector;
    u_neg: (K, d) output vectors of the K negative samples.
        loss = -log sigmoid(u_o . v_c) - sum_k log sigmoid(-u_k . v_c)
    Returns (loss: float, grad_v_c: (d,), grad_u_o: (d,), grad_u_neg: (K, d)), the gradients
    of loss. Must stay finite when the dot products are as large as +-1000.
    """
    # TODO
    raise NotImplementedError("negative_sampling_loss_and_grads")
