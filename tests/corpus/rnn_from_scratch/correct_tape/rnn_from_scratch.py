"""Correct, written differently: the cache is an object (a tape of per-step local derivatives recorded
during the forward pass), the backward pass only multiplies by them; sigmoid by clipping."""
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500.0, 500.0)))


class Tape:
    """What the forward pass recorded, step by step."""

    def __init__(self, x, weights, n_states):
        self.x, self.weights = x, weights
        self.inputs = []  # (x_t, h_{t-1}) per step
        self.local = []  # per step, the local derivatives the backward pass needs
        self.shape = None
        self.n_states = n_states


def check_shapes(x, states, params, gates):
    x = np.asarray(x, dtype=float)
    if x.ndim != 3 or 0 in x.shape[1:2]:
        raise ValueError(f"x of shape {x.shape}: expected (N, T, D) with T >= 1")
    W, U, b = (np.asarray(params[key], dtype=float) for key in ("W", "U", "b"))
    H = U.shape[0] if U.ndim == 2 else -1
    expected = {"W": (x.shape[2], gates * H), "U": (H, gates * H), "b": (gates * H,)}
    for key, array in zip("WUb", (W, U, b)):
        if H < 1 or array.shape != expected[key]:
            raise ValueError(f"{key} has shape {array.shape}, expected {expected[key]}")
    states = [np.asarray(s, dtype=float) for s in states]
    if any(s.shape != (x.shape[0], H) for s in states):
        raise ValueError("states must be (N, H)")
    return x, states, W, U, b


def rnn_forward(x, h0, params):
    x, (h,), W, U, b = check_shapes(x, [h0], params, 1)
    tape = Tape(x, (W, U), 1)
    out = []
    for t in range(x.shape[1]):
        tape.inputs.append((x[:, t], h))
        h = np.tanh(x[:, t] @ W + h @ U + b)
        tape.local.append(1.0 - h * h)
        out.append(h)
    h = np.stack(out, axis=1)
    tape.shape = h.shape
    return h, tape


def rnn_backward(dh, cache):
    if np.shape(dh) != cache.shape:
        raise ValueError("dh must have the shape of h")
    W, U = cache.weights
    grads = {"x": np.zeros_like(cache.x), "W": np.zeros_like(W), "U": np.zeros_like(U), "b": np.zeros(U.shape[1])}
    through_state = 0.0
    for t in reversed(range(len(cache.inputs))):
        x_t, h_prev = cache.inputs[t]
        delta = (dh[:, t] + through_state) * cache.local[t]
        grads["x"][:, t] = delta @ W.T
        grads["W"] += x_t.T @ delta
        grads["U"] += h_prev.T @ delta
        grads["b"] += delta.sum(0)
        through_state = delta @ U.T
    grads["h0"] = np.broadcast_to(through_state, cache.shape[::2]).copy()
    return grads


def lstm_init(input_dim, units, seed):
    if min(input_dim, units) <= 0:
        raise ValueError("input_dim and units must be >= 1")
    rng = np.random.default_rng(seed)
    a = np.sqrt(6.0 / (input_dim + 4 * units))
    W = rng.uniform(low=-a, high=a, size=(input_dim, 4 * units))
    q, r = np.linalg.qr(rng.normal(0.0, 1.0, size=(4 * units, units)), mode="reduced")
    q = q @ np.diag(np.where(np.diag(r) < 0, -1.0, 1.0))
    b = np.zeros(4 * units)
    b[units:2 * units] += 1.0
    return {"W": W, "U": q.T.copy(), "b": b}


def lstm_step(x_t, h_prev, c_prev, params):
    H = np.shape(params["U"])[0]
    z = np.asarray(x_t) @ params["W"] + np.asarray(h_prev) @ params["U"] + params["b"]
    gate = {name: z[:, k * H:(k + 1) * H] for k, name in enumerate("ifco")}
    c = sigmoid(gate["f"]) * c_prev + sigmoid(gate["i"]) * np.tanh(gate["c"])
    return sigmoid(gate["o"]) * np.tanh(c), c


def lstm_forward(x, h0, c0, params):
    x, (h, c), W, U, b = check_shapes(x, [h0, c0], params, 4)
    H = U.shape[0]
    tape = Tape(x, (W, U), 2)
    hs, cs = [], []
    for t in range(x.shape[1]):
        tape.inputs.append((x[:, t], h))
        z = x[:, t] @ W + h @ U + b
        i, f, o = sigmoid(z[:, :H]), sigmoid(z[:, H:2 * H]), sigmoid(z[:, 3 * H:])
        g = np.tanh(z[:, 2 * H:3 * H])
        c_new = f * c + i * g
        tc = np.tanh(c_new)
        # local derivatives: dz blocks per unit of dc (i, f, g) and of dh (o); dh -> dc; dc -> dc_prev
        tape.local.append({"dc_dzi": g * i * (1 - i), "dc_dzf": c * f * (1 - f), "dc_dzg": i * (1 - g * g),
                           "dh_dzo": tc * o * (1 - o), "dh_dc": o * (1 - tc * tc), "dcprev": f})
        h, c = o * tc, c_new
        hs.append(h)
        cs.append(c)
    h_all = np.stack(hs, axis=1)
    tape.shape = h_all.shape
    return h_all, np.stack(cs, axis=1), tape


def lstm_backward(dh, cache):
    if np.shape(dh) != cache.shape:
        raise ValueError("dh must have the shape of h")
    W, U = cache.weights
    grads = {"x": np.zeros_like(cache.x), "W": np.zeros_like(W), "U": np.zeros_like(U), "b": np.zeros(U.shape[1])}
    gh, gc = np.zeros(cache.shape[::2]), np.zeros(cache.shape[::2])
    for t in reversed(range(len(cache.inputs))):
        x_t, h_prev = cache.inputs[t]
        d = cache.local[t]
        gh = gh + dh[:, t]
        gc = gc + gh * d["dh_dc"]
        dz = np.hstack([gc * d["dc_dzi"], gc * d["dc_dzf"], gc * d["dc_dzg"], gh * d["dh_dzo"]])
        grads["x"][:, t] = dz @ W.T
        grads["W"] += x_t.T @ dz
        grads["U"] += h_prev.T @ dz
        grads["b"] += dz.sum(0)
        gh, gc = dz @ U.T, gc * d["dcprev"]
    grads["h0"], grads["c0"] = gh, gc
    return grads
