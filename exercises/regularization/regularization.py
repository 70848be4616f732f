"""L1/L2 penalties, inverted dropout and batch normalisation, from scratch in numpy.

Run the visible tests with `python grade.py check regularization`.
Do not use tensorflow, scipy or sklearn. Functions never modify their arguments:
anything that changes (the running statistics of batch norm) is RETURNED.
"""
import numpy as np


def l1_penalty(ws, lam):
    """lam * sum(|w|) over every array w in the list ws, as a Python float."""
    # TODO
    raise NotImplementedError("l1_penalty")


def l1_penalty_grad(ws, lam):
    """List of lam * sign(w), one array per w in ws; the subgradient at w == 0 is 0."""
    # TODO
    raise NotImplementedError("l1_penalty_grad")


def l2_penalty(ws, lam):
    """lam * sum(w ** 2) over every array w in ws (no 1/2 factor, as keras.regularizers.L2)."""
    # TODO
    raise NotImplementedError("l2_penalty")


def l2_penalty_grad(ws, lam):
    """List of d l2_penalty / d w, one array per w in ws."""
    # TODO
    raise NotImplementedError("l2_penalty_grad")


def dropout_forward(x, p, training, seed=None):
    """Inverted dropout. p is the probability of DROPPING a unit, 0 <= p < 1 (else ValueError).

    training=True: draw a boolean keep-mask (True = kept, each unit kept with probability
    1 - p) from np.random.default_rng(seed), return (x * mask / (1 - p), mask).
    training=False: the identity, return (a copy of x, an all-True mask).
    """
    # TODO
    raise NotImplementedError("dropout_forward")


def dropout_backward(dout, mask, p):
    """Gradient of training-mode dropout_forward, given the mask that forward returned.

    (In eval mode dropout is the identity, so its gradient is dout itself.)
    """
    # TODO
    raise NotImplementedError("dropout_backward")


def batchnorm_forward(x, gamma, beta, running, training, momentum=0.99, eps=1e-3):
    """Batch normalisation over every axis but the last (channels-last, like Keras).

    x: (N, C) or (N, H, W, C); gamma, beta: (C,); running: {"mean": (C,), "var": (C,)}.
    training=True: normalise with the batch mean and biased batch variance, and update
        new = momentum * old + (1 - momentum) * batch_statistic   (Keras' convention).
    training=False: normalise with running["mean"] and running["var"]; they do not change.
    out = gamma * (x - mean) / sqrt(var + eps) + beta.
    Returns (out, new_running), new_running a NEW dict {"mean": ..., "var": ...};
    do not modify `running` in place (the grader only sees what you return).
    """
    # TODO
    raise NotImplementedError("batchnorm_forward")
