"""Correct, written through log-space identities instead of the two-branch formulas."""
import numpy as np


def sigmoid(x):
    # log sigmoid(x) = -log(1 + exp(-x)) = -logaddexp(0, -x), never overflows
    return np.exp(-np.logaddexp(0.0, -x))


def sigmoid_grad(x):
    # s * (1 - s) = sigmoid(x) * sigmoid(-x)
    return np.exp(-np.logaddexp(0.0, -x) - np.logaddexp(0.0, x))


def tanh(x):
    # tanh(x) = 2 sigmoid(2x) - 1 loses precision near 0, so use numpy's tanh on |x| and restore the sign
    return np.sign(x) * np.tanh(np.abs(x))


def tanh_grad(x):
    # 1 - tanh^2 = 1 / cosh^2 = 4 sigmoid(2x) sigmoid(-2x)
    return 4.0 * sigmoid_grad(2.0 * np.asarray(x))


def relu(x):
    return x * (x > 0)


def relu_grad(x):
    return np.heaviside(x, 0.0)


def leaky_relu(x, alpha=0.01):
    return np.maximum(x, 0) + alpha * np.minimum(x, 0)


def leaky_relu_grad(x, alpha=0.01):
    step = np.heaviside(x, 0.0)
    return step + alpha * (1.0 - step)


def softmax(x, axis=-1):
    top = np.max(x, axis=axis, keepdims=True)
    log_norm = top + np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True))
    return np.exp(x - log_norm)
