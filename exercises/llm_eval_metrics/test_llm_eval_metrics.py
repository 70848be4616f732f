"""Visible tests for llm_eval_metrics: `python grade.py check llm_eval_metrics`."""
import math

import numpy as np

from graders.asserts import assert_allclose, assert_equal, assert_scalar_close, call_repr


def test_token_log_probs_small(learner):
    logits, targets = np.array([[2.0, 1.0, 0.0], [0.0, 0.0, 0.0]]), np.array([0, 2])
    expected = np.array([2.0 - math.log(math.e ** 2 + math.e + 1.0), -math.log(3.0)])
    assert_allclose(learner.token_log_probs(logits, targets), expected, call_repr("token_log_probs", logits, targets))


def test_perplexity_ignores_padding(learner):
    log_probs = np.log(np.array([[0.5, 0.25, 1.0], [0.125, 1.0, 1.0]]))
    mask = np.array([[1, 1, 0], [1, 0, 0]])
    call = call_repr("perplexity", log_probs, mask=mask)
    assert_scalar_close(learner.perplexity(log_probs, mask), 4.0, call,
                        why="mean NLL over the 3 real tokens is 2 ln 2; not the mean of per-sequence perplexities")
    assert_scalar_close(learner.bits_per_token(log_probs, mask), 2.0, call_repr("bits_per_token", log_probs, mask=mask))
    padded = log_probs.copy()
    padded[mask == 0] = -np.inf  # what a padded position may really hold
    assert_scalar_close(learner.perplexity(padded, mask), 4.0, call + " with -inf at the padding",
                        why="padding is ignored whatever it holds (0 * -inf is nan)")


def test_bleu_clips_counts(learner):
    hyp = ["the"] * 7
    refs = ["the cat is on the mat".split(), "there is a cat on the mat".split()]
    assert_scalar_close(learner.corpus_bleu([hyp], [refs], max_n=1), 2 / 7,
                        "corpus_bleu([['the'] * 7], [two references], max_n=1)",
                        why="'the' occurs at most twice in one reference: its count is clipped to 2")


def test_bleu_with_brevity_penalty(learner):
    h, r = "the cat sat on the mat".split(), "the cat sat on the red mat".split()
    expected = math.exp(1 - 7 / 6) * (1 * 4 / 5 * 3 / 4 * 2 / 3) ** 0.25
    assert_scalar_close(learner.corpus_bleu([h], [[r]]), expected, "corpus_bleu([h], [[r]]) (6 vs 7 tokens)")


def test_lcs_and_rouge_l(learner):
    assert_equal(learner.lcs_length("a b c d e".split(), "a x c y e".split()), 3,
                 "lcs_length('a b c d e', 'a x c y e')", why="a subsequence, not a contiguous substring")
    got = learner.rouge_l("the cat sat on the mat".split(), "the cat is on the mat today".split())
    assert_allclose(np.asarray(got, dtype=float), [5 / 6, 5 / 7, 10 / 13],
                    "rouge_l('the cat sat on the mat', 'the cat is on the mat today')")


def test_calibration_small(learner):
    probs = np.array([[0.9, 0.1], [0.85, 0.15], [0.7, 0.3], [0.35, 0.65], [0.55, 0.45]])
    labels = np.array([0, 1, 1, 1, 0])
    counts, accuracy, confidence = learner.calibration_bins(probs, labels, n_bins=5)
    call = call_repr("calibration_bins", probs, labels, n_bins=5)
    assert_equal(counts, [0, 0, 1, 2, 2], call + ", counts")
    assert_allclose(accuracy, [0.0, 0.0, 1.0, 0.5, 0.5], call + ", accuracy")
    assert_allclose(confidence, [0.0, 0.0, 0.55, 0.675, 0.875], call + ", confidence")
    assert_scalar_close(learner.expected_calibration_error(probs, labels, n_bins=5), 0.31,
                        call_repr("expected_calibration_error", probs, labels, n_bins=5),
                        why="each bin weighted by its number of samples")
