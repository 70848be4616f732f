"""A vanilla RNN and an LSTM in numpy: forward over a sequence and backpropagation through time.

Run the visible tests with `python grade.py check rnn_from_scratch`.
Shapes are batch-major as in Keras: x (N, T, D), states (N, H). Weights use Keras' layout
{"W": kernel, "U": recurrent kernel, "b": bias}; the LSTM's 4H columns are the gate blocks
in the order i, f, c, o. Do not use tensorflow, keras, torch, jax, scipy or sklearn.
"""
import numpy as np


def rnn_forward(x, h0, params):
    """h_t = tanh(x_t @ W + h_{t-1} @ U + b) for t = 1..T, starting from h_0 = h0.

    x: (N, T, D), h0: (N, H), params {"W": (D, H), "U": (H, H), "b": (H,)}.
    Returns (h, cache): h (N, T, H) with h[:, t - 1] = h_t (h0 not included), cache for rnn_backward.
    Raises ValueError for a bad shape (x not 3-D or T = 0, h0 not (N, H), weights not matching).
    """
    # TODO
    raise NotImplementedError("rnn_forward")


def rnn_backward(dh, cache):
    """Gradients of L = sum(dh * h) through all time steps (backpropagation through time).

    dh: (N, T, H), the shape of h (ValueError otherwise).
    Returns {"x", "h0", "W", "U", "b"}, each of the shape of that input.
    """
    # TODO
    raise NotImplementedError("rnn_backward")


def lstm_init(input_dim, units, seed):
    """Keras' default LSTM initialisation with numpy draws from np.random.default_rng(seed), in order:

    W = rng.uniform(-a, a, size=(D, 4H)), a = sqrt(6 / (D + 4H));
    A = rng.standard_normal((4H, H)); Q, R = np.linalg.qr(A); U = (Q * np.sign(np.diag(R))).T;
    b = zeros(4H) except the forget-gate block b[H:2H] = 1.
    Raises ValueError when input_dim < 1 or units < 1.
    """
    # TODO
    raise NotImplementedError("lstm_init")


def lstm_step(x_t, h_prev, c_prev, params):
    """One LSTM step: returns (h, c), each (N, H).

    z = x_t @ W + h_prev @ U + b, cut into blocks of H columns in the order i, f, c (g), o;
    i, f, o = sigmoid, g = tanh; c = f * c_prev + i * g; h = o * tanh(c).
    Must stay finite for pre-activations as large as 1e3 in magnitude.
    """
    # TODO
    raise NotImplementedError("lstm_step")


def lstm_forward(x, h0, c0, params):
    """The LSTM over a sequence: returns (h, c, cache), h and c (N, T, H), the states after each step.

    params {"W": (D, 4H), "U": (H, 4H), "b": (4H,)}. Raises ValueError for a bad shape.
    """
    # TODO
    raise NotImplementedError("lstm_forward")


def lstm_backward(dh, cache):
    """Gradients of L = sum(dh * h) through the hidden and the cell state, all time steps.

    dh: (N, T, H), the shape of h (ValueError otherwise).
    Returns {"x", "h0", "c0", "W", "U", "b"}, each of the shape of that input.
    """
    # TODO
    raise NotImplementedError("lstm_backward")
