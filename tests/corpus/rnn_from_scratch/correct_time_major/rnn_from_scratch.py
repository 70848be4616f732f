"""Correct, written differently: time-major lists, per-gate weight blocks, pre-activations kept for the
tanh derivative, weight gradients by einsum after the loop, Gram-Schmidt for the orthogonal init."""
import numpy as np


def _sigmoid(z):
    e = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _validate(x, states, w, u, b, gates):
    if np.ndim(x) != 3:
        raise ValueError("x must be 3-D (N, T, D)")
    n, t, d = np.shape(x)
    if t == 0:
        raise ValueError("x has no time steps")
    if np.ndim(u) != 2 or np.shape(u)[1] != gates * np.shape(u)[0]:
        raise ValueError("U has the wrong shape")
    h = np.shape(u)[0]
    if np.shape(w) != (d, gates * h):
        raise ValueError("W has the wrong shape")
    if np.shape(b) != (gates * h,):
        raise ValueError("b has the wrong shape")
    for s in states:
        if np.shape(s) != (n, h):
            raise ValueError("a state has the wrong shape")


def rnn_forward(x, h0, params):
    w, u, b = (np.array(params[k], dtype=np.float64) for k in "WUb")
    _validate(x, [h0], w, u, b, 1)
    xs = list(np.transpose(np.asarray(x, dtype=np.float64), (1, 0, 2)))  # T arrays of (N, D)
    states, pre = [np.asarray(h0, dtype=np.float64)], []
    for x_t in xs:
        z = np.einsum("nd,dh->nh", x_t, w) + np.einsum("nk,kh->nh", states[-1], u) + b
        pre.append(z)
        states.append(np.tanh(z))
    h = np.stack(states[1:], axis=1)
    return h, {"xs": np.stack(xs), "states": np.stack(states), "pre": np.stack(pre), "w": w, "u": u}


def rnn_backward(dh, cache):
    xs, states, pre, w, u = cache["xs"], cache["states"], cache["pre"], cache["w"], cache["u"]
    steps, n, _ = xs.shape
    if np.shape(dh) != (n, steps, u.shape[0]):
        raise ValueError("dh must have the shape of h")
    dh_tm = np.transpose(np.asarray(dh, dtype=np.float64), (1, 0, 2))
    dzs = np.zeros_like(pre)
    carry = np.zeros((n, u.shape[0]))
    for t in range(steps - 1, -1, -1):
        dzs[t] = (dh_tm[t] + carry) / np.cosh(pre[t]) ** 2  # tanh'(z) = sech^2(z)
        carry = dzs[t] @ u.T
    return {"x": np.transpose(np.einsum("tnh,dh->tnd", dzs, w), (1, 0, 2)),
            "h0": carry,
            "W": np.einsum("tnd,tnh->dh", xs, dzs),
            "U": np.einsum("tnk,tnh->kh", states[:-1], dzs),
            "b": dzs.sum(axis=(0, 1))}


def lstm_init(input_dim, units, seed):
    if not (input_dim >= 1 and units >= 1):
        raise ValueError("sizes must be positive")
    rng = np.random.default_rng(seed)
    limit = (6.0 / (input_dim + 4 * units)) ** 0.5
    w = limit * (2.0 * rng.random((input_dim, 4 * units)) - 1.0)
    a = rng.standard_normal((4 * units, units))
    q = np.zeros_like(a)
    for j in range(units):  # modified Gram-Schmidt: R's diagonal comes out positive
        v = a[:, j].copy()
        for k in range(j):
            v -= (q[:, k] @ v) * q[:, k]
        q[:, j] = v / np.linalg.norm(v)
    bias = np.concatenate([np.zeros(units), np.ones(units), np.zeros(2 * units)])
    return {"W": w, "U": np.ascontiguousarray(q.T), "b": bias}


def _blocks(params):
    h = np.shape(params["U"])[0]
    return [tuple(np.asarray(params[k], dtype=np.float64)[..., j * h:(j + 1) * h] for k in "WUb") for j in range(4)]


def lstm_step(x_t, h_prev, c_prev, params):
    (wi, ui, bi), (wf, uf, bf), (wc, uc, bc), (wo, uo, bo) = _blocks(params)
    i = _sigmoid(x_t @ wi + h_prev @ ui + bi)
    f = _sigmoid(x_t @ wf + h_prev @ uf + bf)
    g = np.tanh(x_t @ wc + h_prev @ uc + bc)
    o = _sigmoid(x_t @ wo + h_prev @ uo + bo)
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def lstm_forward(x, h0, c0, params):
    w, u, b = (np.array(params[k], dtype=np.float64) for k in "WUb")
    _validate(x, [h0, c0], w, u, b, 4)
    xs = np.transpose(np.asarray(x, dtype=np.float64), (1, 0, 2))
    hs, cs = [np.asarray(h0, dtype=np.float64)], [np.asarray(c0, dtype=np.float64)]
    for x_t in xs:
        h, c = lstm_step(x_t, hs[-1], cs[-1], {"W": w, "U": u, "b": b})
        hs.append(h)
        cs.append(c)
    hs, cs = np.stack(hs), np.stack(cs)  # (T + 1, N, H), index 0 the initial state
    cache = {"xs": xs, "hs": hs, "cs": cs, "w": w, "u": u, "b": b}
    return np.transpose(hs[1:], (1, 0, 2)), np.transpose(cs[1:], (1, 0, 2)), cache


def lstm_backward(dh, cache):
    xs, hs, cs, w, u, b = (cache[k] for k in ("xs", "hs", "cs", "w", "u", "b"))
    steps, n, _ = xs.shape
    hidden = u.shape[0]
    if np.shape(dh) != (n, steps, hidden):
        raise ValueError("dh must have the shape of h")
    dh_tm = np.transpose(np.asarray(dh, dtype=np.float64), (1, 0, 2))
    dzs = np.zeros((steps, n, 4 * hidden))
    carry_h, carry_c = np.zeros((n, hidden)), np.zeros((n, hidden))
    for t in range(steps - 1, -1, -1):
        z = xs[t] @ w + hs[t] @ u + b  # recomputed from the stored states
        i, f, o = _sigmoid(z[:, :hidden]), _sigmoid(z[:, hidden:2 * hidden]), _sigmoid(z[:, 3 * hidden:])
        g = np.tanh(z[:, 2 * hidden:3 * hidden])
        total_h = dh_tm[t] + carry_h
        tc = np.tanh(cs[t + 1])
        total_c = carry_c + total_h * o * (1.0 - tc * tc)
        dzs[t, :, :hidden] = total_c * g * i * (1.0 - i)
        dzs[t, :, hidden:2 * hidden] = total_c * cs[t] * f * (1.0 - f)
        dzs[t, :, 2 * hidden:3 * hidden] = total_c * i * (1.0 - g * g)
        dzs[t, :, 3 * hidden:] = total_h * tc * o * (1.0 - o)
        carry_h, carry_c = dzs[t] @ u.T, total_c * f
    return {"x": np.transpose(dzs @ w.T, (1, 0, 2)), "h0": carry_h, "c0": carry_c,
            "W": np.einsum("tnd,tnk->dk", xs, dzs), "U": np.einsum("tnh,tnk->hk", hs[:-1], dzs),
            "b": dzs.sum(axis=(0, 1))}
