"""Visible tests for rag_retrieval: `python grade.py check rag_retrieval`."""
import math

import numpy as np

from graders.asserts import assert_allclose, assert_equal, assert_scalar_close, call_repr

RANKED, RELEVANCE = [4, 2, 7, 1], {7: 3, 1: 1, 5: 2}  # document 5 is relevant but was not retrieved


def test_cosine_top_k_small_example(learner):
    docs = np.array([[1.0, 0.0], [10.0, 10.0], [0.0, 1.0], [0.9, 0.1]])
    queries = np.array([[1.0, 0.2]])
    indices, scores = learner.cosine_top_k(queries, docs, 2)
    call = call_repr("cosine_top_k", queries, docs, 2)
    # cosine, not dot product: the long document 1 has the largest dot product (12) but cosine 0.832
    assert_equal(indices, [[3, 0]], call + ", indices")
    expected = [[0.92 / math.sqrt(1.04 * 0.82), 1.0 / math.sqrt(1.04)]]
    assert_allclose(scores, expected, call + ", scores", rtol=1e-9)


def test_cosine_top_k_ties_and_k_larger_than_n(learner):
    docs = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 0.0]])  # documents 1 and 2 have the same direction
    queries = np.array([[1.0, 0.0]])
    indices, scores = learner.cosine_top_k(queries, docs, 5)
    call = call_repr("cosine_top_k", queries, docs, 5)
    assert_equal(indices, [[1, 2, 0]], call + ", indices (a tie goes to the lower index; k > N returns all N)")
    assert_allclose(scores, [[1.0, 1.0, 0.0]], call + ", scores", atol=1e-12)


def test_recall_and_reciprocal_rank(learner):
    assert_scalar_close(learner.recall_at_k(RANKED, RELEVANCE, 3), 1 / 3,
                        call_repr("recall_at_k", RANKED, RELEVANCE, 3), why="1 of the 3 relevant documents is in the top 3")
    assert_scalar_close(learner.reciprocal_rank(RANKED, RELEVANCE), 1 / 3,
                        call_repr("reciprocal_rank", RANKED, RELEVANCE), why="the first relevant document is at rank 3")
    assert_scalar_close(learner.recall_at_k(RANKED, {}, 3), 0.0, call_repr("recall_at_k", RANKED, {}, 3),
                        why="a query with no relevant document scores 0.0, not nan")


def test_dcg_and_ndcg(learner):
    assert_scalar_close(learner.dcg_at_k(RANKED, RELEVANCE, 3), 1.5, call_repr("dcg_at_k", RANKED, RELEVANCE, 3),
                        why="grade 3 at rank 3: 3 / log2(4)")
    ideal = 3 + 2 / math.log2(3) + 1 / 2  # all judged grades, best first: 3, 2, 1
    assert_scalar_close(learner.ndcg_at_k(RANKED, RELEVANCE, 3), 1.5 / ideal,
                        call_repr("ndcg_at_k", RANKED, RELEVANCE, 3))


def test_mmr_skips_a_near_duplicate(learner):
    docs = np.array([[1.0, 0.0], [0.98, 0.2], [0.6, 0.8]])  # documents 0 and 1 are near-duplicates
    query = np.array([1.0, 0.3])
    got = learner.mmr_rerank(query, docs, [0, 1, 2], 3)
    assert_equal(got, [1, 2, 0], call_repr("mmr_rerank", query, docs, [0, 1, 2], 3))
    got = learner.mmr_rerank(query, docs, [0, 1, 2], 3, lambda_mult=1.0)
    assert_equal(got, [1, 0, 2], call_repr("mmr_rerank", query, docs, [0, 1, 2], 3, lambda_mult=1.0))


def test_evaluate_retrieval_leaves_out_queries_without_relevant_documents(learner):
    got = learner.evaluate_retrieval([RANKED, [0, 1, 2, 3]], [RELEVANCE, {}], 3)
    call = call_repr("evaluate_retrieval", [RANKED, [0, 1, 2, 3]], [RELEVANCE, {}], 3)
    assert isinstance(got, dict), f"called {call}; got {type(got).__name__}, expected a dict"
    assert got.get("queries") == 1, f"called {call}; got queries={got.get('queries')!r}, expected 1"
    ideal = 3 + 2 / math.log2(3) + 1 / 2
    for key, expected in (("recall", 1 / 3), ("mrr", 1 / 3), ("ndcg", 1.5 / ideal)):
        assert_scalar_close(got.get(key), expected, call + f"[{key!r}]")
