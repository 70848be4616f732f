"""Reference solution: normalisation layers, positions and a pre-LN transformer decoder block in numpy."""
import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)  # biased: divide by D
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def layer_norm_backward(dy, x, gamma, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=-1, keepdims=True) + eps)
    xhat = (x - mean) * inv_std
    g = dy * gamma  # gradient at xhat
    dx = inv_std * (g - g.mean(axis=-1, keepdims=True) - xhat * (g * xhat).mean(axis=-1, keepdims=True))
    lead = tuple(range(x.ndim - 1))
    return dx, (dy * xhat).sum(axis=lead), dy.sum(axis=lead)


def rms_norm(x, gamma, eps=1e-6):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * gamma


def rms_norm_backward(dy, x, gamma, eps=1e-6):
    inv_rms = 1.0 / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    xhat = x * inv_rms
    g = dy * gamma
    dx = inv_rms * (g - xhat * (g * xhat).mean(axis=-1, keepdims=True))
    return dx, (dy * xhat).sum(axis=tuple(range(x.ndim - 1)))


def sinusoidal_positions(t, d):
    if d % 2:
        raise ValueError(f"the model dimension d = {d} must be even")
    angles = np.arange(t)[:, None] / 10000.0 ** (np.arange(0, d, 2) / d)  # (t, d/2)
    pe = np.zeros((t, d))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles)
    return pe


def rope(x, positions=None, base=10000.0):
    d = x.shape[-1]
    if d % 2:
        raise ValueError(f"the last dimension {d} must be even to rotate pairs")
    positions = np.arange(x.shape[-2]) if positions is None else np.asarray(positions)
    angles = positions[:, None] * base ** (-np.arange(0, d, 2) / d)  # (T, d/2)
    cos, sin = np.cos(angles), np.sin(angles)
    even, odd = x[..., 0::2], x[..., 1::2]
    out = np.empty(x.shape, dtype=np.result_type(x.dtype, np.float64))
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out


def _softmax(scores):
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def causal_self_attention(x, params, n_heads, use_rope=False):
    b, t, d = x.shape
    if d % n_heads:
        raise ValueError(f"the model dimension {d} is not divisible by {n_heads} heads")
    dh = d // n_heads

    def heads(w, bias):  # (B, T, D) -> (B, H, T, Dh): head h holds columns h*Dh .. (h+1)*Dh - 1
        return (x @ params[w] + params[bias]).reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)

    q, k, v = heads("wq", "bq"), heads("wk", "bk"), heads("wv", "bv")
    if use_rope:  # queries and keys only, per head, positions 0..T-1
        q, k = rope(q), rope(k)
    scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    allowed = np.tril(np.ones((t, t), dtype=bool))  # key j <= query i
    weights = _softmax(np.where(allowed, scores, -np.inf))
    out = (weights @ v).transpose(0, 2, 1, 3).reshape(b, t, d)
    return out @ params["wo"] + params["bo"]


def _gelu(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))


def decoder_block(x, params, n_heads, use_rope=False):
    h = x + causal_self_attention(layer_norm(x, params["ln1_gamma"], params["ln1_beta"]), params, n_heads, use_rope)
    z = layer_norm(h, params["ln2_gamma"], params["ln2_beta"])
    return h + _gelu(z @ params["w1"] + params["b1"]) @ params["w2"] + params["b2"]


def decoder(tokens, params, n_heads, positions="sinusoidal"):
    if positions not in ("sinusoidal", "rope"):
        raise ValueError(f"positions must be 'sinusoidal' or 'rope', not {positions!r}")
    table = params["embedding"]
    h = table[np.asarray(tokens)]
    if positions == "sinusoidal":
        h = h + sinusoidal_positions(h.shape[-2], h.shape[-1])  # to the input, once, unscaled
    for block in params["blocks"]:
        h = decoder_block(h, block, n_heads, use_rope=positions == "rope")
    h = layer_norm(h, params["lnf_gamma"], params["lnf_beta"])
    return h @ table.T
