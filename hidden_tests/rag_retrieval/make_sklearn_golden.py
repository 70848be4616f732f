"""Freeze scikit-learn's cosine similarities, DCG and NDCG on fixed inputs into sklearn_golden.npz.

    python -m hidden_tests.rag_retrieval.make_sklearn_golden          # (re)write sklearn_golden.npz
    python -m hidden_tests.rag_retrieval.make_sklearn_golden --check  # compare the file with the installed sklearn

Importing sklearn.metrics takes about half of the suite's 5 s budget on a loaded machine, so the hidden
suite reads the frozen values (inputs included).
"""
import sys
from pathlib import Path

import numpy as np

from graders.golden import write_or_check

GOLDEN = Path(__file__).with_name("sklearn_golden.npz")


def ranking_case(rng: np.random.Generator, n: int, sparse: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Grades of n documents, a random full ranking, and untied scores that rank them that way."""
    if sparse:
        y_true = np.where(rng.random(n) < 0.7, 0, rng.integers(1, 5, size=n)).astype(float)
        y_true[rng.integers(n)] = 2.0  # at least one relevant document
    else:
        y_true = rng.integers(0, 4, size=n).astype(float)
    ranked = rng.permutation(n)
    y_score = np.empty(n)
    y_score[ranked] = np.arange(n, 0, -1)
    return y_true, ranked, y_score


def compute() -> dict:
    from sklearn.metrics import dcg_score, ndcg_score
    from sklearn.metrics.pairwise import cosine_similarity

    rng = np.random.default_rng(4)
    queries = rng.normal(size=(6, 12)) * rng.uniform(0.05, 20.0, size=(6, 1))
    docs = rng.normal(size=(30, 12)) * rng.uniform(0.05, 20.0, size=(30, 1))
    values = {"cos_queries": queries, "cos_docs": docs, "cos_sklearn": cosine_similarity(queries, docs)}
    rng = np.random.default_rng(15)
    for i in range(10):
        n, k = int(rng.integers(5, 30)), int(rng.integers(1, 8))
        y_true, ranked, y_score = ranking_case(rng, n, sparse=False)
        values |= {f"dcg{i}_y_true": y_true, f"dcg{i}_ranked": ranked, f"dcg{i}_k": np.array(k),
                   f"dcg{i}_sklearn": np.array(dcg_score([y_true], [y_score], k=k))}
    rng = np.random.default_rng(17)
    for i in range(15):
        n, k = int(rng.integers(5, 40)), int(rng.integers(1, 12))
        y_true, ranked, y_score = ranking_case(rng, n, sparse=True)
        values |= {f"ndcg{i}_y_true": y_true, f"ndcg{i}_ranked": ranked, f"ndcg{i}_k": np.array(k),
                   f"ndcg{i}_sklearn": np.array(ndcg_score([y_true], [y_score], k=k))}
    return values


if __name__ == "__main__":
    sys.exit(write_or_check(compute, GOLDEN, sys.argv[1:], "scikit-learn"))
