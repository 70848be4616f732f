"""Hidden tests for rag_retrieval: cosine top-k vs the reference and scikit-learn's cosine_similarity,
exact ties built from 0/1 vectors scaled by powers of two (bit-identical scores in any correct route),
recall@k, reciprocal rank, DCG/NDCG vs the reference and scikit-learn's dcg_score / ndcg_score, MMR
re-ranking, and the per-query averages of evaluate_retrieval.

scikit-learn's values (cosine_similarity, dcg_score, ndcg_score) are frozen with their inputs in
sklearn_golden.npz by make_sklearn_golden.py (`python -m hidden_tests.rag_retrieval.make_sklearn_golden
--check` re-verifies them): importing sklearn.metrics would take half of the 5 s budget.
Nothing is trained or seeded at grading time: the random cases come from fixed generators and the
tolerances are float rounding bounds (different correct routes differ by about 1e-16).
Wrong answers this suite is built to catch:
- ranking by the raw dot product (long documents win), or normalising only one side
- scores that are not the cosine of the listed document (dot products, or scaled by the query norm)
- ties broken by the higher index (argsort ascending, reversed), an unstable argsort, or argpartition
  choosing arbitrarily among equal scores at the cut
- k > N crashing (argpartition) or padding; k < 1 accepted
- a zero query or document row giving nan instead of ValueError
- the caller's embedding matrix normalised in place (visible only in local mode: secure mode passes copies,
  where the change is lost and harmless; its mutant is proved locally, as `dev corpus` does)
- recall divided by k (precision@k) or by min(k, R); grade-0 entries counted as relevant
- recall or NDCG of a query without relevant documents giving nan (0/0) or raising
- reciprocal rank from 0-based ranks, of the highest-graded document instead of the first relevant one,
  or ignoring k
- DCG with the natural log, with log2(i + 2) (rank 1 discounted), or the exponential gain 2**g without - 1
- an unknown gain silently treated as linear
- ideal DCG from the retrieved documents only (missed relevant documents ignored), unsorted, not cut at
  k, or cut at the ranking's length
- repeated document ids in a ranking or negative grades accepted
- MMR adding the redundancy term instead of subtracting it, using the mean similarity to the selection
  instead of the maximum, lambda_mult on the wrong term, raw dot products, positions in `candidates`
  returned instead of document rows, or ties not going to the lower document index
- MMR accepting lambda_mult outside [0, 1]
- evaluate_retrieval counting queries without relevant documents as 0, pooling hits over queries
  instead of averaging per query, or MRR not cut at k; mismatched lengths accepted
"""
import math
from pathlib import Path

import numpy as np
import pytest

from graders.asserts import (assert_allclose, assert_equal, assert_scalar_close, assert_shape, call_repr,
                             describe, expect_raises)

METRICS = ("recall_at_k", "reciprocal_rank", "dcg_at_k", "ndcg_at_k")


