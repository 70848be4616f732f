"""Correct, written independently in plain Python loops: math.fsum log-sum-exp per row, a token loop for
perplexity, Counter n-grams with a running max over references, a full LCS table, and bisect for the bins."""
import bisect
import math
from collections import Counter

import numpy as np


def token_log_probs(logits, targets):
    logits = np.asarray(logits)
    targets = np.asarray(targets)
    if logits.ndim < 1 or tuple(targets.shape) != tuple(logits.shape[:-1]):
        raise ValueError("shape mismatch between logits and targets")
    vocab = logits.shape[-1]
    rows = logits.reshape(-1, vocab).tolist()
    ids = targets.reshape(-1).tolist()
    out = []
    for row, t in zip(rows, ids):
        if not isinstance(t, int) or not 0 <= t < vocab:
            raise ValueError(f"target {t} outside [0, {vocab})")
        top = max(row)
        out.append(row[t] - top - math.log(math.fsum(math.exp(x - top) for x in row)))
    return np.array(out, dtype=np.float64).reshape(targets.shape)


def _average_nll(log_probs, mask):
    lp = np.asarray(log_probs, dtype=np.float64)
    if mask is not None and np.shape(mask) != lp.shape:
        raise ValueError("mask shape differs")
    flags = [True] * lp.size if mask is None else [bool(m) for m in np.asarray(mask).reshape(-1).tolist()]
    total, count = [], 0
    for value, real in zip(lp.reshape(-1).tolist(), flags):
        if not real:
            continue
        if value > 0:
            raise ValueError("positive log-probability")
        total.append(-value)
        count += 1
    if count == 0:
        raise ValueError("no real tokens")
    return math.fsum(total) / count


def perplexity(log_probs, mask=None):
    return math.exp(_average_nll(log_probs, mask))


def bits_per_token(log_probs, mask=None):
    return _average_nll(log_probs, mask) / math.log(2)


def corpus_bleu(hypotheses, references, max_n=4):
    if len(hypotheses) != len(references):
        raise ValueError("one list of references per hypothesis")
    if max_n < 1:
        raise ValueError("max_n >= 1")
    matched = [0] * (max_n + 1)
    possible = [0] * (max_n + 1)
    c = r = 0
    for hyp, refs in zip(hypotheses, references):
        if len(refs) == 0:
            raise ValueError("a hypothesis without references")
        c += len(hyp)
        best = None
        for ref in refs:
            d = abs(len(ref) - len(hyp))
            if best is None or d < best[0] or (d == best[0] and len(ref) < best[1]):
                best = (d, len(ref))
        r += best[1]
        for n in range(1, max_n + 1):
            grams = Counter(tuple(hyp[i:i + n]) for i in range(len(hyp) - n + 1))
            limit = Counter()
            for ref in refs:
                for g, k in Counter(tuple(ref[i:i + n]) for i in range(len(ref) - n + 1)).items():
                    if k > limit[g]:
                        limit[g] = k
            for g, k in grams.items():
                matched[n] += min(k, limit[g])
                possible[n] += k
    if c == 0:
        return 0.0
    log_sum = 0.0
    for n in range(1, max_n + 1):
        if matched[n] == 0:
            return 0.0
        log_sum += math.log(matched[n]) - math.log(possible[n])
    bp = 1.0 if c > r else math.exp(1.0 - r / c)
    return bp * math.exp(log_sum / max_n)


def lcs_length(a, b):
    a, b = list(a), list(b)
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                table[i][j] = table[i - 1][j - 1] + 1
            else:
                table[i][j] = max(table[i - 1][j], table[i][j - 1])
    return table[len(a)][len(b)]


def rouge_l(hypothesis, reference, beta=1.0):
    n = lcs_length(hypothesis, reference)
    if n == 0:
        return (0.0, 0.0, 0.0)
    precision = n / len(hypothesis)
    recall = n / len(reference)
    return (precision, recall, (1 + beta ** 2) * precision * recall / (recall + beta ** 2 * precision))


def calibration_bins(probs, labels, n_bins=15):
    probs = np.asarray(probs, dtype=np.float64)
    labels = np.asarray(labels)
    if n_bins < 1:
        raise ValueError("need at least one bin")
    if probs.ndim != 2 or probs.shape[0] < 1:
        raise ValueError("probs must be (N, K) with N >= 1")
    if labels.shape != (probs.shape[0],):
        raise ValueError("labels must be (N,)")
    edges = np.linspace(0.0, 1.0, n_bins + 1).tolist()
    counts = [0] * n_bins
    right = [0] * n_bins
    conf_sum = [[] for _ in range(n_bins)]
    for row, label in zip(probs.tolist(), labels.tolist()):
        if min(row) < 0 or max(row) > 1:
            raise ValueError("probabilities must be in [0, 1]")
        if not 0 <= label < len(row):
            raise ValueError("label outside [0, K)")
        top = max(row)
        guess = row.index(top)  # first maximum
        m = max(bisect.bisect_left(edges, top) - 1, 0)
        counts[m] += 1
        right[m] += guess == label
        conf_sum[m].append(top)
    accuracy = [right[m] / counts[m] if counts[m] else 0.0 for m in range(n_bins)]
    confidence = [math.fsum(conf_sum[m]) / counts[m] if counts[m] else 0.0 for m in range(n_bins)]
    return np.array(counts), np.array(accuracy), np.array(confidence)


def expected_calibration_error(probs, labels, n_bins=15):
    counts, accuracy, confidence = calibration_bins(probs, labels, n_bins)
    n = int(sum(counts))
    return math.fsum(int(k) / n * abs(a - c) for k, a, c in zip(counts, accuracy, confidence))
