"""Correct, one element at a time with the math module."""
import math

import numpy as np


def _flat(y, p):
    y = np.asarray(y, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if y.shape != p.shape:
        raise ValueError("shape mismatch: %s vs %s" % (y.shape, p.shape))
    return y.ravel().tolist(), p.ravel().tolist(), p.shape


def _mean(values):
    return sum(values) / len(values)


def _clip(v, lo, hi):
    return min(max(v, lo), hi)


def mse(y, p):
    ys, ps, _ = _flat(y, p)
    return _mean([(b - a) ** 2 for a, b in zip(ys, ps)])


def mse_grad(y, p):
    ys, ps, shape = _flat(y, p)
    n = len(ps)
    return np.array([2 * (b - a) / n for a, b in zip(ys, ps)]).reshape(shape)


def binary_cross_entropy(y, p, eps=1e-12):
    ys, ps, _ = _flat(y, p)
    terms = []
    for a, b in zip(ys, ps):
        b = _clip(b, eps, 1 - eps)
        terms.append(-(a * math.log(b) + (1 - a) * math.log(1 - b)))
    return _mean(terms)


def binary_cross_entropy_grad(y, p, eps=1e-12):
    ys, ps, shape = _flat(y, p)
    n = len(ps)
    out = []
    for a, b in zip(ys, ps):
        b = _clip(b, eps, 1 - eps)
        out.append((-a / b + (1 - a) / (1 - b)) / n)
    return np.array(out).reshape(shape)


def _softplus(v):
    return v + math.log1p(math.exp(-v)) if v > 0 else math.log1p(math.exp(v))


def binary_cross_entropy_with_logits(y, z):
    ys, zs, _ = _flat(y, z)
    # -[y log s(z) + (1-y) log s(-z)] = y softplus(-z) + (1-y) softplus(z)
    return _mean([a * _softplus(-b) + (1 - a) * _softplus(b) for a, b in zip(ys, zs)])


def binary_cross_entropy_with_logits_grad(y, z):
    ys, zs, shape = _flat(y, z)
    n = len(zs)
    out = []
    for a, b in zip(ys, zs):
        s = 1 / (1 + math.exp(-b)) if b >= 0 else math.exp(b) / (1 + math.exp(b))
        out.append((s - a) / n)
    return np.array(out).reshape(shape)


def categorical_cross_entropy(y_onehot, p):
    y = np.asarray(y_onehot, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if y.shape != p.shape:
        raise ValueError("shape mismatch")
    rows_y = y.reshape(-1, y.shape[-1])
    rows_p = p.reshape(-1, p.shape[-1])
    total = 0.0
    for ry, rp in zip(rows_y, rows_p):
        total += -sum(a * math.log(max(b, 1e-12)) for a, b in zip(ry, rp))
    return total / len(rows_y)


def categorical_cross_entropy_grad(y_onehot, p):
    y = np.asarray(y_onehot, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    if y.shape != p.shape:
        raise ValueError("shape mismatch")
    n = y.size // y.shape[-1]
    out = np.zeros(p.shape)
    for index in np.ndindex(p.shape):
        out[index] = -y[index] / max(p[index], 1e-12) / n
    return out


def hinge(y_pm1, s):
    ys, ss, _ = _flat(y_pm1, s)
    return _mean([max(0.0, 1 - a * b) for a, b in zip(ys, ss)])


def hinge_grad(y_pm1, s):
    ys, ss, shape = _flat(y_pm1, s)
    n = len(ss)
    return np.array([-a / n if a * b < 1 else 0.0 for a, b in zip(ys, ss)]).reshape(shape)
