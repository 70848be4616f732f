"""Correct, written differently: explicit per-row Jacobians for the backward passes, a centring matrix,
RoPE by rotation matrices, position loops, Keras-shaped (D, H, Dh) weights and a per-query attention loop."""
import numpy as np


def _moments(x):
    d = x.shape[-1]
    centred = x @ (np.eye(d) - np.full((d, d), 1.0 / d))  # centring matrix
    return centred, (centred * centred).sum(axis=-1, keepdims=True) / d


def layer_norm(x, gamma, beta, eps=1e-5):
    centred, var = _moments(np.asarray(x, dtype=float))
    return gamma * (centred / np.sqrt(var + eps)) + beta


def layer_norm_backward(dy, x, gamma, eps=1e-5):
    x = np.asarray(x, dtype=float)
    d = x.shape[-1]
    rows_x, rows_dy = x.reshape(-1, d), dy.reshape(-1, d)
    dx, dgamma, dbeta = np.zeros_like(rows_x), np.zeros(d), np.zeros(d)
    for r in range(rows_x.shape[0]):
        c = rows_x[r] - rows_x[r].mean()
        s = np.sqrt((c @ c) / d + eps)
        xhat = c / s
        jac = (np.eye(d) - 1.0 / d - np.outer(xhat, xhat) / d) / s  # d xhat / d x, symmetric
        dx[r] = jac @ (rows_dy[r] * gamma)
        dgamma += rows_dy[r] * xhat
        dbeta += rows_dy[r]
    return dx.reshape(x.shape), dgamma, dbeta


def rms_norm(x, gamma, eps=1e-6):
    return x * gamma / np.sqrt((x ** 2).sum(axis=-1, keepdims=True) / x.shape[-1] + eps)


def rms_norm_backward(dy, x, gamma, eps=1e-6):
    d = x.shape[-1]
    rows_x, rows_dy = x.reshape(-1, d), dy.reshape(-1, d)
    dx, dgamma = np.zeros_like(rows_x), np.zeros(d)
    for r in range(rows_x.shape[0]):
        s = np.sqrt(rows_x[r] @ rows_x[r] / d + eps)
        jac = (np.eye(d) - np.outer(rows_x[r], rows_x[r]) / (d * s * s)) / s
        dx[r] = jac @ (rows_dy[r] * gamma)
        dgamma += rows_dy[r] * rows_x[r] / s
    return dx.reshape(x.shape), dgamma


def sinusoidal_positions(t, d):
    if d % 2 == 1:
        raise ValueError("sinusoidal_positions needs an even d")
    pe = np.empty((t, d))
    for i in range(d // 2):
        w = 1.0 / 10000.0 ** (2 * i / d)
        pe[:, 2 * i] = np.sin(np.arange(t) * w)
        pe[:, 2 * i + 1] = np.cos(np.arange(t) * w)
    return pe


def rope(x, positions=None, base=10000.0):
    t, d = x.shape[-2], x.shape[-1]
    if d % 2 == 1:
        raise ValueError("rope needs an even last dimension")
    positions = list(range(t)) if positions is None else list(positions)
    rot = np.zeros((t, d, d))
    for pos_index, p in enumerate(positions):
        for i in range(d // 2):
            a = p * base ** (-2 * i / d)
            c, s = np.cos(a), np.sin(a)
            rot[pos_index, 2 * i:2 * i + 2, 2 * i:2 * i + 2] = [[c, -s], [s, c]]
    return np.einsum("tij,...tj->...ti", rot, x)


def causal_self_attention(x, params, n_heads, use_rope=False):
    b, t, d = x.shape
    if d % n_heads:
        raise ValueError(f"{d} features cannot be split into {n_heads} heads")
    dh = d // n_heads
    kernel = {n: params["w" + n].reshape(d, n_heads, dh) for n in "qkv"}  # as Keras stores them
    bias = {n: params["b" + n].reshape(n_heads, dh) for n in "qkv"}
    q, k, v = (np.einsum("btd,dhe->bhte", x, kernel[n]) + bias[n][None, :, None, :] for n in "qkv")
    if use_rope:
        q, k = rope(q), rope(k)
    out = np.zeros((b, n_heads, t, dh))
    for i in range(t):
        s = np.einsum("bhe,bhje->bhj", q[:, :, i], k[:, :, : i + 1]) / np.sqrt(dh)
        s = s - s.max(axis=-1, keepdims=True)
        w = np.exp(s)
        w /= w.sum(axis=-1, keepdims=True)
        out[:, :, i] = np.einsum("bhj,bhje->bhe", w, v[:, :, : i + 1])
    return np.einsum("bhte,hed->btd", out, params["wo"].reshape(n_heads, dh, d)) + params["bo"]


def decoder_block(x, params, n_heads, use_rope=False):
    x = x + causal_self_attention(layer_norm(x, params["ln1_gamma"], params["ln1_beta"]), params, n_heads, use_rope)
    z = layer_norm(x, params["ln2_gamma"], params["ln2_beta"]) @ params["w1"] + params["b1"]
    inner = 0.7978845608028654 * (z + 0.044715 * z * z * z)
    return x + (z * (1.0 + np.tanh(inner)) / 2.0) @ params["w2"] + params["b2"]


def decoder(tokens, params, n_heads, positions="sinusoidal"):
    if positions not in {"sinusoidal", "rope"}:
        raise ValueError(f"unknown positions {positions!r}")
    emb = params["embedding"]
    tokens = np.asarray(tokens)
    h = np.stack([emb[row] for row in tokens])
    if positions == "sinusoidal":
        h = h + sinusoidal_positions(tokens.shape[1], emb.shape[1])
    for block in params["blocks"]:
        h = decoder_block(h, block, n_heads, use_rope=(positions == "rope"))
    return layer_norm(h, params["lnf_gamma"], params["lnf_beta"]) @ emb.T
