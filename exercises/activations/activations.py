"""Activation functions and their gradients, from scratch in numpy.

Run the visible tests with `python grade.py check activations`.
Every function takes a numpy array and returns an array of the same shape
(softmax: normalised along `axis`). float32 or float64 in; a floating array out.
Do not use tensorflow, keras, torch, jax, scipy or sklearn.
"""
import numpy as np


def sigmoid(x):
    """1 / (1 + exp(-x)), without overflow for large |x| and accurate (relative error ~1e-6 or better)
    even where the answer is tiny: sigmoid(-40) is about 4.2e-18, not 0."""
    # TODO: implement a numerically stable sigmoid
    raise NotImplementedError("sigmoid")


def sigmoid_grad(x):
    """d sigmoid(x) / dx, element-wise."""
    # TODO
    raise NotImplementedError("sigmoid_grad")


def tanh(x):
    """Hyperbolic tangent."""
    # TODO
    raise NotImplementedError("tanh")


def tanh_grad(x):
    """d tanh(x) / dx, element-wise."""
    # TODO
    raise NotImplementedError("tanh_grad")


def relu(x):
    """max(x, 0)."""
    # TODO
    raise NotImplementedError("relu")


def relu_grad(x):
    """1 where x > 0, else 0 (the gradient at exactly 0 is taken as 0)."""
    # TODO
    raise NotImplementedError("relu_grad")


def leaky_relu(x, alpha=0.01):
    """x where x > 0, else alpha * x."""
    # TODO
    raise NotImplementedError("leaky_relu")


def leaky_relu_grad(x, alpha=0.01):
    """1 where x > 0, else alpha."""
    # TODO
    raise NotImplementedError("leaky_relu_grad")


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis`; finite for |x| as large as 1e3."""
    # TODO: implement a numerically stable softmax
    raise NotImplementedError("softmax")
