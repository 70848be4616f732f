"""Loss functions and their gradients, from scratch in numpy.

Run the visible tests with `python grade.py check losses`.

Conventions (every function):
- `y` and the prediction (`p`, `z` or `s`) are numpy arrays of the SAME shape, float32 or float64;
  raise ValueError if the shapes differ (never let (N,) and (N, 1) broadcast to (N, N)).
- A loss is the MEAN over samples and is returned as a Python float.
  mse, binary_cross_entropy(_with_logits), hinge: mean over every element.
  categorical_cross_entropy: sum over the last (class) axis, mean over the rest.
- A gradient is the derivative of that mean with respect to the prediction: same shape as the
  prediction, so it carries the 1/N factor.
- Compute in float64 (in float32, 1 - 1e-12 rounds to 1).
Do not use tensorflow, keras, torch, jax, scipy or sklearn.
"""
import numpy as np


def mse(y, p):
    """Mean squared error: mean((p - y)**2)."""
    # TODO
    raise NotImplementedError("mse")


def mse_grad(y, p):
    """d mse / d p, shape of p."""
    # TODO
    raise NotImplementedError("mse_grad")


def binary_cross_entropy(y, p, eps=1e-12):
    """-mean(y log p + (1 - y) log(1 - p)), y in [0, 1], p probabilities clipped into [eps, 1 - eps]:
    finite even when p is exactly 0 or 1."""
    # TODO
    raise NotImplementedError("binary_cross_entropy")


def binary_cross_entropy_grad(y, p, eps=1e-12):
    """d binary_cross_entropy / d p, evaluated at the clipped p (finite at p = 0 and 1)."""
    # TODO
    raise NotImplementedError("binary_cross_entropy_grad")


def binary_cross_entropy_with_logits(y, z):
    """binary_cross_entropy(y, sigmoid(z)) computed from the logits z without overflow,
    exact (no clipping) even for |z| = 1000."""
    # TODO: never call exp on a large positive number
    raise NotImplementedError("binary_cross_entropy_with_logits")


def binary_cross_entropy_with_logits_grad(y, z):
    """d binary_cross_entropy_with_logits / d z, shape of z."""
    # TODO
    raise NotImplementedError("binary_cross_entropy_with_logits_grad")


def categorical_cross_entropy(y_onehot, p):
    """-sum(y * log p) over the last axis, averaged over the rows; p clipped into [1e-12, 1].
    y_onehot, p: shape (N, C) (or (C,) for one sample); rows of p are probabilities."""
    # TODO
    raise NotImplementedError("categorical_cross_entropy")


def categorical_cross_entropy_grad(y_onehot, p):
    """d categorical_cross_entropy / d p, shape of p (evaluated at the clipped p)."""
    # TODO
    raise NotImplementedError("categorical_cross_entropy_grad")


def hinge(y_pm1, s):
    """mean(max(0, 1 - y * s)) with labels y in {-1, +1} and real scores s."""
    # TODO
    raise NotImplementedError("hinge")


def hinge_grad(y_pm1, s):
    """d hinge / d s: -y / N where the margin 1 - y*s is > 0, else 0 (0 exactly at the kink)."""
    # TODO
    raise NotImplementedError("hinge_grad")
