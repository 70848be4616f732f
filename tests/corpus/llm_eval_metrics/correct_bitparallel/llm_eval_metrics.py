"""Correct, written independently: logaddexp reductions, masked sums with np.where, dictionary n-gram
counts, a bit-parallel LCS (Allison-Dix) on Python integers, and ECE by looping over the bins."""
import math

import numpy as np


def token_log_probs(logits, targets):
    z = np.array(logits, dtype=np.float64)
    t = np.array(targets)
    if z.ndim == 0 or t.shape != z.shape[:-1]:
        raise ValueError("targets must have shape logits.shape[:-1]")
    if t.size and (not np.issubdtype(t.dtype, np.integer) or np.any((t < 0) | (t >= z.shape[-1]))):
        raise ValueError("target id out of range")
    log_norm = np.logaddexp.reduce(z, axis=-1)  # numerically stable by construction
    flat = z.reshape(-1, z.shape[-1])
    chosen = flat[np.arange(flat.shape[0]), t.reshape(-1)].reshape(t.shape)
    return chosen - log_norm


def _nats(log_probs, mask):
    lp = np.array(log_probs, dtype=np.float64)
    keep = np.full(lp.shape, True) if mask is None else np.array(mask) != 0
    if keep.shape != lp.shape:
        raise ValueError("mask and log_probs differ in shape")
    n = int(np.count_nonzero(keep))
    if n == 0:
        raise ValueError("nothing to average: every position is padding")
    safe = np.where(keep, lp, 0.0)
    if np.any(safe > 0):
        raise ValueError("log-probabilities cannot be positive")
    return -safe.sum() / n


def perplexity(log_probs, mask=None):
    return float(np.exp(_nats(log_probs, mask)))


def bits_per_token(log_probs, mask=None):
    return float(_nats(log_probs, mask) / np.log(2))


def _counts(seq, n):
    out = {}
    for i in range(len(seq) - n + 1):
        key = tuple(seq[i:i + n])
        out[key] = out.get(key, 0) + 1
    return out


def corpus_bleu(hypotheses, references, max_n=4):
    if max_n < 1 or len(hypotheses) != len(references) or any(len(r) == 0 for r in references):
        raise ValueError("bad corpus_bleu arguments")
    hit = np.zeros(max_n)
    seen = np.zeros(max_n)
    c = r = 0
    for hyp, refs in zip(hypotheses, references):
        c += len(hyp)
        r += sorted(len(x) for x in refs)[np.argmin([abs(len(x) - len(hyp)) for x in sorted(refs, key=len)])]
        for n in range(1, max_n + 1):
            ref_max = {}
            for ref in refs:
                for gram, k in _counts(list(ref), n).items():
                    ref_max[gram] = max(ref_max.get(gram, 0), k)
            for gram, k in _counts(list(hyp), n).items():
                hit[n - 1] += min(k, ref_max.get(gram, 0))
                seen[n - 1] += k
    if c == 0 or np.any(hit == 0):
        return 0.0
    geo = np.exp(np.mean(np.log(hit / seen)))
    return float(geo * (1.0 if c > r else np.exp(1 - r / c)))


def lcs_length(a, b):
    a, b = list(a), list(b)
    if not a or not b:
        return 0
    masks = {}
    for i, token in enumerate(b):
        masks[token] = masks.get(token, 0) | (1 << i)
    full = (1 << len(b)) - 1
    v = full
    for token in a:
        u = v & masks.get(token, 0)
        v = ((v + u) | (v - u)) & full
    return len(b) - bin(v).count("1")


def rouge_l(hypothesis, reference, beta=1.0):
    common = lcs_length(hypothesis, reference)
    if not common:
        return 0.0, 0.0, 0.0
    p = common / len(hypothesis)
    r = common / len(reference)
    b2 = beta * beta
    return p, r, (1 + b2) * p * r / (r + b2 * p)


def calibration_bins(probs, labels, n_bins=15):
    if n_bins < 1:
        raise ValueError("n_bins < 1")
    p = np.array(probs, dtype=np.float64)
    y = np.array(labels)
    if p.ndim != 2 or len(p) == 0 or y.shape != (len(p),):
        raise ValueError("probs must be (N, K), labels (N,)")
    if p.min() < 0.0 or p.max() > 1.0:
        raise ValueError("probabilities outside [0, 1]")
    if np.any(y < 0) or np.any(y >= p.shape[1]):
        raise ValueError("label outside [0, K)")
    conf = p.max(axis=1)
    right = p.argmax(axis=1) == y
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    counts = np.zeros(n_bins, dtype=np.int64)
    acc = np.zeros(n_bins)
    mean_conf = np.zeros(n_bins)
    for m in range(n_bins):
        inside = (conf > edges[m]) & (conf <= edges[m + 1])
        if m == 0:
            inside |= conf == 0.0
        counts[m] = inside.sum()
        if counts[m]:
            acc[m] = right[inside].mean()
            mean_conf[m] = conf[inside].mean()
    return counts, acc, mean_conf


def expected_calibration_error(probs, labels, n_bins=15):
    counts, acc, conf = calibration_bins(probs, labels, n_bins)
    return float(np.dot(counts, np.abs(acc - conf)) / counts.sum())
