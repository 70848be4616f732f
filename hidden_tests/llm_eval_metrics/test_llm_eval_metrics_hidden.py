"""Hidden tests for llm_eval_metrics: perplexity from token log-probabilities, corpus BLEU, ROUGE-L and
expected calibration error, against the reference on random cases, against scipy's log_softmax, and
against values frozen from sacrebleu, rouge-score and scikit-learn's calibration_curve
(reference_golden.npz, written by freeze_library_values.py; those libraries are not kit dependencies).

Wrong answers this suite is built to catch:
- log(softmax(z)) (-inf for a token whose probability underflows), an unshifted softmax (overflow at 1e4),
  the target's logit picked from the wrong axis or with negative ids wrapping around
- padding counted: mask ignored, the mean taken over all positions, or log_probs * mask (nan from -inf)
- the mean of per-sequence perplexities instead of one token-weighted perplexity
- log base mix-ups: 2 ** nats for perplexity, bits_per_token returned in nats or computed with log10
- perplexity as a product of probabilities (underflows to 0 on long sequences)
- a sign flip or probabilities accepted as log-probabilities (no ValueError for positive log-probs)
- padding zeroed in place (the caller's log_probs modified); local mode only: secure mode hands the learner
  copies, so an in-place change cannot reach the caller there (no corpus mutant for it, as it would survive
  `dev corpus --secure`; checked by hand: it fails test_arguments_are_not_modified locally)
- BLEU with unclipped counts, counts clipped by the sum (or the first) of the references instead of the max
- sentence-average BLEU instead of corpus BLEU; a brevity penalty per sentence
- the brevity penalty from the shortest reference, ties broken to the longer one, or r / c inverted
- n-grams counted across sentence boundaries (the corpus joined into one sequence)
- NLTK's max(1, count) denominator for hypotheses shorter than n
- an arithmetic mean of the precisions, weights not 1 / max_n, smoothing a zero precision
- ROUGE-L from the longest common substring, or from the unigram overlap; precision and recall swapped;
  beta on the wrong side of the F formula; division by zero on an empty hypothesis;
  an exponential-time (or deeply recursive) LCS
- ECE: bins not weighted by their counts (plain mean over all or over non-empty bins), the true-class
  probability (or p[:, 1]) as the confidence, left-closed bins (np.digitize), n_bins edges off by one,
  the signed gap, no binning at all
- missing ValueErrors: bad shapes, out-of-range targets and labels, empty masks, n_bins < 1
"""
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.special import log_softmax

from graders.asserts import (assert_allclose, assert_equal, assert_finite, assert_scalar_close, assert_shape,
                             call_repr, describe, expect_raises)

GOLDEN_PATH = Path(__file__).with_name("reference_golden.npz")
BLEU_CASES, ROUGE_CASES, ECE_CASES = 8, 14, 6


