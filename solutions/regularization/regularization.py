"""Reference solution: L1/L2 penalties, inverted dropout and batch normalisation."""
import numpy as np


def l1_penalty(ws, lam):
    return float(lam * sum(np.sum(np.abs(w)) for w in ws))


def l1_penalty_grad(ws, lam):
    return [lam * np.sign(w) for w in ws]  # sign(0) = 0: the subgradient chosen at 0


def l2_penalty(ws, lam):
    return float(lam * sum(np.sum(np.square(w)) for w in ws))


def l2_penalty_grad(ws, lam):
    return [2.0 * lam * w for w in ws]


def _check_p(p):
    if not 0.0 <= p < 1.0:
        raise ValueError(f"dropout probability p must be in [0, 1), got {p}")


def dropout_forward(x, p, training, seed=None):
    _check_p(p)
    if not training:
        return x.copy(), np.ones(x.shape, dtype=bool)
    mask = np.random.default_rng(seed).random(x.shape) >= p  # keep with probability 1 - p
    return x * mask / (1.0 - p), mask


def dropout_backward(dout, mask, p):
    _check_p(p)
    return dout * mask / (1.0 - p)


def batchnorm_forward(x, gamma, beta, running, training, momentum=0.99, eps=1e-3):
    axes = tuple(range(x.ndim - 1))  # every axis but the channel (last) one
    if training:
        mean, var = x.mean(axis=axes), x.var(axis=axes)  # biased variance, as Keras
        running = {"mean": momentum * running["mean"] + (1.0 - momentum) * mean,
                   "var": momentum * running["var"] + (1.0 - momentum) * var}
    else:
        mean, var = running["mean"], running["var"]
        running = {"mean": np.array(mean, copy=True), "var": np.array(var, copy=True)}
    out = gamma * (x - mean) / np.sqrt(var + eps) + beta
    return out, running
