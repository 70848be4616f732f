"""Correct, written independently: one output position at a time (explicit loops, im2col-free)."""
import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    N, H, W, C = x.shape
    KH, KW, _, F = w.shape
    Hp, Wp = H + 2 * pad, W + 2 * pad
    xp = np.zeros((N, Hp, Wp, C), dtype=np.result_type(x, w))
    xp[:, pad:pad + H, pad:pad + W, :] = x
    Ho = 1 + (Hp - KH) // stride
    Wo = 1 + (Wp - KW) // stride
    out = np.empty((N, Ho, Wo, F), dtype=np.result_type(x, w, b))
    wmat = w.reshape(-1, F)
    for r in range(Ho):
        for c in range(Wo):
            r0, c0 = r * stride, c * stride
            window = xp[:, r0:r0 + KH, c0:c0 + KW, :].reshape(N, -1)
            out[:, r, c, :] = window @ wmat + b
    return out, {"x": x, "w": w, "stride": stride, "pad": pad}


def conv2d_backward(dout, cache):
    x, w, stride, pad = cache["x"], cache["w"], cache["stride"], cache["pad"]
    N, H, W, C = x.shape
    KH, KW, _, F = w.shape
    xp = np.zeros((N, H + 2 * pad, W + 2 * pad, C), dtype=np.result_type(x, dout))
    xp[:, pad:pad + H, pad:pad + W, :] = x
    dxp = np.zeros_like(xp)
    wmat = w.reshape(-1, F)
    dwmat = np.zeros(wmat.shape, dtype=np.result_type(w, dout))
    for r in range(dout.shape[1]):
        for c in range(dout.shape[2]):
            r0, c0 = r * stride, c * stride
            g = dout[:, r, c, :]                                # (N, F)
            window = xp[:, r0:r0 + KH, c0:c0 + KW, :].reshape(N, -1)
            dwmat += window.T @ g
            dxp[:, r0:r0 + KH, c0:c0 + KW, :] += (g @ wmat.T).reshape(N, KH, KW, C)
    db = np.einsum("nhwf->f", dout)
    return dxp[:, pad:pad + H, pad:pad + W, :], dwmat.reshape(w.shape), db


def maxpool_forward(x, size=2, stride=2):
    N, H, W, C = x.shape
    Ho, Wo = 1 + (H - size) // stride, 1 + (W - size) // stride
    out = np.empty((N, Ho, Wo, C), dtype=x.dtype)
    where = np.empty((N, Ho, Wo, C, 2), dtype=np.int64)  # absolute (row, col) of each winner
    for n in range(N):
        for r in range(Ho):
            for c in range(Wo):
                for ch in range(C):
                    best, pos = None, None
                    for i in range(size):
                        for j in range(size):
                            v = x[n, r * stride + i, c * stride + j, ch]
                            if best is None or v > best:  # strict: the first maximum keeps the gradient
                                best, pos = v, (r * stride + i, c * stride + j)
                    out[n, r, c, ch] = best
                    where[n, r, c, ch] = pos
    return out, {"shape": x.shape, "where": where}


def maxpool_backward(dout, cache):
    dx = np.zeros(cache["shape"], dtype=dout.dtype)
    where = cache["where"]
    N, Ho, Wo, C = dout.shape
    for n in range(N):
        for r in range(Ho):
            for c in range(Wo):
                for ch in range(C):
                    i, j = where[n, r, c, ch]
                    dx[n, i, j, ch] += dout[n, r, c, ch]
    return dx
