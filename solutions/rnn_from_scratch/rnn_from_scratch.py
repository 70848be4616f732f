"""Reference solution: a vanilla RNN and an LSTM in numpy, forward over a sequence and
backpropagation through time. Weight layout and gate order (i, f, c, o) as Keras."""
import numpy as np


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + exp(-z)), and never overflows


def _checked(x, states, params, gates):
    """x as a float array, after checking every shape against the weights (ValueError otherwise)."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 3 or x.shape[1] < 1:
        raise ValueError(f"x must have shape (N, T, D) with T >= 1, got {x.shape}")
    n, _, d = x.shape
    w, u, b = (np.asarray(params[k]) for k in ("W", "U", "b"))
    if u.ndim != 2:
        raise ValueError(f"U must be 2-D, got shape {u.shape}")
    h = u.shape[0]
    if w.shape != (d, gates * h) or u.shape != (h, gates * h) or b.shape != (gates * h,):
        raise ValueError(f"weights W {w.shape}, U {u.shape}, b {b.shape} do not fit D={d}, H={h}, "
                         f"expected {(d, gates * h)}, {(h, gates * h)}, {(gates * h,)}")
    for name, state in states.items():
        if np.shape(state) != (n, h):
            raise ValueError(f"{name} must have shape {(n, h)}, got {np.shape(state)}")
    return x


def rnn_forward(x, h0, params):
    x = _checked(x, {"h0": h0}, params, 1)
    w, u, b = params["W"], params["U"], params["b"]
    n, steps, _ = x.shape
    hs = np.empty((n, steps, u.shape[0]))
    h = np.asarray(h0, dtype=float)
    for t in range(steps):
        h = np.tanh(x[:, t] @ w + h @ u + b)  # the state is carried from step to step
        hs[:, t] = h
    cache = {"x": x, "h0": np.asarray(h0, dtype=float), "h": hs, "W": np.asarray(w, dtype=float),
             "U": np.asarray(u, dtype=float)}
    return hs, cache


def rnn_backward(dh, cache):
    x, h0, hs, w, u = (cache[k] for k in ("x", "h0", "h", "W", "U"))
    dh = np.asarray(dh, dtype=float)
    if dh.shape != hs.shape:
        raise ValueError(f"dh must have the shape of h, {hs.shape}, got {dh.shape}")
    dx, dw, du, db = np.zeros_like(x), np.zeros_like(w), np.zeros_like(u), np.zeros(u.shape[0])
    d_next = np.zeros_like(h0)  # gradient flowing back into h_t from step t + 1
    for t in reversed(range(x.shape[1])):
        h_prev = hs[:, t - 1] if t else h0
        dz = (dh[:, t] + d_next) * (1.0 - hs[:, t] ** 2)  # tanh' from its output
        dx[:, t] = dz @ w.T
        dw += x[:, t].T @ dz
        du += h_prev.T @ dz
        db += dz.sum(axis=0)
        d_next = dz @ u.T
    return {"x": dx, "h0": d_next, "W": dw, "U": du, "b": db}


def lstm_init(input_dim, units, seed):
    if input_dim < 1 or units < 1:
        raise ValueError(f"input_dim and units must be at least 1, got {input_dim} and {units}")
    rng = np.random.default_rng(seed)
    limit = np.sqrt(6.0 / (input_dim + 4 * units))  # Glorot uniform, fan_in = D, fan_out = 4H
    w = rng.uniform(-limit, limit, size=(input_dim, 4 * units))
    q, r = np.linalg.qr(rng.standard_normal((4 * units, units)))
    u = (q * np.sign(np.diag(r))).T  # orthogonal (H, 4H): orthonormal rows
    b = np.zeros(4 * units)
    b[units:2 * units] = 1.0  # forget gate open at the start (Keras unit_forget_bias)
    return {"W": w, "U": u, "b": b}


def _gates(x_t, h_prev, params):
    hidden = params["U"].shape[0]
    z = x_t @ params["W"] + h_prev @ params["U"] + params["b"]
    i, f, g, o = (z[:, k * hidden:(k + 1) * hidden] for k in range(4))  # Keras order: i, f, c, o
    return _sigmoid(i), _sigmoid(f), np.tanh(g), _sigmoid(o)


def lstm_step(x_t, h_prev, c_prev, params):
    i, f, g, o = _gates(np.asarray(x_t, dtype=float), np.asarray(h_prev, dtype=float), params)
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def lstm_forward(x, h0, c0, params):
    x = _checked(x, {"h0": h0, "c0": c0}, params, 4)
    n, steps, _ = x.shape
    hidden = params["U"].shape[0]
    h, c = np.asarray(h0, dtype=float), np.asarray(c0, dtype=float)
    hs, cs = np.empty((n, steps, hidden)), np.empty((n, steps, hidden))
    gates = np.empty((4, n, steps, hidden))
    for t in range(steps):
        i, f, g, o = _gates(x[:, t], h, params)
        c = f * c + i * g
        h = o * np.tanh(c)
        hs[:, t], cs[:, t], gates[:, :, t] = h, c, (i, f, g, o)
    cache = {"x": x, "h0": np.asarray(h0, dtype=float), "c0": np.asarray(c0, dtype=float), "h": hs, "c": cs,
             "gates": gates, "W": np.asarray(params["W"], dtype=float), "U": np.asarray(params["U"], dtype=float)}
    return hs, cs, cache


def lstm_backward(dh, cache):
    x, h0, c0, hs, cs, gates, w, u = (cache[k] for k in ("x", "h0", "c0", "h", "c", "gates", "W", "U"))
    dh = np.asarray(dh, dtype=float)
    if dh.shape != hs.shape:
        raise ValueError(f"dh must have the shape of h, {hs.shape}, got {dh.shape}")
    dx, dw, du, db = np.zeros_like(x), np.zeros_like(w), np.zeros_like(u), np.zeros(u.shape[1])
    dh_next, dc_next = np.zeros_like(h0), np.zeros_like(c0)
    for t in reversed(range(x.shape[1])):
        i, f, g, o = gates[:, :, t]
        h_prev, c_prev = (hs[:, t - 1], cs[:, t - 1]) if t else (h0, c0)
        dh_t = dh[:, t] + dh_next
        tanh_c = np.tanh(cs[:, t])
        dc = dc_next + dh_t * o * (1.0 - tanh_c ** 2)  # through h = o * tanh(c)
        dz = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                             dh_t * tanh_c * o * (1 - o)], axis=1)
        dx[:, t] = dz @ w.T
        dw += x[:, t].T @ dz
        du += h_prev.T @ dz
        db += dz.sum(axis=0)
        dh_next, dc_next = dz @ u.T, dc * f
    return {"x": dx, "h0": dh_next, "c0": dc_next, "W": dw, "U": du, "b": db}
