"""Gradient clipping, SGD with momentum and Adam, from scratch in numpy.

Run the visible tests with `python grade.py check optimizers_clipping`.
Do not use tensorflow, keras, torch, jax, scipy or sklearn. See README.md for the full contract.
Every function returns NEW arrays (float64); none may rely on changing its arguments in place.
"""
import numpy as np


def clip_by_value(g, c):
    """Clip every element of g into [-c, c]. c must be > 0 (ValueError otherwise)."""
    # TODO
    raise NotImplementedError("clip_by_value")


def clip_by_norm(g, c):
    """Rescale the whole tensor g so that its L2 norm (over all elements) is at most c.

    Unchanged when ||g|| <= c; otherwise g * c / ||g||, so the direction is kept.
    c must be > 0 (ValueError otherwise).
    """
    # TODO
    raise NotImplementedError("clip_by_norm")


def clip_by_global_norm(grads, c):
    """Clip a list of tensors by their global norm sqrt(sum_i ||g_i||^2).

    Returns (clipped, global_norm): clipped is a list of arrays, all scaled by the SAME factor
    c / max(global_norm, c); global_norm is the norm BEFORE clipping (a float), as in
    tf.clip_by_global_norm. c must be > 0 (ValueError otherwise).
    """
    # TODO
    raise NotImplementedError("clip_by_global_norm")


def sgd_momentum_step(w, g, v, lr, momentum):
    """One SGD-with-momentum step in the keras.optimizers.SGD convention; return (w_new, v_new).

    v_new = momentum * v - lr * g ;  w_new = w + v_new   (v starts at zeros)
    """
    # TODO
    raise NotImplementedError("sgd_momentum_step")


def adam_step(w, g, m, v, t, lr=0.001, b1=0.9, b2=0.999, eps=1e-7):
    """One Adam step; return (w_new, m_new, v_new).

    t is the number of THIS step, counting from 1 (the first update uses t=1); t < 1 raises
    ValueError. m and v are the raw (not bias-corrected) moment estimates, starting at zeros:
    m_new = b1*m + (1-b1)*g ; v_new = b2*v + (1-b2)*g**2, then bias-correct by 1 - b1**t and
    1 - b2**t before the update (see README.md for where eps goes).
    """
    # TODO
    raise NotImplementedError("adam_step")
