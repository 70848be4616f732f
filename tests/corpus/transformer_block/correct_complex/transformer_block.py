"""Correct, written differently: graph-style backward passes (through mean and variance), RoPE as complex
multiplication, positions by stacking, attention with an additive -inf mask and a log-sum-exp softmax."""
import math

import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    centred = x - np.mean(x, axis=-1, keepdims=True)
    var = np.mean(centred ** 2, axis=-1, keepdims=True)
    return centred * (var + eps) ** -0.5 * gamma + beta


def layer_norm_backward(dy, x, gamma, eps=1e-5):
    n = x.shape[-1]
    mu = np.mean(x, axis=-1, keepdims=True)
    xc = x - mu
    var = np.mean(xc ** 2, axis=-1, keepdims=True)
    istd = (var + eps) ** -0.5
    xhat = xc * istd
    dxhat = dy * gamma
    dvar = np.sum(dxhat * xc, axis=-1, keepdims=True) * -0.5 * istd ** 3
    dmu = -np.sum(dxhat * istd, axis=-1, keepdims=True) + dvar * np.mean(-2.0 * xc, axis=-1, keepdims=True)
    dx = dxhat * istd + dvar * 2.0 * xc / n + dmu / n
    flat_dy, flat_xhat = dy.reshape(-1, n), xhat.reshape(-1, n)
    return dx, np.einsum("nd,nd->d", flat_dy, flat_xhat), flat_dy.sum(axis=0)


def rms_norm(x, gamma, eps=1e-6):
    ms = np.einsum("...d,...d->...", x, x)[..., None] / x.shape[-1]
    return gamma * x / np.sqrt(ms + eps)


def rms_norm_backward(dy, x, gamma, eps=1e-6):
    n = x.shape[-1]
    ms = np.mean(x ** 2, axis=-1, keepdims=True) + eps
    r = ms ** -0.5
    g = dy * gamma
    dr = np.sum(g * x, axis=-1, keepdims=True)  # y = gamma * x * r
    dms = dr * -0.5 * ms ** -1.5
    dx = g * r + dms * 2.0 * x / n
    return dx, np.sum((dy * x * r).reshape(-1, n), axis=0)


def sinusoidal_positions(t, d):
    if d % 2 != 0:
        raise ValueError("odd d")
    freq = np.exp(-math.log(10000.0) * np.arange(d // 2) * 2.0 / d)
    angle = np.outer(np.arange(t, dtype=float), freq)
    return np.stack([np.sin(angle), np.cos(angle)], axis=-1).reshape(t, d)


def rope(x, positions=None, base=10000.0):
    x = np.asarray(x, dtype=float)
    d = x.shape[-1]
    if d % 2 != 0:
        raise ValueError("odd D")
    if positions is None:
        positions = np.arange(x.shape[-2])
    freq = base ** (-np.arange(d // 2) * 2.0 / d)
    z = (x[..., 0::2] + 1j * x[..., 1::2]) * np.exp(1j * np.outer(positions, freq))
    return np.stack([z.real, z.imag], axis=-1).reshape(x.shape)


def causal_self_attention(x, params, n_heads, use_rope=False):
    b, t, d = x.shape
    if d % n_heads != 0:
        raise ValueError("D not divisible by n_heads")
    dh = d // n_heads
    proj = {n: np.einsum("btd,de->bte", x, params["w" + n]) + params["b" + n] for n in "qkv"}
    split = {n: np.stack(np.split(proj[n], n_heads, axis=-1), axis=1) for n in "qkv"}  # (B, H, T, Dh)
    q, k, v = split["q"], split["k"], split["v"]
    if use_rope:
        q, k = rope(q), rope(k)
    scores = np.einsum("bhid,bhjd->bhij", q, k) / math.sqrt(dh)
    scores = scores + np.triu(np.full((t, t), -np.inf), k=1)
    m = scores.max(axis=-1, keepdims=True)
    log_z = m + np.log(np.exp(scores - m).sum(axis=-1, keepdims=True))
    weights = np.exp(scores - log_z)
    heads = np.einsum("bhij,bhjd->bhid", weights, v)
    merged = np.concatenate([heads[:, h] for h in range(n_heads)], axis=-1)
    return merged @ params["wo"] + params["bo"]


def gelu(z):
    return 0.5 * z * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (z + 0.044715 * np.power(z, 3))))


def decoder_block(x, params, n_heads, use_rope=False):
    a = causal_self_attention(layer_norm(x, params["ln1_gamma"], params["ln1_beta"], 1e-5), params, n_heads, use_rope)
    h = a + x
    m = gelu(layer_norm(h, params["ln2_gamma"], params["ln2_beta"], 1e-5) @ params["w1"] + params["b1"])
    return m @ params["w2"] + params["b2"] + h


def decoder(tokens, params, n_heads, positions="sinusoidal"):
    if positions == "sinusoidal":
        rotary = False
    elif positions == "rope":
        rotary = True
    else:
        raise ValueError("unknown positions")
    emb = params["embedding"]
    h = np.take(emb, tokens, axis=0)
    if not rotary:
        h = h + sinusoidal_positions(h.shape[1], h.shape[2])[None]
    for p in params["blocks"]:
        h = decoder_block(h, p, n_heads, use_rope=rotary)
    return np.einsum("btd,vd->btv", layer_norm(h, params["lnf_gamma"], params["lnf_beta"]), emb)
