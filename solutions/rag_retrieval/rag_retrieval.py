"""Reference solution: cosine top-k retrieval, recall@k, MRR, NDCG@k and MMR re-ranking."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def _unit_rows(x: np.ndarray, what: str) -> np.ndarray:
    """Rows scaled to unit length (a new array); ValueError for a zero row."""
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError(f"{what} has a zero vector: its cosine similarity is undefined")
    return x / norms


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k best scores of each row, best first; ties by the lower index."""
    order = np.argsort(-scores, axis=-1, kind="stable")  # stable: equal scores keep index order
    return order[..., :k]


def cosine_top_k(queries, docs, k: int) -> tuple[np.ndarray, np.ndarray]:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    scores = _unit_rows(queries, "queries") @ _unit_rows(docs, "docs").T  # (Q, N) cosine similarities
    indices = _top(scores, k)  # k > N: all N documents
    return indices, np.take_along_axis(scores, indices, axis=-1)


def _check(ranked: Sequence[int], relevance: Mapping[int, float], k: int | None) -> list[int]:
    ranked = [int(d) for d in ranked]
    if len(set(ranked)) != len(ranked):
        raise ValueError("the ranking lists a document twice")
    if any(g < 0 for g in relevance.values()):
        raise ValueError("relevance grades must be non-negative")
    if k is not None and k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    return ranked


def recall_at_k(ranked: Sequence[int], relevance: Mapping[int, float], k: int) -> float:
    ranked = _check(ranked, relevance, k)
    relevant = {d for d, g in relevance.items() if g > 0}
    if not relevant:
        return 0.0
    return sum(d in relevant for d in ranked[:k]) / len(relevant)


def reciprocal_rank(ranked: Sequence[int], relevance: Mapping[int, float], k: int | None = None) -> float:
    ranked = _check(ranked, relevance, k)
    for rank, d in enumerate(ranked[:k], start=1):
        if relevance.get(d, 0) > 0:
            return 1.0 / rank
    return 0.0


def _gain(grades: np.ndarray, gain: str) -> np.ndarray:
    if gain == "linear":
        return grades
    if gain == "exponential":
        return np.power(2.0, grades) - 1.0
    raise ValueError(f"gain must be 'linear' or 'exponential', got {gain!r}")


def _dcg(grades: Sequence[float], gain: str) -> float:
    grades = np.asarray(grades, dtype=np.float64)
    discounts = np.log2(np.arange(2, len(grades) + 2))  # rank i (from 1) is discounted by log2(i + 1)
    return float(np.sum(_gain(grades, gain) / discounts))


def dcg_at_k(ranked: Sequence[int], relevance: Mapping[int, float], k: int, gain: str = "linear") -> float:
    ranked = _check(ranked, relevance, k)
    _gain(np.zeros(0), gain)
    return _dcg([relevance.get(d, 0) for d in ranked[:k]], gain)


def ndcg_at_k(ranked: Sequence[int], relevance: Mapping[int, float], k: int, gain: str = "linear") -> float:
    dcg = dcg_at_k(ranked, relevance, k, gain)
    ideal = _dcg(sorted(relevance.values(), reverse=True)[:k], gain)  # every judged document, best first
    return dcg / ideal if ideal > 0 else 0.0


def mmr_rerank(query, docs, candidates: Sequence[int], k: int, lambda_mult: float = 0.5) -> np.ndarray:
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if not 0.0 <= lambda_mult <= 1.0:
        raise ValueError(f"lambda_mult must be in [0, 1], got {lambda_mult}")
    candidates = np.asarray(candidates, dtype=np.int64)
    q = _unit_rows(np.asarray(query)[None, :], "query")[0]
    d = _unit_rows(np.asarray(docs)[candidates], "docs[candidates]")
    to_query = d @ q
    between = d @ d.T
    order = np.argsort(candidates, kind="stable")  # ties: the lower document id wins
    chosen: list[int] = []
    left = list(order)
    for _ in range(min(k, len(candidates))):
        if not chosen:
            score = to_query[left]
        else:
            redundancy = between[np.ix_(left, chosen)].max(axis=1)
            score = lambda_mult * to_query[left] - (1.0 - lambda_mult) * redundancy
        best = left[int(np.argmax(score))]  # argmax: the first of equal scores, i.e. the lower id
        chosen.append(best)
        left.remove(best)
    return candidates[chosen]


def evaluate_retrieval(rankings: Sequence[Sequence[int]], relevances: Sequence[Mapping[int, float]],
                       k: int) -> dict:
    if len(rankings) != len(relevances):
        raise ValueError(f"{len(rankings)} rankings but {len(relevances)} relevance judgments")
    judged = [(r, rel) for r, rel in zip(rankings, relevances) if any(g > 0 for g in rel.values())]
    if not judged:
        raise ValueError("no query has a relevant document")
    return {
        "recall": float(np.mean([recall_at_k(r, rel, k) for r, rel in judged])),
        "mrr": float(np.mean([reciprocal_rank(r, rel, k) for r, rel in judged])),
        "ndcg": float(np.mean([ndcg_at_k(r, rel, k) for r, rel in judged])),
        "queries": len(judged),
    }
