"""Correct, written independently: layers as a list, log-sum-exp softmax, one-hot targets, cache as a list."""
import numpy as np


def init_params(sizes, seed):
    rng = np.random.default_rng(seed)
    params = {}
    last = len(sizes) - 1
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        std = 0.01 if i == last else (2.0 / fan_in) ** 0.5
        params["W%d" % i] = rng.normal(0.0, std, size=(fan_in, fan_out))
        params["b%d" % i] = np.zeros(fan_out)
    return params


def _layers(params):
    count = len([k for k in params if k[0] == "W"])
    return [(params["W%d" % i], params["b%d" % i]) for i in range(1, count + 1)]


def forward(params, X):
    layers = _layers(params)
    h = np.array(X, dtype=np.float64)
    trace = [h]  # [input, z1, h1, z2, h2, ..., logits]
    for W, b in layers[:-1]:
        z = h @ W + b
        h = np.where(z > 0, z, 0.0)
        trace += [z, h]
    W, b = layers[-1]
    logits = h @ W + b
    log_norm = np.max(logits, 1, keepdims=True)
    log_norm = log_norm + np.log(np.exp(logits - log_norm).sum(1, keepdims=True))
    probs = np.exp(logits - log_norm)
    trace.append(probs)
    return probs, trace


def backward(params, cache, y):
    trace = [np.asarray(t) for t in cache]
    layers = _layers(params)
    probs = trace[-1]
    n, c = probs.shape
    onehot = np.zeros((n, c))
    onehot[np.arange(n), np.asarray(y)] = 1.0
    delta = (probs - onehot) / n
    grads = {}
    for i in range(len(layers), 0, -1):
        h_prev = trace[2 * (i - 1)]  # input of layer i
        grads["W%d" % i] = np.einsum("nj,nk->jk", h_prev, delta)
        grads["b%d" % i] = np.einsum("nk->k", delta)
        if i > 1:
            z_prev = trace[2 * (i - 1) - 1]
            delta = (delta @ layers[i - 1][0].T) * np.heaviside(z_prev, 0.0)
    return grads


def train(X, y, hidden, epochs, lr, seed):
    X = np.array(X, dtype=np.float64)
    y = np.asarray(y)
    widths = [int(hidden)] if isinstance(hidden, (int, np.integer)) else [int(h) for h in hidden]
    params = init_params([X.shape[1]] + widths + [int(y.max()) + 1], seed)
    for epoch in range(epochs):
        probs, cache = forward(params, X)
        step = backward(params, cache, y)
        params = {name: value - lr * step[name] for name, value in params.items()}
    return params