@pytest.fixture(scope="module")
def golden():
    """Values frozen from sacrebleu, rouge-score and scikit-learn by freeze_library_values.py."""
    with np.load(GOLDEN_PATH, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def nll(log_probs, mask=None):
    """The judge's mean negative log-likelihood (nats) over the real tokens."""
    real = np.ones(np.shape(log_probs), dtype=bool) if mask is None else np.asarray(mask).astype(bool)
    return -float(np.mean(np.asarray(log_probs, dtype=np.float64)[real]))


def padded_batch(seed, batch=5, length=12):
    """Log-probabilities of a padded batch: sequence b has lengths[b] real tokens, then padding."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, length + 1, size=batch)
    lengths[0] = length
    mask = np.arange(length)[None, :] < lengths[:, None]
    log_probs = log_softmax(rng.normal(scale=2.0, size=(batch, length, 30)), axis=-1)[..., 0]
    return log_probs, mask


def words(seed, n, vocab=12):
    rng = np.random.default_rng(seed)
    return [f"t{i}" for i in rng.integers(0, vocab, size=n)]


def bleu_call(hyps, refs, **kwargs):
    return call_repr("corpus_bleu", hyps, refs, **kwargs)


def as_floats(got, length, call):
    """``got`` (a tuple, list or array) as a float array of shape (length,), or a message that says why not."""
    values = np.asarray(got) if isinstance(got, (tuple, list)) and not any(isinstance(v, str) for v in got) else got
    array = assert_finite(assert_shape(values, (length,), call), call)
    if array.dtype.kind != "f":
        raise AssertionError(f"called {call}; got dtype {array.dtype}, expected floating point values")
    return array


# ----------------------------------------------------------------------------- token_log_probs


@pytest.mark.clause("C1", probes="log-probabilities of the targets under a log-softmax of the logits",
                    topic="llm evaluation")
@pytest.mark.points(2)
@pytest.mark.parametrize("shape", [(4, 7, 11), (3, 5), (2, 3, 4, 6), (9,)])
def test_token_log_probs_match_scipy(learner, shape):
    rng = np.random.default_rng(len(shape) * 10 + shape[-1])
    logits = rng.normal(scale=3.0, size=shape)
    targets = np.asarray(rng.integers(0, shape[-1], size=shape[:-1]))
    expected = np.take_along_axis(log_softmax(logits, axis=-1), targets[..., None], axis=-1)[..., 0]
    assert_allclose(learner.token_log_probs(logits, targets), expected, call_repr("token_log_probs", logits, targets),
                    rtol=1e-10, atol=1e-12, show_expected=False,
                    why="log_softmax over the vocabulary (last axis), then the target's entry")


@pytest.mark.clause("C2", probes="log(softmax) giving -inf, or an unshifted softmax overflowing",
                    topic="numerical stability")
@pytest.mark.points(2)
def test_token_log_probs_are_stable(learner):
    logits = np.array([[0.0, -1000.0, -2000.0, 5.0], [1e4, -1e4, 9990.0, 0.0], [-1e4, -1e4, -1e4, -1e4]])
    targets = np.array([1, 2, 3])
    expected = np.take_along_axis(log_softmax(logits, axis=-1), targets[:, None], axis=-1)[:, 0]
    assert_allclose(learner.token_log_probs(logits, targets), expected,
                    call_repr("token_log_probs", logits, targets) + " with logits near 1e4 and 1000 apart",
                    rtol=1e-12, why="shift by the row maximum and use log-sum-exp: exp(1e4) overflows, and "
                                    "log(softmax) is -inf for a token 1000 below the top")


@pytest.mark.clause("C1", probes="float32 logits", topic="api contract")
def test_token_log_probs_float32(learner):
    rng = np.random.default_rng(3)
    logits = rng.normal(scale=2.0, size=(3, 4, 50)).astype(np.float32)
    targets = rng.integers(0, 50, size=(3, 4))
    expected = np.take_along_axis(log_softmax(logits.astype(np.float64), axis=-1), targets[..., None], axis=-1)[..., 0]
    assert_allclose(learner.token_log_probs(logits, targets), expected, call_repr("token_log_probs", logits, targets),
                    rtol=1e-5, atol=1e-5, show_expected=False)


@pytest.mark.clause("C3", probes="target ids out of range or of the wrong shape accepted", topic="input validation")
@pytest.mark.parametrize("case", ["target = V", "target = -1", "targets shape (2, 4)", "targets shape (3,)"])
def test_token_log_probs_rejects(learner, case):
    logits = np.zeros((2, 3, 5))
    targets = {"target = V": np.array([[0, 1, 5], [2, 3, 4]]), "target = -1": np.array([[0, 1, -1], [2, 3, 4]]),
               "targets shape (2, 4)": np.zeros((2, 4), dtype=int), "targets shape (3,)": np.zeros(3, dtype=int)}[case]
    with expect_raises(ValueError, call_repr("token_log_probs", logits, targets) + f" ({case})",
                       "targets must have shape logits.shape[:-1] and ids in [0, V)"):
        learner.token_log_probs(logits, targets)


# ----------------------------------------------------------------------------- perplexity


@pytest.mark.clause("C4", probes="padding counted, or the mean of per-sequence perplexities",
                    topic="llm evaluation")
@pytest.mark.points(3)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_perplexity_of_padded_batches(learner, seed):
    log_probs, mask = padded_batch(seed)
    call = call_repr("perplexity", log_probs, mask=mask)
    assert_scalar_close(learner.perplexity(log_probs, mask), math.exp(nll(log_probs, mask)), call, rtol=1e-10,
                        show_expected=False, why="exp of the mean NLL over the real tokens of the whole batch "
                                                 "(padding left out, every real token weighing the same)")
    assert_scalar_close(learner.perplexity(log_probs), math.exp(nll(log_probs)),
                        call_repr("perplexity", log_probs), rtol=1e-10, show_expected=False,
                        why="mask=None: every position is a real token")


@pytest.mark.clause("C4", probes="the mean of per-sequence perplexities instead of a token-weighted one",
                    topic="llm evaluation")
@pytest.mark.points(2)
def test_perplexity_is_token_weighted(learner):
    log_probs = np.log(np.array([[0.5, 1.0, 1.0, 1.0], [0.1, 0.1, 0.1, 0.1]]))
    mask = np.array([[True, False, False, False], [True, True, True, True]])
    expected = math.exp(-(math.log(0.5) + 4 * math.log(0.1)) / 5)  # 6.31; per-sequence mean: (2 + 10) / 2 = 6
    assert_scalar_close(learner.perplexity(log_probs, mask), expected,
                        call_repr("perplexity", log_probs, mask=mask) + " (1 real token, then 4)", rtol=1e-10,
                        why="one perplexity for the batch: the 1-token sequence weighs 1/5, not 1/2")


@pytest.mark.clause("C5", "C4", probes="padding holding -inf, nan or positive values leaking in (log_probs * mask)",
                    topic="llm evaluation")
@pytest.mark.points(3)
@pytest.mark.parametrize("filler", [-np.inf, np.nan, 3.0])
def test_padding_is_ignored_whatever_it_holds(learner, filler):
    log_probs, mask = padded_batch(5)
    dirty = np.where(mask, log_probs, filler)
    expected = math.exp(nll(log_probs, mask))
    for m, kind in ((mask, "bool"), (mask.astype(int), "0/1 int"), (mask.astype(float), "0./1. float")):
        call = call_repr("perplexity", dirty, mask=m) + f" with {filler} at the padding, {kind} mask"
        assert_scalar_close(learner.perplexity(dirty, m), expected, call, rtol=1e-10, show_expected=False,
                            why="padded positions are left out whatever they hold: select the real tokens "
                                "(0 * -inf and 0 * nan are nan)")
    call = call_repr("bits_per_token", dirty, mask=mask) + f" with {filler} at the padding"
    assert_scalar_close(learner.bits_per_token(dirty, mask), nll(log_probs, mask) / math.log(2), call, rtol=1e-10,
                        show_expected=False, why="padded positions are left out whatever they hold")


@pytest.mark.clause("C6", probes="bits_per_token in nats, or perplexity as 2 ** nats (log base mix-up)",
                    topic="llm evaluation")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", [7, 8])
def test_bits_per_token_and_log_base(learner, seed):
    log_probs, mask = padded_batch(seed)
    bits = nll(log_probs, mask) / math.log(2)
    got = assert_scalar_close(learner.bits_per_token(log_probs, mask), bits,
                              call_repr("bits_per_token", log_probs, mask=mask), rtol=1e-10, show_expected=False,
                              why="the natural-log NLL divided by ln 2 (bits, base 2)")
    assert_scalar_close(learner.perplexity(log_probs, mask), 2.0 ** got, call_repr("perplexity", log_probs, mask=mask),
                        rtol=1e-10, why="perplexity = e ** nats = 2 ** bits; 2 ** nats is neither")


@pytest.mark.clause("C7", probes="perplexity as a product of probabilities underflowing on long sequences",
                    topic="numerical stability")
@pytest.mark.points(2)
def test_long_sequences_stay_finite(learner):
    rng = np.random.default_rng(11)
    log_probs = -rng.uniform(0.0, 20.0, size=(2, 10_000))
    call = call_repr("perplexity", log_probs)
    why = "the product of 20,000 probabilities underflows to 0; average the log-probabilities instead"
    assert_scalar_close(learner.perplexity(log_probs), math.exp(nll(log_probs)), call, rtol=1e-9,
                        show_expected=False, why=why)
    assert_scalar_close(learner.bits_per_token(log_probs), nll(log_probs) / math.log(2),
                        call_repr("bits_per_token", log_probs), rtol=1e-9, show_expected=False, why=why)


@pytest.mark.clause("C4", "C6", probes="float32 log-probabilities and a 1-D sequence", topic="api contract")
def test_float32_and_one_sequence(learner):
    log_probs = np.log(np.array([0.5, 0.25, 0.125, 0.5], dtype=np.float32))
    assert_scalar_close(learner.perplexity(log_probs), 2.0 ** 1.75, call_repr("perplexity", log_probs), rtol=1e-6)
    assert_scalar_close(learner.bits_per_token(log_probs), 1.75, call_repr("bits_per_token", log_probs), rtol=1e-6)


@pytest.mark.clause("C8", probes="no ValueError for an empty mask, a mask of the wrong shape, or positive log-probs",
                    topic="input validation")
@pytest.mark.points(2)
@pytest.mark.parametrize("name", ["perplexity", "bits_per_token"])
@pytest.mark.parametrize("case", ["all padding", "mask shape", "probabilities", "negated log-probs"])
def test_perplexity_rejects(learner, name, case):
    log_probs, mask = padded_batch(4, batch=3, length=5)
    args = {"all padding": (log_probs, np.zeros_like(mask)), "mask shape": (log_probs, mask[:, :4]),
            "probabilities": (np.exp(log_probs), mask), "negated log-probs": (-log_probs, mask)}[case]
    why = {"all padding": "there is no real token to average over",
           "mask shape": "the mask must have log_probs's shape",
           "probabilities": "a real token's log-probability is positive: these are probabilities, not logs",
           "negated log-probs": "a real token's log-probability is positive: the sign is flipped"}[case]
    with expect_raises(ValueError, call_repr(name, args[0], mask=args[1]) + f" ({case})", why):
        getattr(learner, name)(*args)


# ----------------------------------------------------------------------------- BLEU


@pytest.mark.clause("C9", "C10", "C11", "C12", probes="corpus BLEU vs sacrebleu (multiple references, short hypotheses)",
                    topic="llm evaluation")
@pytest.mark.points(2)
@pytest.mark.parametrize("index", range(BLEU_CASES))
def test_bleu_matches_sacrebleu(learner, golden, index):
    hyps = [str(h).split() for h in golden[f"bleu{index}_hyps"]]
    refs = [[str(r).split() for r in row if str(r)] for row in golden[f"bleu{index}_refs"]]
    max_n = int(golden[f"bleu{index}_max_n"])
    got = learner.corpus_bleu(hyps, refs, max_n=max_n)
    assert_scalar_close(got, float(golden[f"bleu{index}_value"]),
                        bleu_call(hyps, refs, max_n=max_n) + f" ({sum(map(len, refs))} references)", rtol=1e-9,
                        show_expected=False, why="differs from sacrebleu's corpus BLEU (no smoothing, divided by 100)")


@pytest.mark.clause("C10", probes="n-gram counts not clipped, or clipped by the sum or the first of the references",
                    topic="llm evaluation")
@pytest.mark.points(2)
def test_bleu_clips_by_the_largest_count_in_one_reference(learner):
    hyp = ["the"] * 7
    refs = ["the cat is on the mat".split(), "there is a cat on the mat".split()]
    assert_scalar_close(learner.corpus_bleu([hyp], [refs], max_n=1), 2 / 7, bleu_call([hyp], [refs], max_n=1),
                        why="'the' is clipped to its largest count in one reference (2), not the sum (3) or 7")
    hyp2 = "a cat a cat a dog".split()  # 'a': 3 in the hypothesis; 1 in the first reference, 2 in the second
    refs2 = ["a cat and one dog".split(), "a cat and a dog".split()]
    expected = 4 / 6  # c = 6 > r = 5, so BP = 1; clipped: a 2, cat 1, dog 1 (sum of references: 6/6; first: 3/6)
    assert_scalar_close(learner.corpus_bleu([hyp2], [refs2], max_n=1), expected, bleu_call([hyp2], [refs2], max_n=1),
                        why="clip each n-gram by its largest count in any single reference (here the second)")


@pytest.mark.clause("C10", "C12", probes="sentence-average BLEU, or n-grams running across sentence boundaries",
                    topic="llm evaluation")
@pytest.mark.points(2)
def test_bleu_pools_counts_over_the_corpus(learner):
    hyps = ["a b c d e".split(), "f g h".split()]
    refs = [["a b c d e".split()], ["f g x".split()]]
    # p1 = 7/8, p2 = 5/6 (4 + 1 of 4 + 2), p3 = 3/4 (3 + 0 of 3 + 1), p4 = 2/2; c = r = 8, BP = 1
    expected = (7 / 8 * 5 / 6 * 3 / 4 * 1.0) ** 0.25
    assert_scalar_close(learner.corpus_bleu(hyps, refs), expected, bleu_call(hyps, refs), rtol=1e-10,
                        why="pool the clipped counts of all sentences, then divide once (the second sentence alone "
                            "has BLEU 0, so the mean of sentence scores is 0.5); n-grams stay inside their sentence")


@pytest.mark.clause("C10", probes="NLTK's max(1, count) denominator for a hypothesis shorter than n",
                    topic="llm evaluation")
def test_bleu_short_hypothesis_adds_no_ngrams(learner):
    hyps, refs = ["a b c".split(), ["d"]], [["a b c".split()], [["d"]]]
    assert_scalar_close(learner.corpus_bleu(hyps, refs, max_n=2), 1.0, bleu_call(hyps, refs, max_n=2), rtol=1e-10,
                        why="a one-token hypothesis has no bigram: it adds 0 to the numerator and 0 to the "
                            "denominator of p_2 (2/2), not one missing bigram (2/3)")


@pytest.mark.clause("C11", probes="brevity penalty from the shortest reference, ties to the longer, or r / c inverted",
                    topic="llm evaluation")
@pytest.mark.points(2)
@pytest.mark.parametrize("case", ["closest, not shortest", "tie to the shorter", "short hypothesis"])
def test_bleu_brevity_penalty(learner, case):
    hyp = "a b c d e".split()
    lengths = {"closest, not shortest": (2, 6, 9), "tie to the shorter": (4, 6), "short hypothesis": (8, 12)}[case]
    refs = [hyp + [f"x{i}" for i in range(n - 5)] if n >= 5 else hyp[:n] for n in lengths]
    r = min(lengths, key=lambda n: (abs(n - 5), n))
    p1 = min(5, max(min(n, 5) for n in lengths)) / 5  # the hypothesis tokens found in the longest reference
    expected = (1.0 if 5 > r else math.exp(1 - r / 5)) * p1
    assert_scalar_close(learner.corpus_bleu([hyp], [refs], max_n=1), expected,
                        bleu_call([hyp], [refs], max_n=1) + f" (hypothesis of 5 tokens, references of {lengths})",
                        rtol=1e-10, why="r is the reference length closest to the hypothesis length (ties: the "
                                        "shorter); BP = 1 if c > r else exp(1 - r / c)")


@pytest.mark.clause("C11", probes="a brevity penalty per sentence instead of one from the corpus totals",
                    topic="llm evaluation")
def test_bleu_brevity_penalty_from_corpus_totals(learner):
    hyps = ["a b".split(), "c d e f g h".split()]  # 2 vs 4 tokens, then 6 vs 4 tokens: c = r = 8 overall
    refs = [["a b x y".split()], ["c d e f".split()]]
    expected = 6 / 8  # BP = 1 (c = r), p1 = 6/8; per-sentence penalties would shrink the first sentence
    assert_scalar_close(learner.corpus_bleu(hyps, refs, max_n=1), expected, bleu_call(hyps, refs, max_n=1),
                        rtol=1e-10, why="the brevity penalty uses the corpus totals c = 8 and r = 8, so it is 1")


@pytest.mark.clause("C12", probes="an arithmetic mean of the precisions, or weights other than 1 / max_n",
                    topic="llm evaluation")
def test_bleu_geometric_mean(learner):
    h, r = "the cat sat on the mat".split(), "the cat sat on the red mat".split()
    for max_n, precisions in ((4, (1, 4 / 5, 3 / 4, 2 / 3)), (2, (1, 4 / 5)), (3, (1, 4 / 5, 3 / 4))):
        expected = math.exp(1 - 7 / 6) * math.prod(precisions) ** (1 / max_n)
        assert_scalar_close(learner.corpus_bleu([h], [[r]], max_n=max_n), expected,
                            bleu_call([h], [[r]], max_n=max_n), rtol=1e-10,
                            why="BP times the geometric mean of p_1 .. p_max_n (weights 1 / max_n)")


@pytest.mark.clause("C12", probes="smoothing a zero precision, or nan / an error when nothing matches",
                    topic="llm evaluation")
@pytest.mark.parametrize("case", ["no 4-gram match", "no match at all", "empty hypotheses", "all too short"])
def test_bleu_is_zero_without_matches(learner, case):
    hyps, refs = {
        "no 4-gram match": (["a b c x d e f".split()], [["a b c y d e f".split()]]),
        "no match at all": (["p q r s".split()], [["a b c d".split()]]),
        "empty hypotheses": ([[], []], [["a b".split()], ["c".split()]]),
        "all too short": (["a b".split(), ["c"]], [["a b".split()], ["c".split()]]),
    }[case]
    got = learner.corpus_bleu(hyps, refs)
    assert_scalar_close(got, 0.0, bleu_call(hyps, refs) + f" ({case})",
                        why="without smoothing BLEU is 0 when some order has no matching n-gram (or c = 0)")


@pytest.mark.clause("C9", "C10", "C11", "C12", probes="corpus BLEU on random corpora with int tokens vs the reference",
                    topic="llm evaluation")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", range(4))
def test_bleu_random_int_tokens(learner, reference, seed):
    rng = np.random.default_rng(40 + seed)
    hyps, refs = [], []
    for _ in range(int(rng.integers(3, 12))):
        source = list(rng.integers(0, 6, size=int(rng.integers(1, 25))))
        hyps.append([int(t) if rng.random() < 0.8 else int(rng.integers(0, 6)) for t in source])
        refs.append([[int(t) for t in source[: int(rng.integers(1, len(source) + 1))]]
                     for _ in range(int(rng.integers(1, 4)))])
    max_n = int(rng.integers(1, 5))
    assert_scalar_close(learner.corpus_bleu(hyps, refs, max_n=max_n), reference.corpus_bleu(hyps, refs, max_n=max_n),
                        bleu_call(hyps, refs, max_n=max_n) + " with int tokens", rtol=1e-10, show_expected=False)


@pytest.mark.clause("C13", probes="no ValueError for mismatched lengths, a hypothesis without references, or max_n < 1",
                    topic="input validation")
@pytest.mark.parametrize("case", ["lengths differ", "no references", "max_n = 0"])
def test_bleu_rejects(learner, case):
    hyps = ["a b c".split(), "d e".split()]
    refs, max_n = {"lengths differ": ([["a b c".split()]], 4), "no references": ([["a b c".split()], []], 4),
                   "max_n = 0": ([["a b c".split()], ["d e".split()]], 0)}[case]
    with expect_raises(ValueError, bleu_call(hyps, refs, max_n=max_n) + f" ({case})",
                       "one non-empty list of references per hypothesis, and max_n >= 1"):
        learner.corpus_bleu(hyps, refs, max_n=max_n)


# ----------------------------------------------------------------------------- LCS and ROUGE-L


@pytest.mark.clause("C14", probes="longest common substring or unigram overlap instead of the subsequence",
                    topic="llm evaluation")
@pytest.mark.points(2)
@pytest.mark.parametrize("a, b, expected", [
    ("a b c d e", "a x c y e", 3), ("a b c d", "d c b a", 1), ("a b a b a", "b a b", 3), ("x y z", "", 0),
    ("", "", 0), ("a a a b", "a b b b", 2), ("p q r s t u", "q s u p r t", 3), ("m", "m", 1),
])
def test_lcs_length_small(learner, a, b, expected):
    a, b = a.split(), b.split()
    assert_equal(learner.lcs_length(a, b), expected, call_repr("lcs_length", a, b),
                 why="the longest common subsequence: tokens in the same order, gaps allowed")


@pytest.mark.clause("C14", probes="LCS wrong on random sequences (int tokens)", topic="llm evaluation")
@pytest.mark.points(2)
def test_lcs_length_random(learner, reference):
    rng = np.random.default_rng(21)
    for _ in range(20):
        a = [int(t) for t in rng.integers(0, 4, size=int(rng.integers(0, 30)))]
        b = [int(t) for t in rng.integers(0, 4, size=int(rng.integers(0, 30)))]
        assert_equal(learner.lcs_length(a, b), reference.lcs_length(a, b), call_repr("lcs_length", a, b),
                     show_expected=False)


@pytest.mark.clause("C14", probes="an exponential-time or deeply recursive LCS", topic="llm evaluation")
def test_lcs_length_of_long_sequences(learner, reference):
    a, b = words(31, 500, vocab=30), words(32, 500, vocab=30)
    assert_equal(learner.lcs_length(a, b), reference.lcs_length(a, b),
                 call_repr("lcs_length", a, b) + " (500 tokens each)", show_expected=False,
                 why="use the O(len(a) * len(b)) dynamic programme (no recursion deeper than Python allows)")


@pytest.mark.clause("C15", probes="ROUGE-L precision, recall and F1 vs Google's rouge-score",
                    topic="llm evaluation")
@pytest.mark.points(2)
@pytest.mark.parametrize("index", range(ROUGE_CASES))
def test_rouge_l_matches_rouge_score(learner, golden, index):
    hyp, ref = str(golden[f"rouge{index}_hyp"]).split(), str(golden[f"rouge{index}_ref"]).split()
    call = call_repr("rouge_l", hyp, ref)
    got = as_floats(learner.rouge_l(hyp, ref), 3, call)
    assert_allclose(got, golden[f"rouge{index}_prf"].astype(float), call + ", (precision, recall, f)", rtol=1e-10,
                    show_expected=False, why="precision = LCS / len(hypothesis), recall = LCS / len(reference), "
                                             "f their harmonic mean (beta = 1), as rouge-score")


@pytest.mark.clause("C15", probes="beta on the wrong side of the F formula, or precision and recall swapped",
                    topic="llm evaluation")
@pytest.mark.points(2)
@pytest.mark.parametrize("beta", [2.0, 0.5, 1.2])
def test_rouge_l_beta_weighs_recall(learner, reference, beta):
    hyp, ref = "the cat sat on the mat".split(), "the cat is on the mat today".split()  # P = 5/6, R = 5/7
    p, r = 5 / 6, 5 / 7
    expected = [p, r, (1 + beta ** 2) * p * r / (r + beta ** 2 * p)]
    call = call_repr("rouge_l", hyp, ref, beta=beta)
    assert_allclose(as_floats(learner.rouge_l(hyp, ref, beta=beta), 3, call), expected, call + ", (precision, recall, f)",
                    rtol=1e-10, why="f = (1 + beta^2) P R / (R + beta^2 P): beta > 1 weighs recall")
    rng = np.random.default_rng(int(beta * 10))
    hyp, ref = words(int(beta * 100), int(rng.integers(5, 30)), 6), words(int(beta * 100) + 1, int(rng.integers(5, 30)), 6)
    call = call_repr("rouge_l", hyp, ref, beta=beta)
    assert_allclose(as_floats(learner.rouge_l(hyp, ref, beta=beta), 3, call),
                    np.asarray(reference.rouge_l(hyp, ref, beta=beta)), call, rtol=1e-10, show_expected=False)


@pytest.mark.clause("C15", probes="division by zero for an empty hypothesis or no overlap", topic="numerical stability")
@pytest.mark.parametrize("hyp, ref", [("", "a b c"), ("a b c", ""), ("x y", "a b c"), ("", "")])
def test_rouge_l_zero_cases(learner, hyp, ref):
    hyp, ref = hyp.split(), ref.split()
    call = call_repr("rouge_l", hyp, ref)
    assert_allclose(as_floats(learner.rouge_l(hyp, ref), 3, call), np.zeros(3), call,
                    why="(0.0, 0.0, 0.0) when the LCS is 0, without dividing by zero")


# ----------------------------------------------------------------------------- calibration


def ece_case(golden, index):
    return golden[f"ece{index}_probs"], golden[f"ece{index}_labels"], int(golden[f"ece{index}_n_bins"])


def judge_counts(probs, n_bins):
    """Bin sizes with scikit-learn's rule: np.searchsorted on the inner edges (right-closed bins)."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    return np.bincount(np.searchsorted(edges[1:-1], probs.max(axis=1)), minlength=n_bins)


@pytest.mark.clause("C16", probes="calibration bins (accuracy, mean confidence) vs scikit-learn's calibration_curve",
                    topic="llm evaluation")
@pytest.mark.points(3)
@pytest.mark.parametrize("index", range(ECE_CASES))
def test_calibration_bins_match_sklearn(learner, golden, index):
    probs, labels, n_bins = ece_case(golden, index)
    call = call_repr("calibration_bins", probs, labels, n_bins=n_bins)
    got = learner.calibration_bins(probs, labels, n_bins=n_bins)
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise AssertionError(f"called {call}; got {describe(got)}, expected a tuple (counts, accuracy, confidence)")
    counts = assert_equal(got[0], judge_counts(probs, n_bins), call + ", counts", show_expected=False,
                          why="confidence = the largest probability; bin m holds edges[m] < confidence <= edges[m+1]")
    if counts.dtype.kind not in "iu":
        raise AssertionError(f"called {call}; counts have dtype {counts.dtype}, expected integers")
    full = counts > 0
    accuracy, confidence = as_floats(got[1], n_bins, call + ", accuracy"), as_floats(got[2], n_bins, call + ", confidence")
    assert_allclose(accuracy[full], golden[f"ece{index}_accuracy"], call + ", accuracy of the non-empty bins",
                    rtol=1e-10, atol=1e-12, show_expected=False,
                    why="the fraction of the bin's samples whose argmax is the label (scikit-learn's prob_true)")
    assert_allclose(confidence[full], golden[f"ece{index}_confidence"], call + ", confidence of the non-empty bins",
                    rtol=1e-10, atol=1e-12, show_expected=False,
                    why="the mean of the bin's confidences (scikit-learn's prob_pred)")
    assert_allclose(np.concatenate([accuracy[~full], confidence[~full]]), np.zeros(2 * int((~full).sum())),
                    call + ", empty bins", why="an empty bin has accuracy 0.0 and confidence 0.0")


@pytest.mark.clause("C17", probes="ECE vs scikit-learn's bins weighted by their counts", topic="llm evaluation")
@pytest.mark.points(3)
@pytest.mark.parametrize("index", range(ECE_CASES))
def test_ece_matches_sklearn(learner, golden, index):
    probs, labels, n_bins = ece_case(golden, index)
    counts = judge_counts(probs, n_bins)
    gaps = np.abs(golden[f"ece{index}_accuracy"] - golden[f"ece{index}_confidence"])
    expected = float(np.sum(counts[counts > 0] / len(labels) * gaps))
    assert_scalar_close(learner.expected_calibration_error(probs, labels, n_bins=n_bins), expected,
                        call_repr("expected_calibration_error", probs, labels, n_bins=n_bins), rtol=1e-10,
                        show_expected=False, why="sum over bins of (bin count / N) * |accuracy - confidence|")


@pytest.mark.clause("C17", probes="ECE as an unweighted mean over the bins", topic="llm evaluation")
@pytest.mark.points(2)
def test_ece_weights_bins_by_count(learner):
    probs = np.array([[0.9, 0.1], [0.85, 0.15], [0.7, 0.3], [0.35, 0.65], [0.55, 0.45]] + [[0.95, 0.05]] * 5)
    labels = np.array([0, 1, 1, 1, 0] + [0] * 5)
    # bins of 5: (0.4, 0.6] 1 sample gap 0.45; (0.6, 0.8] 2 samples gap 0.175; (0.8, 1] 7 samples, 6 right,
    # mean confidence (0.9 + 0.85 + 4.75) / 7: gap |6/7 - 6.5/7| = 0.5/7
    expected = (0.45 + 2 * 0.175 + 7 * (0.5 / 7)) / 10
    assert_scalar_close(learner.expected_calibration_error(probs, labels, n_bins=5), expected,
                        call_repr("expected_calibration_error", probs, labels, n_bins=5), rtol=1e-10,
                        why="weight each bin by its share of the samples (1, 2 and 7 of 10 here)")


@pytest.mark.clause("C16", probes="left-closed bins, edges off by one, or 1.0 falling outside the last bin",
                    topic="llm evaluation")
@pytest.mark.points(2)
def test_confidences_on_bin_edges(learner):
    # four classes, so a confidence can be 0.25; with 4 bins the edges 0.25, 0.5, 0.75, 1.0 are exact
    probs = np.array([[0.25, 0.25, 0.25, 0.25], [0.5, 0.5, 0.0, 0.0], [0.75, 0.25, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0],
                      [0.0, 0.5, 0.25, 0.25], [0.6, 0.2, 0.1, 0.1]])
    labels = np.array([0, 0, 1, 3, 1, 0])
    counts, accuracy, confidence = learner.calibration_bins(probs, labels, n_bins=4)
    call = call_repr("calibration_bins", probs, labels, n_bins=4) + " with confidences 0.25, 0.5, 0.75 and 1.0"
    why = "bin m holds edges[m] < confidence <= edges[m + 1]: 0.25 in bin 0, 0.5 in bin 1, 0.75 in bin 2, 1.0 in bin 3"
    assert_equal(counts, [1, 2, 2, 1], call + ", counts", why=why)
    assert_allclose(accuracy, [1.0, 1.0, 0.5, 1.0], call + ", accuracy", rtol=1e-12, why=why)
    assert_allclose(confidence, [0.25, 0.5, 0.675, 1.0], call + ", confidence", rtol=1e-12, why=why)


@pytest.mark.clause("C16", probes="the true-class probability as confidence, or argmax ties broken to a later class",
                    topic="llm evaluation")
@pytest.mark.points(2)
def test_confidence_is_the_top_probability(learner):
    probs = np.array([[0.4, 0.4, 0.2], [0.1, 0.3, 0.6], [0.7, 0.2, 0.1], [0.35, 0.35, 0.3]])
    labels = np.array([1, 0, 0, 1])
    counts, accuracy, confidence = learner.calibration_bins(probs, labels, n_bins=2)
    call = call_repr("calibration_bins", probs, labels, n_bins=2)
    # confidences 0.4, 0.6, 0.7, 0.35; predictions 0, 2, 0, 0 (ties -> lowest index); right: no, no, yes, no
    assert_equal(counts, [2, 2], call + ", counts", why="confidence is the largest probability, whatever the label")
    assert_allclose(accuracy, [0.0, 0.5], call + ", accuracy", rtol=1e-12,
                    why="prediction = argmax, the lowest class index on a tie (row 0 predicts 0, row 3 predicts 0)")
    assert_allclose(confidence, [0.375, 0.65], call + ", confidence", rtol=1e-12)


@pytest.mark.clause("C16", "C17", probes="calibration on random inputs with other bin counts vs the reference",
                    topic="llm evaluation")
@pytest.mark.parametrize("n_bins", [1, 3, 10, 40])
def test_calibration_random(learner, reference, n_bins):
    rng = np.random.default_rng(60 + n_bins)
    logits = rng.normal(scale=2.5, size=(120, 6))
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = rng.integers(0, 6, size=120)
    expected = reference.calibration_bins(probs, labels, n_bins=n_bins)
    got = learner.calibration_bins(probs, labels, n_bins=n_bins)
    call = call_repr("calibration_bins", probs, labels, n_bins=n_bins)
    assert_equal(got[0], expected[0], call + ", counts", show_expected=False)
    assert_allclose(got[1], expected[1], call + ", accuracy", rtol=1e-10, atol=1e-12, show_expected=False)
    assert_allclose(got[2], expected[2], call + ", confidence", rtol=1e-10, atol=1e-12, show_expected=False)
    assert_scalar_close(learner.expected_calibration_error(probs, labels, n_bins=n_bins),
                        reference.expected_calibration_error(probs, labels, n_bins=n_bins),
                        call_repr("expected_calibration_error", probs, labels, n_bins=n_bins), rtol=1e-10,
                        show_expected=False)


@pytest.mark.clause("C18", probes="no ValueError for n_bins < 1, bad shapes, probabilities outside [0, 1] or bad labels",
                    topic="input validation")
@pytest.mark.parametrize("name", ["calibration_bins", "expected_calibration_error"])
@pytest.mark.parametrize("case", ["n_bins = 0", "1-D probs", "no rows", "labels length", "logits",
                                  "probability < 0", "label = K", "label = -1"])
def test_calibration_rejects(learner, name, case):
    probs, labels, n_bins = np.array([[0.7, 0.3], [0.2, 0.8], [0.5, 0.5]]), np.array([0, 1, 1]), 5
    if case == "n_bins = 0":
        n_bins = 0
    elif case == "1-D probs":
        probs = probs[:, 1]
    elif case == "no rows":
        probs, labels = np.zeros((0, 2)), np.zeros(0, dtype=int)
    elif case == "labels length":
        labels = labels[:2]
    elif case == "logits":
        probs = np.array([[2.0, -1.0], [0.5, 1.5], [0.0, 0.0]])
    elif case == "probability < 0":
        probs = np.array([[0.7, 0.3], [-0.2, 0.8], [0.5, 0.5]])
    elif case == "label = K":
        labels = np.array([0, 2, 1])
    else:
        labels = np.array([0, -1, 1])
    with expect_raises(ValueError, call_repr(name, probs, labels, n_bins=n_bins) + f" ({case})",
                       "n_bins >= 1, probs (N, K) with N > 0 and values in [0, 1], labels (N,) in [0, K)"):
        getattr(learner, name)(probs, labels, n_bins=n_bins)


# ----------------------------------------------------------------------------- arguments


@pytest.mark.clause("C19", probes="padding zeroed in place, or any other argument modified", topic="api contract")
def test_arguments_are_not_modified(learner):
    rng = np.random.default_rng(70)
    log_probs, mask = padded_batch(70)
    log_probs = np.where(mask, log_probs, -np.inf)
    logits, targets = rng.normal(size=(2, 3, 5)), rng.integers(0, 5, size=(2, 3))
    hyps, refs = [words(71, 8), words(72, 5)], [[words(73, 7), words(74, 9)], [words(75, 5)]]
    probs, labels = np.full((4, 2), 0.5), np.array([0, 1, 0, 1])
    calls = [("token_log_probs", (logits, targets)), ("perplexity", (log_probs, mask)),
             ("bits_per_token", (log_probs, mask)), ("corpus_bleu", (hyps, refs)),
             ("lcs_length", (hyps[0], hyps[1])), ("rouge_l", (hyps[0], refs[0][0])),
             ("calibration_bins", (probs, labels)), ("expected_calibration_error", (probs, labels))]
    for name, args in calls:
        before = [a.copy() if isinstance(a, np.ndarray) else repr(a) for a in args]
        getattr(learner, name)(*args)
        for i, (a, b) in enumerate(zip(args, before)):
            same = np.array_equal(a, b, equal_nan=True) if isinstance(a, np.ndarray) else repr(a) == b
            assert same, f"called {call_repr(name, *args)}; argument {i + 1} was modified (work on a copy)"
