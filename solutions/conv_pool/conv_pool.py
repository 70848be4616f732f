"""Reference solution: 2-D convolution and max pooling (NHWC), forward and backward."""
import numpy as np


def _out_size(n, k, stride, pad):
    size = (n + 2 * pad - k) // stride + 1
    if size < 1:
        raise ValueError(f"window {k} does not fit an input of size {n} with pad={pad}")
    return size


def _windows(n_out, k, stride):
    """For each kernel offset i, the slice of the (padded) input it sees at every output position."""
    return [slice(i, i + stride * n_out, stride) for i in range(k)]


def conv2d_forward(x, w, b, stride=1, pad=0):
    n, h, w_in, c = x.shape
    kh, kw, c_in, _ = w.shape
    if c != c_in:
        raise ValueError(f"x has {c} channels but w expects {c_in}")
    ho, wo = _out_size(h, kh, stride, pad), _out_size(w_in, kw, stride, pad)
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))  # spatial axes only
    rows, cols = _windows(ho, kh, stride), _windows(wo, kw, stride)
    out = np.zeros((n, ho, wo, w.shape[3]), dtype=np.result_type(x, w, b))
    for i in range(kh):
        for j in range(kw):
            out += xp[:, rows[i], cols[j], :] @ w[i, j]  # (N, Ho, Wo, C) @ (C, F)
    out += b
    return out, (x, w, stride, pad)


def conv2d_backward(dout, cache):
    x, w, stride, pad = cache
    h, w_in = x.shape[1:3]
    kh, kw = w.shape[:2]
    ho, wo = dout.shape[1:3]
    xp = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    dxp = np.zeros_like(xp, dtype=np.result_type(xp, dout))
    dw = np.zeros_like(w, dtype=np.result_type(w, dout))
    rows, cols = _windows(ho, kh, stride), _windows(wo, kw, stride)
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, rows[i], cols[j], :]
            dw[i, j] = np.tensordot(patch, dout, axes=([0, 1, 2], [0, 1, 2]))
            dxp[:, rows[i], cols[j], :] += dout @ w[i, j].T
    db = dout.sum(axis=(0, 1, 2))
    dx = dxp[:, pad:pad + h, pad:pad + w_in, :]
    return dx, dw, db


def maxpool_forward(x, size=2, stride=2):
    n, h, w_in, c = x.shape
    ho, wo = _out_size(h, size, stride, 0), _out_size(w_in, size, stride, 0)
    rows, cols = _windows(ho, size, stride), _windows(wo, size, stride)
    # windows[k] holds, for every output position, the window element at offset k = i * size + j
    windows = np.stack([x[:, rows[i], cols[j], :] for i in range(size) for j in range(size)])
    argmax = np.argmax(windows, axis=0)  # first maximum in row-major order wins ties
    out = np.take_along_axis(windows, argmax[None], axis=0)[0]
    return out, (x.shape, argmax, size, stride)


def maxpool_backward(dout, cache):
    x_shape, argmax, size, stride = cache
    ho, wo = dout.shape[1:3]
    rows, cols = _windows(ho, size, stride), _windows(wo, size, stride)
    dx = np.zeros(x_shape, dtype=dout.dtype)
    for i in range(size):
        for j in range(size):
            dx[:, rows[i], cols[j], :] += np.where(argmax == i * size + j, dout, 0)
    return dx
