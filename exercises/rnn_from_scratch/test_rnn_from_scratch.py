"""Visible tests for rnn_from_scratch: `python grade.py check rnn_from_scratch`."""
import numpy as np

from graders.asserts import assert_allclose, assert_shape, call_repr, centred_difference

ONE = {"W": np.array([[1.0]]), "U": np.array([[1.0]]), "b": np.array([0.0])}  # D = H = 1


def test_rnn_carries_the_state(learner):
    x = np.array([[[1.0], [0.0], [0.0]]])
    h, _ = learner.rnn_forward(x, np.zeros((1, 1)), ONE)
    expected = np.array([np.tanh(1.0), np.tanh(np.tanh(1.0)), np.tanh(np.tanh(np.tanh(1.0)))])
    assert_allclose(assert_shape(h, (1, 3, 1), "rnn_forward(x of shape (1, 3, 1), h0, params)")[0, :, 0], expected,
                    "rnn_forward(x = [1, 0, 0], h0 = 0, W = U = 1, b = 0)", why="h_t = tanh(x_t W + h_{t-1} U + b)")


def test_rnn_backward_hand_example(learner):
    x = np.array([[[1.0], [0.0], [0.0]]])
    _, cache = learner.rnn_forward(x, np.zeros((1, 1)), ONE)
    grads = learner.rnn_backward(np.array([[[0.0], [0.0], [1.0]]]), cache)  # a loss on h_3 only
    h = np.tanh(1.0), np.tanh(np.tanh(1.0)), np.tanh(np.tanh(np.tanh(1.0)))
    d3 = 1 - h[2] ** 2  # back through h_3 = tanh(z_3)
    d2 = d3 * (1 - h[1] ** 2)  # ... and through h_2, U = 1
    d1 = d2 * (1 - h[0] ** 2)
    assert_allclose(grads["x"][0, :, 0], np.array([d1, d2, d3]), "rnn_backward(dh on h_3 only), grads['x']",
                    why="the gradient must reach earlier steps through the hidden state")
    assert_allclose(grads["U"], np.array([[d3 * h[1] + d2 * h[0]]]), "rnn_backward(dh on h_3 only), grads['U']",
                    why="dU sums h_{t-1}^T dz_t over the steps")


def test_rnn_backward_gradient_check(learner):
    rng = np.random.default_rng(0)
    x, h0 = rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 3))
    params = {"W": rng.normal(size=(2, 3)), "U": rng.normal(size=(3, 3)), "b": rng.normal(size=3)}
    dh = rng.normal(size=(2, 3, 3))
    _, cache = learner.rnn_forward(x, h0, params)
    grads = learner.rnn_backward(dh, cache)

    def loss_of_w(w):
        return float(np.sum(dh * learner.rnn_forward(x, h0, {**params, "W": w})[0]))

    assert_allclose(grads["W"], centred_difference(loss_of_w, params["W"]), "rnn_backward(...)['W']",
                    rtol=1e-5, atol=1e-8, why="does not match a centred difference of rnn_forward")


def test_lstm_step_hand_example(learner):
    params = {"W": np.array([[1.0, 2.0, 3.0, 4.0]]), "U": np.zeros((1, 4)), "b": np.zeros(4)}
    h, c = learner.lstm_step(np.array([[1.0]]), np.zeros((1, 1)), np.array([[0.5]]), params)
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    i, f, g, o = sig(1.0), sig(2.0), np.tanh(3.0), sig(4.0)  # gate order i, f, c, o
    call = call_repr("lstm_step", np.array([[1.0]]), np.zeros((1, 1)), np.array([[0.5]]), params="z = [1, 2, 3, 4]")
    assert_allclose(c, np.array([[f * 0.5 + i * g]]), call + ", c", why="c = f * c_prev + i * g")
    assert_allclose(h, np.array([[o * np.tanh(f * 0.5 + i * g)]]), call + ", h", why="h = o * tanh(c)")


def test_lstm_init_shapes_and_forget_bias(learner):
    params = learner.lstm_init(2, 3, seed=0)
    assert_shape(params["W"], (2, 12), "lstm_init(2, 3, seed=0)['W']")
    assert_shape(params["U"], (3, 12), "lstm_init(2, 3, seed=0)['U']")
    assert_allclose(params["b"], np.array([0.0] * 3 + [1.0] * 3 + [0.0] * 6), "lstm_init(2, 3, seed=0)['b']",
                    why="the forget-gate block b[H:2H] starts at 1, the rest at 0")
