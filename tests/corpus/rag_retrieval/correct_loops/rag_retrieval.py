"""Correct, written differently: plain Python loops, sort keys (-score, index), an incremental MMR."""
import math

import numpy as np


def _norm(v):
    n = math.sqrt(sum(float(a) * float(a) for a in v))
    if n == 0.0:
        raise ValueError("zero vector")
    return n


def _cos(a, b, na, nb):
    return sum(float(x) * float(y) for x, y in zip(a, b)) / (na * nb)


def cosine_top_k(queries, docs, k):
    if k < 1:
        raise ValueError("k < 1")
    q_norms = [_norm(q) for q in queries]
    d_norms = [_norm(d) for d in docs]
    all_idx, all_scores = [], []
    for q, nq in zip(queries, q_norms):
        scores = [_cos(q, d, nq, nd) for d, nd in zip(docs, d_norms)]
        order = sorted(range(len(docs)), key=lambda j: (-scores[j], j))[:k]
        all_idx.append(order)
        all_scores.append([scores[j] for j in order])
    return np.array(all_idx, dtype=np.int64).reshape(len(queries), -1), \
        np.array(all_scores, dtype=float).reshape(len(queries), -1)


def _validate(ranked, relevance, k):
    ids = [int(x) for x in ranked]
    seen = set()
    for x in ids:
        if x in seen:
            raise ValueError("repeated document")
        seen.add(x)
    for g in relevance.values():
        if g < 0:
            raise ValueError("negative grade")
    if k is not None and k < 1:
        raise ValueError("k < 1")
    return ids


def recall_at_k(ranked, relevance, k):
    ids = _validate(ranked, relevance, k)
    total = 0
    for g in relevance.values():
        if g > 0:
            total += 1
    if total == 0:
        return 0.0
    hits = 0
    for x in ids[:k]:
        if relevance.get(x, 0) > 0:
            hits += 1
    return hits / total


def reciprocal_rank(ranked, relevance, k=None):
    ids = _validate(ranked, relevance, k)
    limit = len(ids) if k is None else min(k, len(ids))
    for position in range(limit):
        if relevance.get(ids[position], 0) > 0:
            return 1.0 / (position + 1)
    return 0.0


def _g(grade, gain):
    if gain == "linear":
        return float(grade)
    if gain == "exponential":
        return 2.0 ** grade - 1.0
    raise ValueError("unknown gain")


def dcg_at_k(ranked, relevance, k, gain="linear"):
    _g(0, gain)
    ids = _validate(ranked, relevance, k)
    total = 0.0
    for position, x in enumerate(ids[:k]):
        total += _g(relevance.get(x, 0), gain) / math.log2(position + 2)
    return total


def ndcg_at_k(ranked, relevance, k, gain="linear"):
    actual = dcg_at_k(ranked, relevance, k, gain)
    best = sorted(relevance.values(), reverse=True)
    ideal = 0.0
    for position, grade in enumerate(best[:k]):
        ideal += _g(grade, gain) / math.log2(position + 2)
    if ideal == 0.0:
        return 0.0
    return actual / ideal


def mmr_rerank(query, docs, candidates, k, lambda_mult=0.5):
    if k < 1:
        raise ValueError("k < 1")
    if lambda_mult < 0 or lambda_mult > 1:
        raise ValueError("lambda_mult outside [0, 1]")
    nq = _norm(query)
    cands = [int(c) for c in candidates]
    norms = {c: _norm(docs[c]) for c in cands}
    relevance = {c: _cos(query, docs[c], nq, norms[c]) for c in cands}
    worst = {c: None for c in cands}  # max similarity to the selection so far
    picked = []
    remaining = sorted(cands)
    while remaining and len(picked) < k:
        def score(c):
            if not picked:
                return relevance[c]
            return lambda_mult * relevance[c] - (1 - lambda_mult) * worst[c]
        best = min(remaining, key=lambda c: (-score(c), c))
        picked.append(best)
        remaining.remove(best)
        for c in remaining:
            s = _cos(docs[c], docs[best], norms[c], norms[best])
            worst[c] = s if worst[c] is None else max(worst[c], s)
    return np.array(picked, dtype=np.int64)


def evaluate_retrieval(rankings, relevances, k):
    if len(rankings) != len(relevances):
        raise ValueError("length mismatch")
    sums = {"recall": 0.0, "mrr": 0.0, "ndcg": 0.0}
    count = 0
    for ranked, relevance in zip(rankings, relevances):
        if not any(g > 0 for g in relevance.values()):
            continue
        count += 1
        sums["recall"] += recall_at_k(ranked, relevance, k)
        sums["mrr"] += reciprocal_rank(ranked, relevance, k)
        sums["ndcg"] += ndcg_at_k(ranked, relevance, k)
    if count == 0:
        raise ValueError("no judged query")
    return {"recall": sums["recall"] / count, "mrr": sums["mrr"] / count, "ndcg": sums["ndcg"] / count,
            "queries": count}
