"""LayerNorm, RMSNorm, sinusoidal positions, RoPE and a pre-LN transformer decoder, in numpy.

Run the visible tests with `python grade.py check transformer_block`.
Everything is float64 numpy; do not use tensorflow, keras, torch, jax, scipy or sklearn.
No function may modify its arguments.
"""
import numpy as np


def layer_norm(x, gamma, beta, eps=1e-5):
    """(x - mean) / sqrt(var + eps) * gamma + beta over the last axis of x (..., D).

    var is the biased variance (divide by D); eps goes inside the square root.
    """
    # TODO
    raise NotImplementedError("layer_norm")


def layer_norm_backward(dy, x, gamma, eps=1e-5):
    """Gradients of sum(dy * layer_norm(x, gamma, beta, eps)): returns (dx, dgamma, dbeta).

    dx has the shape of x; dgamma and dbeta have shape (D,), summed over all leading axes.
    Remember that the mean and the variance depend on every x of the row.
    """
    # TODO
    raise NotImplementedError("layer_norm_backward")


def rms_norm(x, gamma, eps=1e-6):
    """x / sqrt(mean(x**2) + eps) * gamma over the last axis: no centring, no bias."""
    # TODO
    raise NotImplementedError("rms_norm")


def rms_norm_backward(dy, x, gamma, eps=1e-6):
    """Gradients of sum(dy * rms_norm(x, gamma, eps)): returns (dx, dgamma), shapes as x and (D,)."""
    # TODO
    raise NotImplementedError("rms_norm_backward")


def sinusoidal_positions(t, d):
    """(t, d) array: pe[p, 2i] = sin(p / 10000**(2i/d)), pe[p, 2i+1] = cos(p / 10000**(2i/d)).

    Positions p = 0 .. t-1; sine and cosine interleaved. Raises ValueError for an odd d.
    """
    # TODO
    raise NotImplementedError("sinusoidal_positions")


def rope(x, positions=None, base=10000.0):
    """Rotary position embedding of x (..., T, D); a new array of the same shape.

    positions: integer array (T,), default 0 .. T-1. The pair (x[..., t, 2i], x[..., t, 2i+1]) is
    rotated by the angle a = positions[t] * base**(-2i/D):
        out[2i]   = x[2i] * cos(a) - x[2i+1] * sin(a)
        out[2i+1] = x[2i] * sin(a) + x[2i+1] * cos(a)
    Raises ValueError for an odd D.
    """
    # TODO
    raise NotImplementedError("rope")


def causal_self_attention(x, params, n_heads, use_rope=False):
    """Causal multi-head self-attention of x (B, T, D) -> (B, T, D).

    q = x @ wq + bq (same for k, v); head h uses columns h*Dh .. (h+1)*Dh - 1, Dh = D // n_heads;
    softmax(q_h @ k_h^T / sqrt(Dh)) over the keys, query i seeing keys 0..i; heads concatenated
    in order, then @ wo + bo. use_rope: rope() on each head's q and k (not v) before the scores.
    Raises ValueError when D % n_heads != 0. Must stay finite for scores near 1e4.
    """
    # TODO
    raise NotImplementedError("causal_self_attention")


def decoder_block(x, params, n_heads, use_rope=False):
    """Pre-LN block:  h = x + attention(LN1(x));  y = h + gelu(LN2(h) @ w1 + b1) @ w2 + b2.

    LN1/LN2: layer_norm with ln1_gamma/ln1_beta and ln2_gamma/ln2_beta, eps = 1e-5.
    gelu(z) = 0.5 * z * (1 + tanh(sqrt(2 / pi) * (z + 0.044715 * z**3)))
    """
    # TODO
    raise NotImplementedError("decoder_block")


def decoder(tokens, params, n_heads, positions="sinusoidal"):
    """Logits (B, T, V) of integer tokens (B, T).

    h = embedding[tokens] (+ sinusoidal_positions(T, D) once, if positions == "sinusoidal");
    every block of params["blocks"] (use_rope=True if positions == "rope");
    then layer_norm(h, lnf_gamma, lnf_beta) @ embedding.T.
    Raises ValueError for any other value of positions.
    """
    # TODO
    raise NotImplementedError("decoder")
