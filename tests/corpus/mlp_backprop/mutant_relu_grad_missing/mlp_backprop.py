"""MUTANT (relu_grad_missing) of the reference solution: a ReLU multilayer perceptron with softmax cross-entropy and hand-written backprop."""
import numpy as np


def _n_layers(params):
    return sum(1 for key in params if key.startswith("W"))


def init_params(sizes, seed):
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"sizes must list at least an input and an output size, got {sizes}")
    rng = np.random.default_rng(seed)
    params = {}
    n_layers = len(sizes) - 1
    for layer in range(1, n_layers + 1):
        fan_in, fan_out = sizes[layer - 1], sizes[layer]
        # He scaling keeps ReLU activations at a steady size; the output layer starts near 0
        # so that the first softmax is almost uniform (loss ~ ln C).
        scale = np.sqrt(2.0 / fan_in) if layer < n_layers else 0.01
        params[f"W{layer}"] = rng.standard_normal((fan_in, fan_out)) * scale
        params[f"b{layer}"] = np.zeros(fan_out)
    return params


def _softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def forward(params, X):
    A = np.asarray(X, dtype=float)
    n_layers = _n_layers(params)
    cache = {"A0": A}
    for layer in range(1, n_layers):
        Z = A @ params[f"W{layer}"] + params[f"b{layer}"]
        A = np.maximum(Z, 0.0)
        cache[f"Z{layer}"], cache[f"A{layer}"] = Z, A
    logits = A @ params[f"W{n_layers}"] + params[f"b{n_layers}"]
    probs = _softmax(logits)
    cache["probs"] = probs
    return probs, cache


def backward(params, cache, y):
    y = np.asarray(y)
    probs = cache["probs"]
    n = y.shape[0]
    n_layers = _n_layers(params)
    dZ = probs.copy()
    dZ[np.arange(n), y] -= 1.0
    dZ /= n  # the loss is a mean over the batch
    grads = {}
    for layer in range(n_layers, 0, -1):
        grads[f"W{layer}"] = cache[f"A{layer - 1}"].T @ dZ
        grads[f"b{layer}"] = dZ.sum(axis=0)
        if layer > 1:
            dA = dZ @ params[f"W{layer}"].T
            dZ = dA
    return grads


def train(X, y, hidden, epochs, lr, seed):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    hidden = [hidden] if np.isscalar(hidden) else list(hidden)
    params = init_params([X.shape[1], *hidden, int(y.max()) + 1], seed)
    for _ in range(epochs):
        _, cache = forward(params, X)
        grads = backward(params, cache, y)
        for key in params:
            params[key] = params[key] - lr * grads[key]
    return params
