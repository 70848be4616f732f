"""Evaluating a language model: perplexity, corpus BLEU, ROUGE-L and expected calibration error.

Run the visible tests with `python grade.py check llm_eval_metrics`.
numpy and the Python standard library only (no nltk, sacrebleu, rouge_score, sklearn, scipy).
Token sequences are lists of tokens (strings or ints), compared with ==.
"""
import math
from collections import Counter

import numpy as np


def token_log_probs(logits, targets):
    """Natural-log probability of each target token: log_softmax(logits)[..., target].

    logits: float (..., V); targets: ints of shape logits.shape[:-1], in [0, V) (no shift:
    targets[..., t] is the token logits[..., t, :] scores). Returns floats of shape targets.shape.
    Finite and exact for logits up to 1e4 and for tokens whose probability underflows
    (shifted log-sum-exp, not log(softmax)). ValueError on a shape mismatch or a target out of range.
    """
    # TODO
    raise NotImplementedError("token_log_probs")


def perplexity(log_probs, mask=None):
    """exp(mean negative log-likelihood over the REAL tokens of the whole batch), one float.

    log_probs: natural logs, any shape. mask: None (all real) or bool / 0-1 of the same shape,
    True = real token. Padding is ignored whatever it holds (-inf, nan, ...). ValueError when
    there is no real token, the shapes differ, or a real log-probability is positive.
    """
    # TODO
    raise NotImplementedError("perplexity")


def bits_per_token(log_probs, mask=None):
    """Mean negative log-likelihood of the real tokens in bits: perplexity == 2 ** bits_per_token."""
    # TODO
    raise NotImplementedError("bits_per_token")


def corpus_bleu(hypotheses, references, max_n=4):
    """Corpus BLEU in [0, 1]: pooled clipped n-gram precisions, geometric mean, corpus brevity penalty.

    hypotheses: N token sequences; references: N lists of one or more reference token sequences.
    Clip each n-gram's count by its largest count in a single reference; r sums the closest
    reference lengths (ties: the shorter); BP = 1 if c > r else exp(1 - r / c). No smoothing:
    0.0 if some order has no match or c == 0. ValueError on bad lengths, no references, max_n < 1.
    """
    # TODO
    raise NotImplementedError("corpus_bleu")


def lcs_length(a, b):
    """Length of the longest common subsequence (in order, gaps allowed) of two token sequences."""
    # TODO
    raise NotImplementedError("lcs_length")


def rouge_l(hypothesis, reference, beta=1.0):
    """(precision, recall, f): LCS / len(hypothesis), LCS / len(reference),
    f = (1 + beta**2) P R / (R + beta**2 P); (0.0, 0.0, 0.0) when the LCS is 0."""
    # TODO
    raise NotImplementedError("rouge_l")


def calibration_bins(probs, labels, n_bins=15):
    """(counts, accuracy, confidence) per confidence bin, each of length n_bins.

    probs (N, K) class probabilities, labels (N,) class indices. Confidence = max probability,
    prediction = argmax (lowest index on ties). edges = np.linspace(0, 1, n_bins + 1); bin m holds
    edges[m] < confidence <= edges[m + 1] (0 goes to bin 0). Empty bins: accuracy = confidence = 0.0.
    ValueError on n_bins < 1, bad shapes, probabilities outside [0, 1] or labels outside [0, K).
    """
    # TODO
    raise NotImplementedError("calibration_bins")


def expected_calibration_error(probs, labels, n_bins=15):
    """sum over bins of counts[m] / N * |accuracy[m] - confidence[m]| (a float)."""
    # TODO
    raise NotImplementedError("expected_calibration_error")
