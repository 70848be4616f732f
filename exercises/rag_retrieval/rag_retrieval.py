"""Retrieval for RAG: cosine top-k, recall@k, MRR, NDCG@k and MMR re-ranking, in numpy.

Run the visible tests with `python grade.py check rag_retrieval`.
A ranking is a sequence of document ids, best first. Relevance judgments for one query are a
dict {document id: grade >= 0}; absent documents have grade 0; relevant means grade > 0.
Do not use sklearn, scipy, faiss, torch, tensorflow or keras.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def cosine_top_k(queries: np.ndarray, docs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k documents of highest cosine similarity to each query, best first.

    queries: (Q, d), docs: (N, d). Returns (indices, scores), both (Q, min(k, N)): integer
    document rows and their cosine similarities q.x / (|q| |x|) (not raw dot products).
    Equal scores: the lower document index first (also at the cut). k > N returns all N.
    Raises ValueError for k < 1 or a zero query/document row. Does not modify its inputs.
    """
    # TODO
    raise NotImplementedError("cosine_top_k")


def recall_at_k(ranked: Sequence[int], relevance: Mapping[int, float], k: int) -> float:
    """(relevant documents in ranked[:k]) / (relevant documents in relevance); 0.0 if there are none.

    Raises ValueError for a repeated id in ranked, a negative grade, or k < 1 (as every metric here).
    """
    # TODO
    raise NotImplementedError("recall_at_k")


def reciprocal_rank(ranked: Sequence[int], relevance: Mapping[int, float], k: int | None = None) -> float:
    """1 / rank (from 1) of the first relevant document in ranked[:k] (k=None: all); 0.0 if none."""
    # TODO
    raise NotImplementedError("reciprocal_rank")


def dcg_at_k(ranked: Sequence[int], relevance: Mapping[int, float], k: int, gain: str = "linear") -> float:
    """sum over i = 1..min(k, len(ranked)) of gain(g_i) / log2(i + 1).

    gain "linear": g; "exponential": 2**g - 1; anything else raises ValueError.
    """
    # TODO
    raise NotImplementedError("dcg_at_k")


def ndcg_at_k(ranked: Sequence[int], relevance: Mapping[int, float], k: int, gain: str = "linear") -> float:
    """dcg_at_k / IDCG@k; IDCG@k: the DCG of ALL judged grades sorted best first, cut at k. 0.0 if IDCG is 0."""
    # TODO
    raise NotImplementedError("ndcg_at_k")


def mmr_rerank(query: np.ndarray, docs: np.ndarray, candidates: Sequence[int], k: int,
               lambda_mult: float = 0.5) -> np.ndarray:
    """Maximal marginal relevance over the candidate rows of docs, cosine similarities.

    First the candidate most similar to the query; then each time the remaining c maximising
    lambda_mult * cos(query, c) - (1 - lambda_mult) * max(cos(c, s) for s already selected).
    Returns min(k, len(candidates)) document rows (integer array) in selection order; equal
    scores go to the lower document index. Raises ValueError for lambda_mult outside [0, 1],
    k < 1, or a zero query/candidate vector. Does not modify its inputs.
    """
    # TODO
    raise NotImplementedError("mmr_rerank")


def evaluate_retrieval(rankings: Sequence[Sequence[int]], relevances: Sequence[Mapping[int, float]],
                       k: int) -> dict:
    """{"recall", "mrr", "ndcg"}: per-query means at k (linear gain), and "queries": how many were averaged.

    Queries with no relevant document are left out of the means. Raises ValueError when the two
    lists differ in length or no query has a relevant document.
    """
    # TODO
    raise NotImplementedError("evaluate_retrieval")
