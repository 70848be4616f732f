"""Correct, written independently: Adam in the paper's form (eps added to sqrt(v_hat)), norms via np.linalg."""
import math

import numpy as np


def _positive(c):
    if c <= 0:
        raise ValueError("c must be positive")


def clip_by_value(g, c):
    _positive(c)
    g = np.array(g, dtype=np.float64)
    return np.minimum(np.maximum(g, -c), c)


def clip_by_norm(g, c):
    _positive(c)
    g = np.array(g, dtype=np.float64)
    norm = np.linalg.norm(g.ravel())
    factor = min(1.0, c / norm) if norm > 0 else 1.0
    return g * factor


def clip_by_global_norm(grads, c):
    _positive(c)
    arrays = [np.array(g, dtype=np.float64) for g in grads]
    total = math.sqrt(sum(float(np.linalg.norm(a.ravel())) ** 2 for a in arrays))
    factor = 1.0 if total <= c else c / total
    return [a * factor for a in arrays], total


def sgd_momentum_step(w, g, v, lr, momentum):
    velocity = np.multiply(momentum, v) - np.multiply(lr, g)
    return np.add(w, velocity), velocity


def adam_step(w, g, m, v, t, lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    if int(t) != t or t <= 0:
        raise ValueError("t is the 1-based step number")
    g = np.asarray(g, dtype=np.float64)
    m = b1 * np.asarray(m, dtype=np.float64) + (1 - b1) * g
    v = b2 * np.asarray(v, dtype=np.float64) + (1 - b2) * np.square(g)
    m_hat = m / (1 - b1 ** t)
    v_hat = v / (1 - b2 ** t)
    return np.asarray(w, dtype=np.float64) - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