@pytest.fixture(scope="module")
def sklearn_golden() -> dict:
    """Inputs and scikit-learn's outputs, frozen by make_sklearn_golden.py."""
    with np.load(Path(__file__).with_name("sklearn_golden.npz"), allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def embeddings(seed: int, q: int, n: int, d: int, dtype=np.float64) -> tuple[np.ndarray, np.ndarray]:
    """Random queries and documents whose lengths vary over a factor 400 (raw dot products mislead)."""
    rng = np.random.default_rng(seed)
    docs = rng.normal(size=(n, d)) * rng.uniform(0.05, 20.0, size=(n, 1))
    queries = rng.normal(size=(q, d)) * rng.uniform(0.05, 20.0, size=(q, 1))
    return queries.astype(dtype), docs.astype(dtype)


def judge_cosine(queries: np.ndarray, docs: np.ndarray) -> np.ndarray:
    queries, docs = np.asarray(queries, dtype=np.float64), np.asarray(docs, dtype=np.float64)
    return (queries @ docs.T) / np.outer(np.linalg.norm(queries, axis=1), np.linalg.norm(docs, axis=1))


def top_call(queries, docs, k):
    return call_repr("cosine_top_k", queries, docs, k)


def check_top_k(got, queries, docs, k, expected_indices, call, why=""):
    """Shapes, integer indices, the expected order, and scores that are the listed documents' cosines."""
    if not (isinstance(got, tuple) and len(got) == 2):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a tuple (indices, scores)")
    width = min(k, len(docs))
    indices = assert_shape(got[0], (len(queries), width), call + ", indices")
    scores = assert_shape(got[1], (len(queries), width), call + ", scores")
    assert indices.dtype.kind in "iu", f"called {call}; indices have dtype {indices.dtype}, expected integers"
    assert_equal(indices, expected_indices, call + ", indices", show_expected=False, why=why)
    cosine = np.take_along_axis(judge_cosine(queries, docs), expected_indices, axis=1)
    tol = 1e-5 if np.asarray(queries).dtype == np.float32 else 1e-9
    assert_allclose(scores, cosine, call + ", scores", rtol=tol, atol=tol, show_expected=False,
                    why="scores[i, j] is the cosine similarity of query i and document indices[i, j]")


# ----------------------------------------------------------------------------- cosine top-k

TOP_K_CASES = [  # (seed, Q, N, d, k)
    (0, 1, 8, 3, 3),
    (1, 5, 40, 16, 10),
    (2, 7, 120, 32, 25),
    (3, 3, 15, 64, 15),
]


@pytest.mark.clause("C1", probes="raw dot product instead of cosine, or scores that are not the listed cosines",
                    topic="retrieval and ranking")
@pytest.mark.points(2)
@pytest.mark.parametrize("case", TOP_K_CASES, ids=lambda c: f"Q{c[1]}-N{c[2]}-d{c[3]}-k{c[4]}")
def test_top_k_matches_reference(learner, reference, case):
    seed, q, n, d, k = case
    queries, docs = embeddings(seed, q, n, d)
    expected, _ = reference.cosine_top_k(queries, docs, k)
    check_top_k(learner.cosine_top_k(queries, docs, k), queries, docs, k, expected, top_call(queries, docs, k),
                why="rank by cosine similarity q.x / (|q| |x|): document lengths vary here, and a raw dot "
                    "product ranks long documents first")


@pytest.mark.clause("C1", probes="cosine scores and full ranking vs sklearn.metrics.pairwise.cosine_similarity",
                    topic="retrieval and ranking")
def test_full_ranking_matches_sklearn_cosine_similarity(learner, sklearn_golden):
    queries, docs, cosine = (sklearn_golden[name] for name in ("cos_queries", "cos_docs", "cos_sklearn"))
    expected = np.argsort(-cosine, axis=1, kind="stable")
    check_top_k(learner.cosine_top_k(queries, docs, 30), queries, docs, 30, expected, top_call(queries, docs, 30),
                why="differs from the ranking by sklearn.metrics.pairwise.cosine_similarity")


@pytest.mark.clause("C1", probes="a long document winning on the raw dot product", topic="retrieval and ranking")
def test_long_documents_do_not_win(learner):
    docs = np.array([[1.0, 0.0, 0.0], [30.0, 30.0, 0.0], [0.0, 0.0, 2.0], [0.5, 0.03, 0.0]])
    queries = np.array([[2.0, 0.1, 0.0], [0.0, 0.0, 0.01]])
    expected = np.array([[3, 0], [2, 0]])  # query 1 is tiny: its cosines are unchanged, its dot products are not
    check_top_k(learner.cosine_top_k(queries, docs, 2), queries, docs, 2, expected, top_call(queries, docs, 2),
                why="document 1 is long but points elsewhere: cosine ignores length")


@pytest.mark.clause("C1", probes="float32 embeddings", topic="api contract")
def test_float32_embeddings(learner):
    queries, docs = embeddings(5, 4, 20, 8, np.float32)
    expected = np.argsort(-judge_cosine(queries, docs), axis=1, kind="stable")[:, :6]  # score gaps > 1e-4 here
    check_top_k(learner.cosine_top_k(queries, docs, 6), queries, docs, 6, expected, top_call(queries, docs, 6))


def tied_corpus(seed: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """0/1 base vectors scaled by powers of two: documents of one base have bit-identical cosines."""
    rng = np.random.default_rng(seed)
    bases = np.array([[1, 0, 0, 0, 0, 0, 0, 0], [1, 1, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 0, 0, 0, 0],
                      [0, 0, 0, 0, 1, 1, 0, 0], [1, 0, 1, 0, 1, 0, 1, 1]], dtype=np.float64)
    which = rng.integers(0, len(bases), size=n)
    docs = bases[which] * 2.0 ** rng.integers(-3, 4, size=(n, 1))
    queries = np.array([[1, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 0, 1, 0, 0, 0], [0, 0, 1, 1, 1, 1, 0, 1]], dtype=np.float64)
    return queries, docs, which


@pytest.mark.clause("C2", probes="ties broken by the higher index (argsort reversed)", topic="retrieval and ranking")
@pytest.mark.points(2)
def test_ties_go_to_the_lower_index(learner):
    # cosines with the query: 0, 1, 1/sqrt(2), 1, 1, 1/sqrt(2) (documents 1, 3, 4 point the same way)
    docs = np.array([[0, 1, 0, 0], [2, 0, 0, 0], [1, 1, 0, 0], [1, 0, 0, 0], [4, 0, 0, 0], [1, 0, 1, 0]], dtype=float)
    queries = np.array([[1.0, 0.0, 0.0, 0.0]])
    for k in (6, 4, 2):
        expected = np.array([[1, 3, 4, 2, 5, 0][:k]])
        check_top_k(learner.cosine_top_k(queries, docs, k), queries, docs, k, expected, top_call(queries, docs, k),
                    why="equal scores are listed by the lower document index first, also at the cut")


@pytest.mark.clause("C2", probes="an unstable sort or argpartition picking among equal scores at the cut",
                    topic="retrieval and ranking")
@pytest.mark.points(2)
@pytest.mark.parametrize("k", [37, 240])
def test_many_ties_at_the_cut(learner, k):
    queries, docs, which = tied_corpus(6, 240)
    base_cosine = judge_cosine(queries, docs)  # equal within a base by construction; use one value per base
    per_base = np.array([[row[np.flatnonzero(which == b)[0]] for b in range(5)] for row in base_cosine])
    cosine = per_base[:, which]
    expected = np.stack([np.lexsort((np.arange(len(docs)), -row))[:k] for row in cosine])
    check_top_k(learner.cosine_top_k(queries, docs, k), queries, docs, k, expected, top_call(queries, docs, k),
                why="240 documents in 5 groups of equal score: within a group, the lower index comes first and "
                    "makes the cut (np.argsort's default quicksort is not stable)")


@pytest.mark.clause("C3", probes="k larger than the number of documents crashing or padding",
                    topic="retrieval and ranking")
@pytest.mark.points(2)
@pytest.mark.parametrize("k", [8, 9, 50])
def test_k_larger_than_n_returns_every_document(learner, reference, k):
    queries, docs = embeddings(7, 3, 8, 5)
    expected, _ = reference.cosine_top_k(queries, docs, 8)
    check_top_k(learner.cosine_top_k(queries, docs, k), queries, docs, k, expected, top_call(queries, docs, k),
                why="k >= N returns all N documents ranked, without error or padding")


@pytest.mark.clause("C3", probes="k < 1 accepted", topic="input validation")
@pytest.mark.parametrize("k", [0, -2])
def test_k_below_one_raises(learner, k):
    queries, docs = embeddings(8, 2, 6, 3)
    with expect_raises(ValueError, top_call(queries, docs, k), "k must be at least 1"):
        learner.cosine_top_k(queries, docs, k)


@pytest.mark.clause("C4", probes="a zero vector giving nan scores instead of ValueError", topic="input validation")
@pytest.mark.parametrize("where", ["query", "document"])
def test_zero_vector_raises(learner, where):
    queries, docs = embeddings(9, 3, 6, 4)
    (queries if where == "query" else docs)[1] = 0.0
    with expect_raises(ValueError, top_call(queries, docs, 3) + f" with {where} row 1 all zeros",
                       "the cosine similarity of a zero vector is undefined (0 / 0)"):
        learner.cosine_top_k(queries, docs, 3)


@pytest.mark.clause("C5", probes="embeddings normalised in place", topic="api contract")
def test_inputs_not_modified(learner):
    queries, docs = embeddings(10, 3, 12, 6)
    q0, d0 = queries.copy(), docs.copy()
    learner.cosine_top_k(queries, docs, 4)
    assert_equal(queries, q0, "queries after cosine_top_k(queries, docs, 4)", show_expected=False,
                 why="do not normalise the caller's arrays in place")
    assert_equal(docs, d0, "docs after cosine_top_k(queries, docs, 4)", show_expected=False,
                 why="do not normalise the caller's arrays in place")
    query = queries[0].copy()
    learner.mmr_rerank(query, docs, [0, 3, 5, 7], 3)
    assert_equal(query, q0[0], "query after mmr_rerank(query, docs, [0, 3, 5, 7], 3)", show_expected=False,
                 why="do not normalise the caller's arrays in place")
    assert_equal(docs, d0, "docs after mmr_rerank(query, docs, [0, 3, 5, 7], 3)", show_expected=False,
                 why="do not normalise the caller's arrays in place")


# ----------------------------------------------------------------------------- ranking metrics


def metric_cases(seed: int, count: int = 40) -> list[tuple[object, dict, int]]:
    """Random (ranked, relevance, k): grade-0 entries, missed relevant documents, short rankings, no relevant."""
    rng = np.random.default_rng(seed)
    cases = []
    for i in range(count):
        length = int(rng.integers(1, 21))
        ranked = rng.permutation(40)[:length]
        judged = rng.permutation(40)[:int(rng.integers(0, 13))]
        grades = rng.integers(0, 4, size=len(judged)).astype(float)
        if i % 5 == 4:
            grades = rng.uniform(0.0, 3.0, size=len(judged)).round(2)
        relevance = {int(d): float(g) for d, g in zip(judged, grades)}
        k = int(rng.choice([1, 3, 5, 10, 25]))
        cases.append((ranked if i % 2 else [int(d) for d in ranked], relevance, k))
    return cases


def compare_metric(learner, reference, name, cases, why, **kwargs):
    for ranked, relevance, k in cases:
        got = getattr(learner, name)(ranked, relevance, k, **kwargs)
        expected = getattr(reference, name)(ranked, relevance, k, **kwargs)
        assert_scalar_close(got, expected, call_repr(name, ranked, relevance, k, **kwargs), rtol=1e-9, atol=1e-12,
                            show_expected=False, why=why)


@pytest.mark.clause("C7", "C6", probes="recall divided by k or by min(k, R), or grade-0 entries counted as relevant",
                    topic="retrieval and ranking")
@pytest.mark.points(2)
def test_recall_matches_reference(learner, reference):
    compare_metric(learner, reference, "recall_at_k", metric_cases(11),
                   "recall@k = relevant documents in ranked[:k] / relevant documents (grade > 0) in relevance")


@pytest.mark.clause("C7", "C6", probes="recall counting grade-0 judgments as relevant, or dividing by k",
                    topic="retrieval and ranking")
def test_recall_hand_cases(learner):
    for ranked, relevance, k, expected, why in (
        ([3], {1: 0, 2: 0, 3: 1}, 1, 1.0, "documents of grade 0 are judged but not relevant"),
        ([5, 6, 7, 8], {5: 1, 9: 2}, 4, 0.5, "recall divides by the 2 relevant documents, not by k = 4"),
        ([5, 6, 7, 8], {5: 1, 6: 1, 7: 1, 9: 2, 10: 1}, 2, 0.4, "2 of 5 relevant documents in the top 2, not 2 of min(k, 5)"),
        ([5, 6], {5: 1, 9: 2}, 10, 0.5, "a ranking shorter than k is scored as it is"),
    ):
        assert_scalar_close(learner.recall_at_k(ranked, relevance, k), expected,
                            call_repr("recall_at_k", ranked, relevance, k), why=why)


@pytest.mark.clause("C7", "C8", "C10", "C6", probes="nan (0/0) or an error for a query with no relevant document",
                    topic="numerical stability")
@pytest.mark.points(2)
@pytest.mark.parametrize("relevance", [{}, {3: 0, 4: 0.0}], ids=["empty", "grades-0"])
def test_no_relevant_document_scores_zero(learner, relevance):
    ranked = [3, 4, 5]
    for name in ("recall_at_k", "reciprocal_rank", "ndcg_at_k"):
        assert_scalar_close(getattr(learner, name)(ranked, relevance, 3), 0.0, call_repr(name, ranked, relevance, 3),
                            why="a query without relevant documents scores 0.0 (documented), not nan")


@pytest.mark.clause("C8", "C6", probes="reciprocal rank from 0-based ranks or not cut at k", topic="retrieval and ranking")
@pytest.mark.points(2)
def test_reciprocal_rank_matches_reference(learner, reference):
    why = "1 / rank (counted from 1) of the first document of grade > 0 within ranked[:k]"
    compare_metric(learner, reference, "reciprocal_rank", metric_cases(12), why)
    for ranked, relevance, _ in metric_cases(13, 10):
        got = learner.reciprocal_rank(ranked, relevance)
        assert_scalar_close(got, reference.reciprocal_rank(ranked, relevance),
                            call_repr("reciprocal_rank", ranked, relevance), rtol=1e-12, show_expected=False,
                            why="k=None: the whole ranking")


@pytest.mark.clause("C8", probes="rank of the highest-graded document instead of the first relevant one",
                    topic="retrieval and ranking")
def test_reciprocal_rank_hand_cases(learner):
    for ranked, relevance, k, expected, why in (
        ([1, 2, 3], {2: 1, 3: 3}, None, 0.5, "the first relevant document (grade 1, rank 2) counts, whatever its grade"),
        ([1, 2, 3], {1: 2}, None, 1.0, "ranks count from 1"),
        ([1, 2, 3], {3: 1}, 2, 0.0, "the first relevant document is at rank 3, outside the top k = 2"),
        ([1, 2, 3], {3: 1}, 3, 1 / 3, "rank 3 is inside the top k = 3"),
    ):
        assert_scalar_close(learner.reciprocal_rank(ranked, relevance, k), expected,
                            call_repr("reciprocal_rank", ranked, relevance, k=k), why=why)


@pytest.mark.clause("C9", "C6", probes="DCG with the wrong log base, offset or gain", topic="retrieval and ranking")
@pytest.mark.points(2)
@pytest.mark.parametrize("gain", ["linear", "exponential"])
def test_dcg_matches_reference(learner, reference, gain):
    compare_metric(learner, reference, "dcg_at_k", metric_cases(14), gain=gain,
                   why=f"DCG@k = sum over ranks i = 1..k of gain(g_i) / log2(i + 1) ({gain} gain)")


@pytest.mark.clause("C9", probes="natural log, log2(i + 2), or 2**g without the - 1", topic="retrieval and ranking")
def test_dcg_hand_cases(learner):
    for ranked, relevance, k, gain, expected, why in (
        ([0, 1, 2], {1: 1, 2: 2}, 3, "linear", 1 / math.log2(3) + 2 / 2,
         "rank i is discounted by log2(i + 1): rank 2 by log2(3), rank 3 by log2(4) = 2"),
        ([4, 0], {4: 2}, 2, "linear", 2.0, "rank 1 is not discounted (log2(2) = 1)"),
        ([5, 0], {0: 3}, 2, "exponential", 7 / math.log2(3), "the exponential gain is 2**g - 1 (grade 0 gains 0)"),
    ):
        assert_scalar_close(learner.dcg_at_k(ranked, relevance, k, gain=gain), expected,
                            call_repr("dcg_at_k", ranked, relevance, k, gain=gain), rtol=1e-12, why=why)


@pytest.mark.clause("C9", probes="DCG vs sklearn.metrics.dcg_score", topic="retrieval and ranking")
def test_dcg_matches_sklearn(learner, sklearn_golden):
    for i in range(10):
        y_true, ranked, k = (sklearn_golden[f"dcg{i}_{name}"] for name in ("y_true", "ranked", "k"))
        relevance, k = {d: float(g) for d, g in enumerate(y_true)}, int(k)
        assert_scalar_close(learner.dcg_at_k(ranked, relevance, k), sklearn_golden[f"dcg{i}_sklearn"],
                            call_repr("dcg_at_k", ranked, relevance, k), rtol=1e-9, atol=1e-12,
                            show_expected=False, why="differs from sklearn.metrics.dcg_score (log base 2)")


@pytest.mark.clause("C9", "C10", probes="an unknown gain silently treated as linear", topic="input validation")
def test_unknown_gain_raises(learner):
    for name in ("dcg_at_k", "ndcg_at_k"):
        with expect_raises(ValueError, call_repr(name, [1, 2], {1: 1}, 2, gain="log"),
                           "gain is 'linear' or 'exponential'"):
            getattr(learner, name)([1, 2], {1: 1}, 2, gain="log")


@pytest.mark.clause("C10", "C6", probes="ideal DCG from the wrong ordering or the wrong documents",
                    topic="retrieval and ranking")
@pytest.mark.points(3)
@pytest.mark.parametrize("gain", ["linear", "exponential"])
def test_ndcg_matches_reference(learner, reference, gain):
    compare_metric(learner, reference, "ndcg_at_k", metric_cases(16), gain=gain,
                   why="NDCG@k = DCG@k / IDCG@k, IDCG@k from all judged grades sorted best first, cut at k")


@pytest.mark.clause("C10", probes="NDCG vs sklearn.metrics.ndcg_score", topic="retrieval and ranking")
@pytest.mark.points(2)
def test_ndcg_matches_sklearn(learner, sklearn_golden):
    for i in range(15):
        y_true, ranked, k = (sklearn_golden[f"ndcg{i}_{name}"] for name in ("y_true", "ranked", "k"))
        relevance, k = {d: float(g) for d, g in enumerate(y_true) if g > 0 or d % 2}, int(k)  # some grade-0 judged
        assert_scalar_close(learner.ndcg_at_k(ranked, relevance, k), sklearn_golden[f"ndcg{i}_sklearn"],
                            call_repr("ndcg_at_k", ranked, relevance, k), rtol=1e-9, atol=1e-12,
                            show_expected=False, why="differs from sklearn.metrics.ndcg_score (all judged grades "
                                                     "sorted best first make the ideal ranking)")


@pytest.mark.clause("C10", probes="ideal DCG ignoring missed relevant documents, or cut at the ranking's length",
                    topic="retrieval and ranking")
@pytest.mark.points(2)
def test_ndcg_ideal_ranking_hand_cases(learner):
    for ranked, relevance, k, expected, why in (
        ([2, 3], {2: 2, 3: 1, 9: 3}, 2, (2 + 1 / math.log2(3)) / (3 + 2 / math.log2(3)),
         "document 9 (grade 3) was missed: the ideal ranking has it first, so NDCG < 1"),
        ([7], {7: 1, 3: 1}, 2, 1 / (1 + 1 / math.log2(3)),
         "the ideal DCG is cut at k = 2, not at the ranking's length 1"),
        ([1, 2, 3], {1: 1, 2: 2, 3: 3}, 3, (1 + 2 / math.log2(3) + 3 / 2) / (3 + 2 / math.log2(3) + 1 / 2),
         "the ideal ranking sorts the grades from highest to lowest"),
        ([1, 2, 3, 4], {1: 1, 2: 1, 3: 2, 4: 3}, 2, (1 + 1 / math.log2(3)) / (3 + 2 / math.log2(3)),
         "IDCG@2 keeps only the two best grades"),
    ):
        assert_scalar_close(learner.ndcg_at_k(ranked, relevance, k), expected,
                            call_repr("ndcg_at_k", ranked, relevance, k), rtol=1e-12, why=why)


@pytest.mark.clause("C6", probes="a repeated document, a negative grade or k < 1 accepted", topic="input validation")
@pytest.mark.parametrize("name", METRICS)
def test_metrics_validate_their_input(learner, name):
    for ranked, relevance, k, why in (
        ([1, 2, 1], {1: 1}, 3, "a document id repeated in the ranking"),
        (np.array([4, 4]), {4: 1}, 2, "a document id repeated in the ranking"),
        ([1, 2, 3], {2: -1.0}, 3, "a negative grade"),
        ([1, 2, 3], {2: 1}, 0, "k < 1"),
    ):
        with expect_raises(ValueError, call_repr(name, ranked, relevance, k), why):
            getattr(learner, name)(ranked, relevance, k)


# ----------------------------------------------------------------------------- MMR re-ranking


def mmr_case(seed: int, n: int = 60, d: int = 16, size: int = 25):
    rng = np.random.default_rng(seed)
    _, docs = embeddings(seed, 1, n, d)
    docs[rng.integers(n, size=10)] = docs[rng.integers(n, size=10)] * 3.0 + rng.normal(scale=0.05, size=(10, d))
    query = rng.normal(size=d) * 5.0
    candidates = [int(c) for c in rng.permutation(n)[:size]]
    return query, docs, candidates


@pytest.mark.clause("C11", probes="redundancy added, averaged instead of maximised, or lambda on the wrong term",
                    topic="retrieval and ranking")
@pytest.mark.points(3)
@pytest.mark.parametrize("lambda_mult", [0.0, 0.3, 0.5, 0.7, 0.9])
def test_mmr_matches_reference(learner, reference, lambda_mult):
    for seed in (20, 21, 22):
        query, docs, candidates = mmr_case(seed)
        call = call_repr("mmr_rerank", query, docs, candidates, 12, lambda_mult=lambda_mult)
        got = assert_shape(learner.mmr_rerank(query, docs, candidates, 12, lambda_mult=lambda_mult), (12,), call)
        expected = reference.mmr_rerank(query, docs, candidates, 12, lambda_mult=lambda_mult)
        assert_equal(got, expected, call, show_expected=False,
                     why="each step picks the candidate maximising lambda_mult * cos(query, c) - "
                         "(1 - lambda_mult) * max over the selected s of cos(c, s); the result lists document rows")


@pytest.mark.clause("C11", probes="MMR with lambda_mult = 1 not the cosine ranking of the candidates",
                    topic="retrieval and ranking")
def test_mmr_lambda_one_is_the_cosine_ranking(learner):
    query, docs, candidates = mmr_case(23)
    cosine = judge_cosine(query[None, :], docs[candidates])[0]
    expected = np.array(candidates)[np.argsort(-cosine, kind="stable")][:10]
    call = call_repr("mmr_rerank", query, docs, candidates, 10, lambda_mult=1.0)
    assert_equal(learner.mmr_rerank(query, docs, candidates, 10, lambda_mult=1.0), expected, call,
                 show_expected=False, why="lambda_mult = 1 ranks the candidates by cosine similarity to the query "
                                          "(document lengths vary: not by dot product)")


@pytest.mark.clause("C11", probes="MMR keeping a near-duplicate of the first pick", topic="retrieval and ranking")
@pytest.mark.points(2)
def test_mmr_demotes_near_duplicates(learner):
    docs = np.array([[1.0, 0.1, 0.0], [0.0, 0.0, 1.0], [10.0, 1.2, 0.0], [0.7, 0.7, 0.0], [0.3, 0.0, 1.0]])
    query = np.array([1.0, 0.2, 0.0])
    # 0 and 2 are near-duplicates, both the most similar to the query; 3 is less similar but different
    got = learner.mmr_rerank(query, docs, [4, 3, 2, 1, 0], 4)
    call = call_repr("mmr_rerank", query, docs, [4, 3, 2, 1, 0], 4)
    assert_equal(got, [2, 3, 1, 0], call, why="after document 2, its near-duplicate 0 is penalised by its maximum "
                                              "similarity to the selection (subtracted, not added or averaged)")


@pytest.mark.clause("C11", probes="MMR ties not going to the lower document index", topic="retrieval and ranking")
def test_mmr_ties_go_to_the_lower_index(learner):
    # documents 2, 4, 5 point the same way as the query; 1 is at 45 degrees; 3 is orthogonal (exact values)
    docs = np.array([[0, 1, 0, 0], [1, 1, 0, 0], [2, 0, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0], [8, 0, 0, 0]], dtype=float)
    query = np.array([1.0, 0.0, 0.0, 0.0])
    for lambda_mult, expected in ((1.0, [2, 4, 5, 1, 3]), (0.5, [2, 1, 3, 4, 5])):
        call = call_repr("mmr_rerank", query, docs, [5, 3, 2, 4, 1], 5, lambda_mult=lambda_mult)
        assert_equal(learner.mmr_rerank(query, docs, [5, 3, 2, 4, 1], 5, lambda_mult=lambda_mult), expected, call,
                     why="equal MMR scores go to the lower document index (not the order of `candidates`)")


@pytest.mark.clause("C11", probes="MMR with k larger than the candidate list", topic="retrieval and ranking")
def test_mmr_k_larger_than_candidates(learner, reference):
    query, docs, candidates = mmr_case(24, size=6)
    call = call_repr("mmr_rerank", query, docs, candidates, 10)
    got = assert_shape(learner.mmr_rerank(query, docs, candidates, 10), (6,), call)
    assert got.dtype.kind in "iu", f"called {call}; got dtype {got.dtype}, expected integer document rows"
    assert_equal(got, reference.mmr_rerank(query, docs, candidates, 10), call, show_expected=False,
                 why="k > len(candidates) selects every candidate")


@pytest.mark.clause("C12", probes="lambda_mult outside [0, 1], k < 1 or a zero vector accepted",
                    topic="input validation")
def test_mmr_validates_its_input(learner):
    query, docs, candidates = mmr_case(25, size=5)
    for q, k, lambda_mult, why in ((query, 3, -0.1, "lambda_mult must be in [0, 1]"),
                                   (query, 3, 1.5, "lambda_mult must be in [0, 1]"),
                                   (query, 0, 0.5, "k must be at least 1"),
                                   (np.zeros_like(query), 3, 0.5, "a zero query has no cosine similarity")):
        with expect_raises(ValueError, call_repr("mmr_rerank", q, docs, candidates, k, lambda_mult=lambda_mult), why):
            learner.mmr_rerank(q, docs, candidates, k, lambda_mult=lambda_mult)
    zeroed = docs.copy()
    zeroed[candidates[2]] = 0.0
    with expect_raises(ValueError, call_repr("mmr_rerank", query, zeroed, candidates, 3) + " with a zero candidate",
                       "a zero candidate vector has no cosine similarity"):
        learner.mmr_rerank(query, zeroed, candidates, 3)


# ----------------------------------------------------------------------------- evaluation over queries


def check_evaluation(got, expected, call, why=""):
    if not isinstance(got, dict):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a dict")
    missing = [key for key in ("recall", "mrr", "ndcg", "queries") if key not in got]
    if missing:
        raise AssertionError(f"called {call}; the dict has no key {missing[0]!r}")
    if got["queries"] != expected["queries"] or isinstance(got["queries"], (bool, float)):
        raise AssertionError(f"called {call}; got queries={got['queries']!r}, expected {expected['queries']} - "
                             "the number of queries with at least one relevant document")
    for key in ("recall", "mrr", "ndcg"):
        assert_scalar_close(got[key], expected[key], call + f"[{key!r}]", rtol=1e-9, atol=1e-12, why=why)


@pytest.mark.clause("C13", probes="queries without relevant documents counted as 0, or MRR not cut at k",
                    topic="retrieval and ranking")
@pytest.mark.points(3)
@pytest.mark.parametrize("k", [1, 5, 10])
def test_evaluate_matches_reference(learner, reference, k):
    cases = metric_cases(30, 25)
    rankings, relevances = [c[0] for c in cases], [c[1] for c in cases]
    assert any(not any(g > 0 for g in r.values()) for r in relevances)  # some queries have no relevant document
    check_evaluation(learner.evaluate_retrieval(rankings, relevances, k),
                     reference.evaluate_retrieval(rankings, relevances, k),
                     call_repr("evaluate_retrieval", rankings, relevances, k),
                     why="means over the queries with a relevant document of recall_at_k, reciprocal_rank(..., k) "
                         "and ndcg_at_k")


@pytest.mark.clause("C13", "C1", probes="evaluating cosine_top_k's 2-D index array", topic="retrieval and ranking")
def test_evaluate_a_retrieval_run(learner, reference):
    rng = np.random.default_rng(31)
    topics = rng.normal(size=(6, 24))
    docs = topics[np.arange(90) % 6] + 0.8 * rng.normal(size=(90, 24))
    queries = topics + 0.5 * rng.normal(size=(6, 24))
    relevances = [{int(d): float(1 + (d % 4 == 0)) for d in np.flatnonzero(np.arange(90) % 6 == t)} for t in range(6)]
    relevances.append({})  # a query nobody judged
    queries = np.vstack([queries, rng.normal(size=(1, 24))])
    indices, _ = reference.cosine_top_k(queries, docs, 10)
    check_evaluation(learner.evaluate_retrieval(indices, relevances, 10),
                     reference.evaluate_retrieval(indices, relevances, 10),
                     call_repr("evaluate_retrieval", indices, relevances, 10))


@pytest.mark.clause("C13", probes="hits pooled over queries instead of a mean of per-query values",
                    topic="retrieval and ranking")
@pytest.mark.points(2)
def test_evaluate_hand_cases(learner):
    rankings = [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14]]
    relevances = [{0: 1}, {5: 1, 20: 1, 21: 2}, {14: 1, 12: 0}]
    # per query at k = 3: recall 1, 1/3, 0; reciprocal rank 1, 1, 0 (document 14 is at rank 5 > k)
    ndcg2 = 1 / (2 + 1 / math.log2(3) + 1 / 2)  # query 2: grade 1 first; ideal grades 2, 1, 1
    expected = {"recall": (1 + 1 / 3) / 3, "mrr": 2 / 3, "ndcg": (1 + ndcg2) / 3, "queries": 3}
    check_evaluation(learner.evaluate_retrieval(rankings, relevances, 3), expected,
                     call_repr("evaluate_retrieval", rankings, relevances, 3),
                     why="each query's value counts once (pooled recall would be 2/5); MRR looks at the top k only")
    expected = {"recall": 1 / 3, "mrr": 1.0, "ndcg": ndcg2, "queries": 1}
    call = call_repr("evaluate_retrieval", rankings[1:2] * 3, [{}, relevances[1], {7: 0}], 3)
    check_evaluation(learner.evaluate_retrieval(rankings[1:2] * 3, [{}, relevances[1], {7: 0}], 3), expected, call,
                     why="queries without a relevant document are left out of the means (not counted as 0)")


@pytest.mark.clause("C14", probes="mismatched lengths or no judged query accepted", topic="input validation")
def test_evaluate_validates_its_input(learner):
    for rankings, relevances, why in (([[1, 2], [3, 4]], [{1: 1}], "2 rankings but 1 relevance dict"),
                                      ([[1, 2]], [{1: 1}, {3: 1}], "1 ranking but 2 relevance dicts"),
                                      ([[1, 2], [3, 4]], [{}, {3: 0}], "no query has a relevant document")):
        with expect_raises(ValueError, call_repr("evaluate_retrieval", rankings, relevances, 2), why):
            learner.evaluate_retrieval(rankings, relevances, 2)
