"""Audit correct answer: per-gate weights for the LSTM, RNN BPTT collecting dz then contracting."""
import numpy as np

GATES = ("i", "f", "g", "o")


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _check(x, states, params, k):
    x = np.asarray(x, dtype=float)
    if x.ndim != 3 or x.shape[1] == 0:
        raise ValueError(f"x must be (N, T, D) with T >= 1, got {x.shape}")
    n, _, d = x.shape
    W, U, b = (np.asarray(params[key], dtype=float) for key in ("W", "U", "b"))
    if U.ndim != 2:
        raise ValueError("U must be 2-D")
    h = U.shape[0]
    if U.shape != (h, k * h) or W.shape != (d, k * h) or b.shape != (k * h,):
        raise ValueError("bad weight shapes")
    out = []
    for s in states:
        s = np.asarray(s, dtype=float)
        if s.shape != (n, h):
            raise ValueError(f"state must be {(n, h)}, got {s.shape}")
        out.append(s)
    return x, out, W, U, b


def rnn_forward(x, h0, params):
    x, (h0,), W, U, b = _check(x, [h0], params, 1)
    n, t_len, _ = x.shape
    hs = np.empty((n, t_len, U.shape[0]))
    prev = h0
    for t in range(t_len):
        prev = np.tanh(x[:, t] @ W + prev @ U + b)
        hs[:, t] = prev
    return hs, (x, h0, W, U, hs)


def rnn_backward(dh, cache):
    x, h0, W, U, hs = cache
    dh = np.asarray(dh, dtype=float)
    if dh.shape != hs.shape:
        raise ValueError("dh must have the shape of h")
    dz = np.zeros_like(hs)
    carry = np.zeros_like(h0)
    for t in reversed(range(hs.shape[1])):
        dz[:, t] = (dh[:, t] + carry) * (1.0 - hs[:, t] ** 2)
        carry = dz[:, t] @ U.T
    prevs = np.concatenate([h0[:, None], hs[:, :-1]], axis=1)
    return {"x": np.einsum("nth,dh->ntd", dz, W), "h0": carry,
            "W": np.einsum("ntd,nth->dh", x, dz), "U": np.einsum("ntk,nth->kh", prevs, dz),
            "b": dz.sum(axis=(0, 1))}


def lstm_init(input_dim: int, units: int, seed) -> dict:
    if input_dim < 1 or units < 1:
        raise ValueError("input_dim and units must be >= 1")
    d, h = int(input_dim), int(units)
    rng = np.random.default_rng(seed)
    a = np.sqrt(6.0 / (d + 4 * h))
    W = rng.uniform(-a, a, size=(d, 4 * h))
    q, r = np.linalg.qr(rng.standard_normal((4 * h, h)))
    U = (q * np.sign(np.diag(r))).T
    b = np.zeros(4 * h)
    b[h:2 * h] = 1.0
    return {"W": W, "U": U, "b": b}


def _split(params):
    """Keras layout -> per-gate dict {gate: (W_g, U_g, b_g)}."""
    h = params["U"].shape[0]
    return {g: (params["W"][:, k * h:(k + 1) * h], params["U"][:, k * h:(k + 1) * h],
                params["b"][k * h:(k + 1) * h]) for k, g in enumerate(GATES)}


def _step(x_t, h_prev, c_prev, gates):
    act = {}
    for g, (Wg, Ug, bg) in gates.items():
        z = x_t @ Wg + h_prev @ Ug + bg
        act[g] = np.tanh(z) if g == "g" else _sigmoid(z)
    c = act["f"] * c_prev + act["i"] * act["g"]
    tc = np.tanh(c)
    return act["o"] * tc, c, act, tc


def lstm_step(x_t, h_prev, c_prev, params):
    params = {k: np.asarray(v, dtype=float) for k, v in params.items()}
    h, c, _, _ = _step(np.asarray(x_t, float), np.asarray(h_prev, float), np.asarray(c_prev, float),
                       _split(params))
    return h, c


def lstm_forward(x, h0, c0, params):
    x, (h0, c0), W, U, b = _check(x, [h0, c0], params, 4)
    gates = _split({"W": W, "U": U, "b": b})
    n, t_len, _ = x.shape
    H = U.shape[0]
    hs, cs = np.empty((n, t_len, H)), np.empty((n, t_len, H))
    steps = []
    hp, cp = h0, c0
    for t in range(t_len):
        h, c, act, tc = _step(x[:, t], hp, cp, gates)
        steps.append((hp, cp, act, tc))
        hs[:, t], cs[:, t] = h, c
        hp, cp = h, c
    return hs, cs, (x, h0, c0, gates, steps, hs.shape)


def lstm_backward(dh, cache):
    x, h0, c0, gates, steps, shape = cache
    dh = np.asarray(dh, dtype=float)
    if dh.shape != shape:
        raise ValueError("dh must have the shape of h")
    grads = {g: [np.zeros_like(w) for w in gates[g]] for g in GATES}
    dx = np.zeros_like(x)
    dh_next = np.zeros_like(h0)
    dc_next = np.zeros_like(c0)
    for t in reversed(range(shape[1])):
        hp, cp, a, tc = steps[t]
        dht = dh[:, t] + dh_next
        dc = dc_next + dht * a["o"] * (1 - tc ** 2)
        dz = {"o": dht * tc * a["o"] * (1 - a["o"]),
              "i": dc * a["g"] * a["i"] * (1 - a["i"]),
              "f": dc * cp * a["f"] * (1 - a["f"]),
              "g": dc * a["i"] * (1 - a["g"] ** 2)}
        dh_next = np.zeros_like(h0)
        for g in GATES:
            Wg, Ug, _ = gates[g]
            grads[g][0] += x[:, t].T @ dz[g]
            grads[g][1] += hp.T @ dz[g]
            grads[g][2] += dz[g].sum(axis=0)
            dx[:, t] += dz[g] @ Wg.T
            dh_next += dz[g] @ Ug.T
        dc_next = dc * a["f"]
    return {"x": dx, "h0": dh_next, "c0": dc_next,
            "W": np.concatenate([grads[g][0] for g in GATES], axis=1),
            "U": np.concatenate([grads[g][1] for g in GATES], axis=1),
            "b": np.concatenate([grads[g][2] for g in GATES])}
