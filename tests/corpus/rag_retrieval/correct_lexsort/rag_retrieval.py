"""Correct, written differently: dot / outer(norms), np.lexsort rankings, vectorised metrics, masked MMR."""
import numpy as np


def cosine_top_k(queries, docs, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    qn = np.sqrt(np.einsum("ij,ij->i", queries, queries, dtype=np.float64))
    dn = np.sqrt(np.einsum("ij,ij->i", docs, docs, dtype=np.float64))
    if (qn == 0).any() or (dn == 0).any():
        raise ValueError("zero-norm vector")
    sims = np.einsum("qd,nd->qn", queries, docs, dtype=np.float64) / np.outer(qn, dn)
    n = sims.shape[1]
    idx = np.stack([np.lexsort((np.arange(n), -row)) for row in sims])[:, :min(k, n)]
    return idx, np.take_along_axis(sims, idx, axis=1)


def _prepare(ranked, relevance, k):
    ids = np.asarray(ranked, dtype=np.int64).reshape(-1)
    if np.unique(ids).size != ids.size:
        raise ValueError("duplicate ids")
    if relevance and min(relevance.values()) < 0:
        raise ValueError("negative grade")
    if k is not None and k < 1:
        raise ValueError("bad k")
    grades = np.array([relevance.get(int(i), 0.0) for i in ids], dtype=np.float64)
    return ids, grades


def recall_at_k(ranked, relevance, k):
    _, grades = _prepare(ranked, relevance, k)
    n_rel = np.count_nonzero(np.array(list(relevance.values()), dtype=float) > 0)
    return float(np.count_nonzero(grades[:k] > 0) / n_rel) if n_rel else 0.0


def reciprocal_rank(ranked, relevance, k=None):
    _, grades = _prepare(ranked, relevance, k)
    hits = np.flatnonzero(grades[:k] > 0)
    return float(1.0 / (hits[0] + 1)) if hits.size else 0.0


def _discounted(grades, gain):
    gains = {"linear": lambda g: g, "exponential": lambda g: np.exp2(g) - 1.0}
    if gain not in gains:
        raise ValueError(f"unknown gain {gain!r}")
    return float(np.dot(gains[gain](grades), 1.0 / np.log2(np.arange(len(grades)) + 2.0)))


def dcg_at_k(ranked, relevance, k, gain="linear"):
    _, grades = _prepare(ranked, relevance, k)
    return _discounted(grades[:k], gain)


def ndcg_at_k(ranked, relevance, k, gain="linear"):
    _, grades = _prepare(ranked, relevance, k)
    ideal = _discounted(-np.sort(-np.array(list(relevance.values()), dtype=np.float64))[:k], gain)
    return _discounted(grades[:k], gain) / ideal if ideal > 0 else 0.0


def mmr_rerank(query, docs, candidates, k, lambda_mult=0.5):
    if not (0.0 <= lambda_mult <= 1.0) or k < 1:
        raise ValueError("bad lambda_mult or k")
    cands = np.sort(np.asarray(candidates, dtype=np.int64))  # ties: argmax takes the lowest id
    vecs = np.asarray(docs, dtype=np.float64)[cands]
    q = np.asarray(query, dtype=np.float64)
    vn, qn = np.linalg.norm(vecs, axis=1), np.linalg.norm(q)
    if qn == 0 or (vn == 0).any():
        raise ValueError("zero vector")
    rel = vecs @ q / (vn * qn)
    pair = (vecs @ vecs.T) / np.outer(vn, vn)
    taken = np.zeros(len(cands), dtype=bool)
    out = []
    for step in range(min(k, len(cands))):
        if step == 0:
            score = rel.copy()
        else:
            score = lambda_mult * rel - (1 - lambda_mult) * pair[:, taken].max(axis=1)
        score[taken] = -np.inf
        best = int(np.argmax(score))
        taken[best] = True
        out.append(cands[best])
    return np.array(out, dtype=np.int64)


def evaluate_retrieval(rankings, relevances, k):
    if len(rankings) != len(relevances):
        raise ValueError("one relevance dict per ranking")
    rows = np.array([[recall_at_k(r, rel, k), reciprocal_rank(r, rel, k), ndcg_at_k(r, rel, k)]
                     for r, rel in zip(rankings, relevances) if any(v > 0 for v in rel.values())])
    if rows.size == 0:
        raise ValueError("no query has a relevant document")
    recall, mrr, ndcg = rows.mean(axis=0)
    return {"recall": float(recall), "mrr": float(mrr), "ndcg": float(ndcg), "queries": int(len(rows))}
