"""2-D convolution and max pooling, forward and backward, from scratch in numpy.

Run the visible tests with `python grade.py check conv_pool`.
Layouts are TensorFlow's: x is NHWC (batch, height, width, channels), w is HWIO
(kernel height, kernel width, in channels, out channels), b has shape (C_out,).
"Convolution" means cross-correlation, as in every deep-learning library: the
kernel is NOT flipped. Do not use tensorflow, scipy or sklearn.

A cache is whatever forward needs to hand to backward; it must be plain data
(a tuple of numpy arrays, ints and tuples of ints), because the grader may pass
it between processes.
"""
import numpy as np


def conv2d_forward(x, w, b, stride=1, pad=0):
    """Cross-correlate x (N, H, W, C) with w (KH, KW, C, F), add b (F,).

    `pad` zeros are added on each side of the two spatial axes only; `stride`
    applies to both spatial axes. Returns (out, cache) with out of shape
    (N, Ho, Wo, F), Ho = (H + 2*pad - KH) // stride + 1 (Wo likewise).
    """
    # TODO: pad, then contract every (KH, KW, C) input window with w
    raise NotImplementedError("conv2d_forward")


def conv2d_backward(dout, cache):
    """Gradients of sum(out * dout): returns (dx, dw, db) shaped like x, w, b."""
    # TODO: db sums dout; dw and dx accumulate over every window (mind the stride and the padding)
    raise NotImplementedError("conv2d_backward")


def maxpool_forward(x, size=2, stride=2):
    """Max over size x size windows of x (N, H, W, C), no padding ("VALID").

    Returns (out, cache), out of shape (N, Ho, Wo, C), Ho = (H - size) // stride + 1.
    """
    # TODO
    raise NotImplementedError("maxpool_forward")


def maxpool_backward(dout, cache):
    """Gradient of sum(out * dout) with respect to x, shaped like x.

    Each window's gradient goes to its maximum only. Ties: the whole gradient goes
    to the FIRST maximal element in row-major window order (top row first, then
    left-most), the one np.argmax picks on the flattened window. Overlapping
    windows (stride < size) add their contributions.
    """
    # TODO
    raise NotImplementedError("maxpool_backward")
