"""A ReLU multilayer perceptron with softmax cross-entropy and hand-written backpropagation (numpy).

Run the visible tests with `python grade.py check mlp_backprop`.
Do not use tensorflow, keras, torch, jax, sklearn or scipy. See README.md for the full contract.

params is a dict of numpy arrays: "W1", "b1", ..., "WL", "bL" for L layers, with
W_l of shape (sizes[l-1], sizes[l]) and b_l of shape (sizes[l],).
Hidden layers use ReLU; the last layer is followed by a softmax.
The loss is the MEAN cross-entropy over the batch: -mean_i log probs[i, y[i]].
"""
import numpy as np


def init_params(sizes, seed):
    """Parameters for layer sizes [d_in, h_1, ..., C] drawn with np.random.default_rng(seed).

    Hidden layers: W ~ N(0, 2 / fan_in) (He). Output layer: W ~ 0.01 * N(0, 1), so the first
    softmax is nearly uniform and the initial loss is about ln C. All biases start at 0.
    """
    # TODO
    raise NotImplementedError("init_params")


def forward(params, X):
    """Forward pass on X (N, d_in); return (probs (N, C), cache).

    cache holds what backward needs (inputs, pre-activations, activations, probs). It must be
    data: a dict (or list) of numpy arrays, because the grader may pass it between processes.
    """
    # TODO: affine -> ReLU for hidden layers, affine -> numerically stable softmax at the end
    raise NotImplementedError("forward")


def backward(params, cache, y):
    """Gradients of the mean cross-entropy for integer labels y (N,) in 0..C-1.

    Returns a dict with the same keys and shapes as params ("W1", "b1", ...).
    """
    # TODO: start from (probs - onehot) / N and walk the layers backwards
    raise NotImplementedError("backward")


def train(X, y, hidden, epochs, lr, seed):
    """Full-batch gradient descent; return the trained params.

    hidden: an int (one hidden layer) or a list of hidden sizes. C = max(y) + 1.
    Start from init_params([d_in, *hidden, C], seed); each epoch does one forward pass, one
    backward pass and params[key] -= lr * grads[key] for EVERY key (weights and biases).
    """
    # TODO
    raise NotImplementedError("train")
