"""Correct, written element by element with the math module (slow but exact)."""
import math

import numpy as np


def _map(f, x):
    x = np.asarray(x, dtype=np.float64)
    out = np.empty(x.shape)
    for index in np.ndindex(x.shape):
        out[index] = f(float(x[index]))
    return out


def _sig(v):
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


def sigmoid(x):
    return _map(_sig, x)


def sigmoid_grad(x):
    return _map(lambda v: _sig(v) * _sig(-v), x)


def tanh(x):
    return _map(math.tanh, x)


def tanh_grad(x):
    return _map(lambda v: 1.0 - math.tanh(v) ** 2, x)


def relu(x):
    return _map(lambda v: v if v > 0 else 0.0, x)


def relu_grad(x):
    return _map(lambda v: 1.0 if v > 0 else 0.0, x)


def leaky_relu(x, alpha=0.01):
    return _map(lambda v: v if v > 0 else alpha * v, x)


def leaky_relu_grad(x, alpha=0.01):
    return _map(lambda v: 1.0 if v > 0 else alpha, x)


def softmax(x, axis=-1):
    x = np.asarray(x, dtype=np.float64)
    moved = np.moveaxis(x, axis, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    out = np.empty(rows.shape)
    for i, row in enumerate(rows):
        top = max(row)
        exps = [math.exp(v - top) for v in row]
        total = sum(exps)
        out[i] = [e / total for e in exps]
    return np.moveaxis(out.reshape(moved.shape), -1, axis)
