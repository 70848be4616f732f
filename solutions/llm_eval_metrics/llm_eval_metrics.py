"""Reference solution: perplexity, corpus BLEU, ROUGE-L and expected calibration error."""
import math
from collections import Counter

import numpy as np


# ----------------------------------------------------------------------------- language-model likelihood


def token_log_probs(logits, targets):
    logits = np.asarray(logits, dtype=np.float64)
    targets = np.asarray(targets)
    if logits.ndim < 1 or targets.shape != logits.shape[:-1]:
        raise ValueError(f"targets of shape {targets.shape} do not match logits of shape {logits.shape}")
    vocab = logits.shape[-1]
    if targets.size and (targets.dtype.kind not in "iu" or targets.min() < 0 or targets.max() >= vocab):
        raise ValueError(f"targets must be integer token ids in [0, {vocab})")
    top = np.max(logits, axis=-1, keepdims=True)
    log_z = top[..., 0] + np.log(np.sum(np.exp(logits - top), axis=-1))  # log-sum-exp, shifted
    picked = np.take_along_axis(logits, targets[..., None].astype(np.intp), axis=-1)[..., 0]
    return picked - log_z


def _mean_nll(log_probs, mask):
    """Mean negative log-likelihood (nats) over the real tokens; padding ignored whatever it holds."""
    log_probs = np.asarray(log_probs, dtype=np.float64)
    real = np.ones(log_probs.shape, dtype=bool) if mask is None else np.asarray(mask)
    if real.shape != log_probs.shape:
        raise ValueError(f"mask of shape {real.shape} does not match log_probs of shape {log_probs.shape}")
    values = log_probs[real.astype(bool)]  # select, never multiply: 0 * -inf is nan
    if values.size == 0:
        raise ValueError("no real tokens: the mask is all False")
    if np.any(values > 0):
        raise ValueError("a log-probability is positive: pass log p (<= 0), not p or -log p")
    return -float(np.mean(values))


def perplexity(log_probs, mask=None):
    return math.exp(_mean_nll(log_probs, mask))


def bits_per_token(log_probs, mask=None):
    return _mean_nll(log_probs, mask) / math.log(2.0)


# ----------------------------------------------------------------------------- BLEU


def _ngrams(tokens, n):
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def corpus_bleu(hypotheses, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n must be at least 1")
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} reference lists")
    matches, totals = [0] * max_n, [0] * max_n
    hyp_len = ref_len = 0
    for hyp, refs in zip(hypotheses, references):
        hyp, refs = list(hyp), [list(r) for r in refs]
        if not refs:
            raise ValueError("every hypothesis needs at least one reference")
        hyp_len += len(hyp)
        ref_len += min((len(r) for r in refs), key=lambda length: (abs(length - len(hyp)), length))
        for n in range(1, max_n + 1):
            counts = _ngrams(hyp, n)
            most = Counter()
            for ref in refs:
                most |= _ngrams(ref, n)  # | keeps the max count of each n-gram over the references
            matches[n - 1] += sum(min(c, most[g]) for g, c in counts.items())
            totals[n - 1] += max(len(hyp) - n + 1, 0)
    if hyp_len == 0 or min(matches) == 0:
        return 0.0
    log_precision = sum(math.log(m / t) for m, t in zip(matches, totals)) / max_n
    brevity = 1.0 if hyp_len > ref_len else math.exp(1.0 - ref_len / hyp_len)
    return brevity * math.exp(log_precision)


# ----------------------------------------------------------------------------- ROUGE-L


def lcs_length(a, b):
    a, b = list(a), list(b)
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def rouge_l(hypothesis, reference, beta=1.0):
    lcs = lcs_length(hypothesis, reference)
    if lcs == 0:
        return 0.0, 0.0, 0.0
    precision, recall = lcs / len(hypothesis), lcs / len(reference)
    f = (1 + beta ** 2) * precision * recall / (recall + beta ** 2 * precision)
    return precision, recall, f


# ----------------------------------------------------------------------------- calibration


def calibration_bins(probs, labels, n_bins=15):
    probs, labels = np.asarray(probs, dtype=np.float64), np.asarray(labels)
    if n_bins < 1:
        raise ValueError("n_bins must be at least 1")
    if probs.ndim != 2 or probs.shape[0] == 0 or labels.shape != probs.shape[:1]:
        raise ValueError(f"need probs (N, K) with N > 0 and labels (N,); got {probs.shape} and {labels.shape}")
    if np.any(probs < 0) or np.any(probs > 1):
        raise ValueError("probabilities must lie in [0, 1]")
    if labels.dtype.kind not in "iu" or labels.min() < 0 or labels.max() >= probs.shape[1]:
        raise ValueError(f"labels must be class indices in [0, {probs.shape[1]})")
    confidence = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == labels).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.searchsorted(edges[1:-1], confidence, side="left")  # (edges[m], edges[m + 1]]
    counts = np.bincount(bins, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracy = np.where(counts > 0, np.bincount(bins, correct, n_bins) / counts, 0.0)
        mean_conf = np.where(counts > 0, np.bincount(bins, confidence, n_bins) / counts, 0.0)
    return counts, accuracy, mean_conf


def expected_calibration_error(probs, labels, n_bins=15):
    counts, accuracy, confidence = calibration_bins(probs, labels, n_bins)
    return float(np.sum(counts / counts.sum() * np.abs(accuracy - confidence)))
