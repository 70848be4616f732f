"""Correct (audit, written from the statement alone): numpy log-sum-exp, boolean mask selection, Counter n-grams with a per-reference max, a rolling LCS row, searchsorted bins."""
import math
from collections import Counter

import numpy as np


def token_log_probs(logits, targets):
    z = np.asarray(logits, dtype=np.float64)
    t = np.asarray(targets)
    if z.ndim < 1 or t.shape != z.shape[:-1]:
        raise ValueError("targets shape must equal logits.shape[:-1]")
    V = z.shape[-1]
    if t.size and (np.any(t < 0) or np.any(t >= V)):
        raise ValueError("target out of range")
    t = t.astype(np.int64)
    m = np.max(z, axis=-1, keepdims=True)
    lse = m[..., 0] + np.log(np.sum(np.exp(z - m), axis=-1))
    picked = np.take_along_axis(z, t[..., None], axis=-1)[..., 0]
    return picked - lse


def _mean_nll(log_probs, mask):
    lp = np.asarray(log_probs, dtype=np.float64)
    if mask is None:
        real = lp.ravel()
    else:
        mk = np.asarray(mask)
        if mk.shape != lp.shape:
            raise ValueError("mask shape differs")
        real = lp[mk.astype(bool)]
    if real.size == 0:
        raise ValueError("no real token")
    if np.any(real > 0):
        raise ValueError("positive log-probability")
    return -float(np.sum(real)) / real.size


def perplexity(log_probs, mask=None):
    return math.exp(_mean_nll(log_probs, mask))


def bits_per_token(log_probs, mask=None):
    return _mean_nll(log_probs, mask) / math.log(2)


def _ngrams(seq, n):
    seq = list(seq)
    return Counter(tuple(seq[i:i + n]) for i in range(len(seq) - n + 1))


def corpus_bleu(hypotheses, references, max_n=4):
    if max_n < 1:
        raise ValueError("max_n < 1")
    if len(hypotheses) != len(references):
        raise ValueError("length mismatch")
    num = [0] * max_n
    den = [0] * max_n
    c = r = 0
    for hyp, refs in zip(hypotheses, references):
        refs = list(refs)
        if not refs:
            raise ValueError("no references")
        hyp = list(hyp)
        c += len(hyp)
        r += min((len(x) for x in refs), key=lambda L: (abs(L - len(hyp)), L))
        for n in range(1, max_n + 1):
            h = _ngrams(hyp, n)
            best = Counter()
            for ref in refs:
                for g, k in _ngrams(ref, n).items():
                    best[g] = max(best[g], k)
            num[n - 1] += sum(min(k, best[g]) for g, k in h.items())
            den[n - 1] += max(0, len(hyp) - n + 1)
    if c == 0 or any(x == 0 for x in num):
        return 0.0
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return bp * math.exp(sum(math.log(a / b) for a, b in zip(num, den)) / max_n)


def lcs_length(a, b):
    a, b = list(a), list(b)
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def rouge_l(hypothesis, reference, beta=1.0):
    L = lcs_length(hypothesis, reference)
    if L == 0:
        return 0.0, 0.0, 0.0
    p = L / len(hypothesis)
    r = L / len(reference)
    b2 = beta * beta
    return p, r, (1 + b2) * p * r / (r + b2 * p)


def calibration_bins(probs, labels, n_bins=15):
    if n_bins < 1:
        raise ValueError("n_bins < 1")
    P = np.asarray(probs, dtype=np.float64)
    y = np.asarray(labels)
    if P.ndim != 2 or P.shape[0] < 1:
        raise ValueError("probs must be (N, K)")
    N, K = P.shape
    if y.shape != (N,):
        raise ValueError("labels shape")
    if np.any(P < 0) or np.any(P > 1) or np.any(np.isnan(P)):
        raise ValueError("probability outside [0, 1]")
    if np.any(y < 0) or np.any(y >= K):
        raise ValueError("label out of range")
    conf = P.max(axis=1)
    pred = P.argmax(axis=1)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    idx = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, n_bins - 1)
    counts = np.bincount(idx, minlength=n_bins).astype(int)
    correct = np.bincount(idx, weights=(pred == y).astype(float), minlength=n_bins)
    csum = np.bincount(idx, weights=conf, minlength=n_bins)
    safe = np.maximum(counts, 1)
    acc = np.where(counts > 0, correct / safe, 0.0)
    cm = np.where(counts > 0, csum / safe, 0.0)
    return counts, acc, cm


def expected_calibration_error(probs, labels, n_bins=15):
    counts, acc, cm = calibration_bins(probs, labels, n_bins)
    return float(np.sum(counts / counts.sum() * np.abs(acc - cm)))
