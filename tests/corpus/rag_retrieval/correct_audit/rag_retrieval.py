"""Correct (audit, written from the statement alone): cosine as dot over the outer product of norms, stable argsort, min-with-key selection for MMR, set-based recall."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np


def _unit_rows(x: np.ndarray, what: str) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    if np.any(n == 0):
        raise ValueError(f"{what} has a row of norm 0")
    return x / n


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return (a @ b.T) / np.outer(np.linalg.norm(a, axis=-1), np.linalg.norm(b, axis=-1))


def cosine_top_k(queries: np.ndarray, docs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k documents by cosine similarity, ties to the lower index."""
    if k < 1:
        raise ValueError("k < 1")
    q = np.asarray(queries, dtype=np.float64)
    d = np.asarray(docs, dtype=np.float64)
    if np.any(np.linalg.norm(q, axis=1) == 0) or np.any(np.linalg.norm(d, axis=1) == 0):
        raise ValueError("zero row")
    s = _cos(q, d)
    kk = min(k, d.shape[0])
    order = np.argsort(-s, axis=1, kind="stable")[:, :kk]
    return order.astype(np.int64), np.take_along_axis(s, order, axis=1)


def _check(ranked, relevance, k):
    ranked = [int(x) for x in ranked]
    if len(set(ranked)) != len(ranked):
        raise ValueError("repeated id")
    if any(g < 0 for g in relevance.values()):
        raise ValueError("negative grade")
    if k is not None and k < 1:
        raise ValueError("k < 1")
    return ranked


def recall_at_k(ranked: Sequence[int], relevance: Mapping[int, float], k: int) -> float:
    """Relevant documents in ranked[:k] over all relevant documents."""
    ranked = _check(ranked, relevance, k)
    rel = {d for d, g in relevance.items() if g > 0}
    if not rel:
        return 0.0
    return sum(1 for d in ranked[:k] if d in rel) / len(rel)


def reciprocal_rank(ranked: Sequence[int], relevance: Mapping[int, float], k: int | None = None) -> float:
    """1 / rank of the first relevant document in ranked[:k]."""
    ranked = _check(ranked, relevance, k)
    top = ranked if k is None else ranked[:k]
    for i, d in enumerate(top, start=1):
        if relevance.get(d, 0) > 0:
            return 1.0 / i
    return 0.0


def _gain(g: float, gain: str) -> float:
    if gain == "linear":
        return float(g)
    if gain == "exponential":
        return 2.0 ** g - 1.0
    raise ValueError(f"unknown gain {gain!r}")


def _dcg(grades, gain):
    return sum(_gain(g, gain) / math.log2(i + 1) for i, g in enumerate(grades, start=1))


def dcg_at_k(ranked: Sequence[int], relevance: Mapping[int, float], k: int, gain: str = "linear") -> float:
    """Discounted cumulative gain of the first k documents."""
    _gain(0, gain)
    ranked = _check(ranked, relevance, k)
    return float(_dcg([relevance.get(d, 0) for d in ranked[:k]], gain))


def ndcg_at_k(ranked: Sequence[int], relevance: Mapping[int, float], k: int, gain: str = "linear") -> float:
    """DCG@k over the ideal DCG@k of every judged document."""
    dcg = dcg_at_k(ranked, relevance, k, gain)
    ideal = _dcg(sorted(relevance.values(), reverse=True)[:k], gain)
    return 0.0 if ideal == 0 else float(dcg / ideal)


def mmr_rerank(query: np.ndarray, docs: np.ndarray, candidates: Sequence[int], k: int,
               lambda_mult: float = 0.5) -> np.ndarray:
    """Greedy maximal marginal relevance."""
    if not 0.0 <= lambda_mult <= 1.0:
        raise ValueError("lambda_mult outside [0, 1]")
    if k < 1:
        raise ValueError("k < 1")
    cand = [int(c) for c in candidates]
    q = np.asarray(query, dtype=np.float64)
    d = np.asarray(docs, dtype=np.float64)
    if np.linalg.norm(q) == 0:
        raise ValueError("zero query")
    if cand and np.any(np.linalg.norm(d[cand], axis=1) == 0):
        raise ValueError("zero candidate")
    if not cand:
        return np.zeros(0, dtype=np.int64)
    rel = _cos(q[None, :], d[cand])[0]
    sim = _cos(d[cand], d[cand])
    remaining = list(range(len(cand)))
    first = min(remaining, key=lambda i: (-rel[i], cand[i]))
    chosen = [first]
    remaining.remove(first)
    while remaining and len(chosen) < k:
        def score(i):
            return lambda_mult * rel[i] - (1 - lambda_mult) * max(sim[i, j] for j in chosen)
        best = min(remaining, key=lambda i: (-score(i), cand[i]))
        chosen.append(best)
        remaining.remove(best)
    return np.array([cand[i] for i in chosen[:k]], dtype=np.int64)


def evaluate_retrieval(rankings: Sequence[Sequence[int]], relevances: Sequence[Mapping[int, float]],
                       k: int) -> dict:
    """Per-query means over queries that have a relevant document."""
    if len(rankings) != len(relevances):
        raise ValueError("length mismatch")
    r, m, n = [], [], []
    for ranked, rel in zip(rankings, relevances):
        ranked = list(ranked)
        vals = (recall_at_k(ranked, rel, k), reciprocal_rank(ranked, rel, k), ndcg_at_k(ranked, rel, k))
        if any(g > 0 for g in rel.values()):
            r.append(vals[0]); m.append(vals[1]); n.append(vals[2])
    if not r:
        raise ValueError("no query has a relevant document")
    return {"recall": float(np.mean(r)), "mrr": float(np.mean(m)), "ndcg": float(np.mean(n)), "queries": len(r)}
