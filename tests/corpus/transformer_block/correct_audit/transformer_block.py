"""Audit answer: norms, positions, RoPE and a pre-LN decoder in numpy."""
from __future__ import annotations

import numpy as np


def layer_norm(x, gamma, beta, eps: float = 1e-5) -> np.ndarray:
    """LayerNorm over the last axis (biased variance, eps inside the root)."""
    x = np.asarray(x, dtype=np.float64)
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta


def layer_norm_backward(dy, x, gamma, eps: float = 1e-5):
    """(dx, dgamma, dbeta) of sum(dy * layer_norm(x))."""
    x = np.asarray(x, dtype=np.float64)
    dy = np.asarray(dy, dtype=np.float64)
    d = x.shape[-1]
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    inv = 1.0 / np.sqrt(var + eps)
    xhat = (x - mu) * inv
    g = dy * gamma
    dx = inv * (g - g.mean(axis=-1, keepdims=True) - xhat * (g * xhat).mean(axis=-1, keepdims=True))
    dgamma = (dy * xhat).reshape(-1, d).sum(axis=0)
    dbeta = dy.reshape(-1, d).sum(axis=0)
    return dx, dgamma, dbeta


def rms_norm(x, gamma, eps: float = 1e-6) -> np.ndarray:
    """RMSNorm over the last axis."""
    x = np.asarray(x, dtype=np.float64)
    return x / np.sqrt((x * x).mean(axis=-1, keepdims=True) + eps) * gamma


def rms_norm_backward(dy, x, gamma, eps: float = 1e-6):
    """(dx, dgamma) of sum(dy * rms_norm(x))."""
    x = np.asarray(x, dtype=np.float64)
    dy = np.asarray(dy, dtype=np.float64)
    d = x.shape[-1]
    r = np.sqrt((x * x).mean(axis=-1, keepdims=True) + eps)
    g = dy * gamma
    dx = g / r - x * (g * x).sum(axis=-1, keepdims=True) / (d * r ** 3)
    dgamma = (dy * x / r).reshape(-1, d).sum(axis=0)
    return dx, dgamma


def sinusoidal_positions(t: int, d: int) -> np.ndarray:
    """Interleaved sin/cos position table (t, d)."""
    if d % 2:
        raise ValueError("d must be even")
    p = np.arange(t, dtype=np.float64)[:, None]
    freq = 10000.0 ** (-np.arange(0, d, 2, dtype=np.float64) / d)
    ang = p * freq[None, :]
    pe = np.empty((t, d))
    pe[:, 0::2] = np.sin(ang)
    pe[:, 1::2] = np.cos(ang)
    return pe


def rope(x, positions=None, base: float = 10000.0) -> np.ndarray:
    """Rotate pairs (2i, 2i+1) at position p by p * base**(-2i/D)."""
    x = np.asarray(x, dtype=np.float64)
    t, d = x.shape[-2], x.shape[-1]
    if d % 2:
        raise ValueError("D must be even")
    pos = np.arange(t) if positions is None else np.asarray(positions)
    ang = pos.astype(np.float64)[:, None] * base ** (-np.arange(0, d, 2, dtype=np.float64) / d)
    c, s = np.cos(ang), np.sin(ang)
    a, b = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = a * c - b * s
    out[..., 1::2] = a * s + b * c
    return out


def causal_self_attention(x, params: dict, n_heads: int, use_rope: bool = False) -> np.ndarray:
    """Causal multi-head self-attention (B, T, D) -> (B, T, D)."""
    x = np.asarray(x, dtype=np.float64)
    bsz, t, d = x.shape
    if d % n_heads:
        raise ValueError("D must be divisible by n_heads")
    dh = d // n_heads

    def split(m):
        return m.reshape(bsz, t, n_heads, dh).transpose(0, 2, 1, 3)  # (B, H, T, Dh)

    q = split(x @ params["wq"] + params["bq"])
    k = split(x @ params["wk"] + params["bk"])
    v = split(x @ params["wv"] + params["bv"])
    if use_rope:
        q, k = rope(q), rope(k)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    mask = np.tril(np.ones((t, t), dtype=bool))
    s = np.where(mask, s, -np.inf)
    s = s - s.max(axis=-1, keepdims=True)
    w = np.exp(s)
    w = w / w.sum(axis=-1, keepdims=True)
    o = (w @ v).transpose(0, 2, 1, 3).reshape(bsz, t, d)
    return o @ params["wo"] + params["bo"]


def _gelu(z):
    return 0.5 * z * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (z + 0.044715 * z ** 3)))


def decoder_block(x, params: dict, n_heads: int, use_rope: bool = False) -> np.ndarray:
    """Pre-LN block."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1] % n_heads:
        raise ValueError("D must be divisible by n_heads")
    h = x + causal_self_attention(layer_norm(x, params["ln1_gamma"], params["ln1_beta"]), params, n_heads, use_rope)
    u = layer_norm(h, params["ln2_gamma"], params["ln2_beta"]) @ params["w1"] + params["b1"]
    return h + _gelu(u) @ params["w2"] + params["b2"]


def decoder(tokens, params: dict, n_heads: int, positions: str = "sinusoidal") -> np.ndarray:
    """Token logits (B, T, V)."""
    if positions not in ("sinusoidal", "rope"):
        raise ValueError(f"unknown positions {positions!r}")
    tokens = np.asarray(tokens)
    emb = params["embedding"]
    h = emb[tokens]
    if positions == "sinusoidal":
        h = h + sinusoidal_positions(tokens.shape[-1], emb.shape[1])
    for blk in params["blocks"]:
        h = decoder_block(h, blk, n_heads, use_rope=positions == "rope")
    return layer_norm(h, params["lnf_gamma"], params["lnf_beta"]) @ emb.T
