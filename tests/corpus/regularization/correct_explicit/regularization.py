"""Correct, written independently: flattened dot products, binomial masks, per-channel loop for batch norm."""
import numpy as np


def l1_penalty(ws, lam):
    total = 0.0
    for w in ws:
        total += np.abs(np.ravel(w)).sum()
    return lam * total


def l1_penalty_grad(ws, lam):
    grads = []
    for w in ws:
        g = np.zeros_like(w, dtype=float)
        g[w > 0] = lam
        g[w < 0] = -lam
        grads.append(g)
    return grads


def l2_penalty(ws, lam):
    return lam * sum(float(np.dot(np.ravel(w), np.ravel(w))) for w in ws)


def l2_penalty_grad(ws, lam):
    return [w * (lam + lam) for w in ws]


def dropout_forward(x, p, training, seed=None):
    if p < 0 or p >= 1:
        raise ValueError("p must satisfy 0 <= p < 1")
    if not training:
        return np.array(x, copy=True), np.full(np.shape(x), True)
    keep = np.random.default_rng(seed).binomial(1, 1.0 - p, size=np.shape(x)).astype(bool)
    scale = 1.0 / (1.0 - p)
    return np.where(keep, x * scale, 0.0), keep


def dropout_backward(dout, mask, p):
    if p < 0 or p >= 1:
        raise ValueError("p must satisfy 0 <= p < 1")
    return np.where(np.asarray(mask, dtype=bool), dout / (1.0 - p), 0.0)


def batchnorm_forward(x, gamma, beta, running, training, momentum=0.99, eps=1e-3):
    c = x.shape[-1]
    flat = x.reshape(-1, c)
    out = np.empty_like(flat)
    new_mean = np.array(running["mean"], dtype=float, copy=True)
    new_var = np.array(running["var"], dtype=float, copy=True)
    for j in range(c):
        col = flat[:, j]
        if training:
            mu = col.sum() / col.size
            var = ((col - mu) ** 2).sum() / col.size
            new_mean[j] = momentum * new_mean[j] + (1 - momentum) * mu
            new_var[j] = momentum * new_var[j] + (1 - momentum) * var
        else:
            mu, var = running["mean"][j], running["var"][j]
        out[:, j] = (col - mu) / np.sqrt(var + eps) * gamma[j] + beta[j]
    return out.reshape(x.shape), {"mean": new_mean, "var": new_var}
