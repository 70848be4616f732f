"""Hidden tests for rnn_from_scratch: a vanilla RNN and an LSTM in numpy, forward and BPTT.

The forward passes are checked against recurrences written out in this file, against hand
examples, and against keras.layers.SimpleRNN / keras.layers.LSTM given the same weights. The
backward passes are checked by centred differences of the learner's own forward pass
(norm-relative error below 1e-6, float64), against tf.GradientTape through those Keras layers,
and against the reference on longer sequences. Keras' outputs and gradients are frozen in
keras_golden.npz by make_keras_golden.py (TensorFlow's import alone would take most of the
budget; tests/test_tf_goldens.py recomputes them with the installed Keras).
Wrong answers this suite is built to catch:
- the hidden state not carried (every step starts from h0), or h0 ignored (zeros)
- the cell state not carried (every step starts from c0)
- LSTM gates in the wrong order: i, f, o, c (course notes) or i, c, f, o (TensorFlow 1's LSTMCell)
- a forget-gate bias of 1 added inside the step (TensorFlow 1's BasicLSTMCell) on top of b
- lstm_init's forget bias missing, or on the input gate's block
- lstm_init: W or U drawn in the wrong order, Glorot limit with the wrong fan-out, no sign fix of Q,
  U = Q instead of Q.T (shape), a recurrent kernel that is not orthogonal
- sigmoid as exp(z) / (1 + exp(z)) (nan for pre-activations near 1e3)
- BPTT truncated: the hidden-state gradient from step t + 1 not added (RNN and LSTM)
- the tanh derivative taken as 1 - tanh(h)^2 instead of 1 - h^2
- dU paired with h_t instead of h_{t-1}
- db averaged over the batch instead of summed
- the gradient through tanh(c) missing its (1 - tanh(c)^2) factor
- the cell-state gradient not carried back (dc_{t-1} = dc_t * f missing)
- the forget gate's gradient paired with c_t instead of c_{t-1}
- the output gate's gradient taken from c instead of tanh(c)
- the gradient of h0 left at zero
- a backward pass that ignores its cache and reads the latest forward pass (a module-level global)
- states of shape (H,) or (1, H) broadcast instead of rejected; dh of the wrong shape accepted; an empty
  sequence (T = 0) accepted; lstm_init accepting zero sizes
Sweep: nothing here depends on training or randomness (fixed seeds, float64; the reference's gradient
checks reach ~1e-9 against the 1e-6 threshold, and agrees with Keras and tf.GradientTape to ~1e-14).
"""
from pathlib import Path

import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_shape, call_repr, centred_difference, expect_raises

FD_TOLERANCE = 1e-6  # norm-relative error of a float64 centred difference (the reference reaches ~1e-9)
RNN_CASES = [(2, 4, 3, 3, 0), (3, 5, 2, 4, 1), (1, 1, 2, 2, 2)]  # (N, T, D, H, seed)
LSTM_CASES = [(2, 4, 3, 3, 10), (1, 5, 2, 2, 11), (3, 1, 1, 2, 12)]


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def rnn_problem(n, t, d, h, seed, scale=0.6):
    rng = np.random.default_rng(seed)
    params = {"W": scale * rng.normal(size=(d, h)), "U": scale * rng.normal(size=(h, h)),
              "b": scale * rng.normal(size=h)}
    return rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), params, rng.normal(size=(n, t, h))


def lstm_problem(n, t, d, h, seed, scale=0.5):
    rng = np.random.default_rng(seed)
    params = {"W": scale * rng.normal(size=(d, 4 * h)), "U": scale * rng.normal(size=(h, 4 * h)),
              "b": scale * rng.normal(size=4 * h)}
    x, h0, c0 = rng.normal(size=(n, t, d)), rng.normal(size=(n, h)), rng.normal(size=(n, h))
    return x, h0, c0, params, rng.normal(size=(n, t, h))


def rnn_loop(x, h0, params):
    """The statement's recurrence, written out: h_t = tanh(x_t W + h_{t-1} U + b)."""
    h, out = h0, []
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ params["W"] + h @ params["U"] + params["b"])
        out.append(h)
    return np.stack(out, axis=1)


def lstm_cell(x_t, h, c, params):
    """The statement's LSTM step, gate blocks i, f, c (g), o."""
    z = x_t @ params["W"] + h @ params["U"] + params["b"]
    i, f, g, o = np.split(z, 4, axis=1)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c), c


def lstm_loop(x, h0, c0, params):
    h, c, hs, cs = h0, c0, [], []
    for t in range(x.shape[1]):
        h, c = lstm_cell(x[:, t], h, c, params)
        hs.append(h)
        cs.append(c)
    return np.stack(hs, axis=1), np.stack(cs, axis=1)


def pair(result, call, names):
    if not isinstance(result, tuple) or len(result) != len(names):
        raise AssertionError(f"called {call}; got {type(result).__name__}"
                             f"{' of length ' + str(len(result)) if isinstance(result, (tuple, list)) else ''}, "
                             f"expected a tuple ({', '.join(names)})")
    return result


def grads_dict(grads, keys, call):
    if not isinstance(grads, dict) or set(grads) != set(keys):
        got = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
        raise AssertionError(f"called {call}; got {got}, expected a dict with the keys {', '.join(keys)}")
    return grads


def gradient_check(grads, loss_of, inputs, call, why):
    """Every key against a centred difference of loss_of(key, value) (the learner's own forward)."""
    for key, value in inputs.items():
        got = assert_shape(grads[key], value.shape, f"{call}, grads['{key}']")
        numeric = centred_difference(lambda v, key=key: loss_of(key, v), value)
        error = float(np.linalg.norm(got - numeric) / max(np.linalg.norm(got) + np.linalg.norm(numeric), 1e-300))
        if not error < FD_TOLERANCE:
            raise AssertionError(f"called {call}; grads['{key}'] differs from a centred difference of the forward "
                                 f"pass: relative error {error:.2e}, expected below {FD_TOLERANCE:g} - {why}")


def init_draws(d, h, seed):
    """lstm_init as the statement spells it, written out here."""
    rng = np.random.default_rng(seed)
    a = np.sqrt(6.0 / (d + 4 * h))
    w = a * (2.0 * rng.random((d, 4 * h)) - 1.0)
    q, r = np.linalg.qr(rng.standard_normal((4 * h, h)))
    b = np.zeros(4 * h)
    b[h:2 * h] = 1.0
    return {"W": w, "U": (q * np.sign(np.diag(r))).T, "b": b}


@pytest.fixture(scope="module")
def keras_runs():
    """keras.layers.SimpleRNN / LSTM (float64) on copied weights, frozen by make_keras_golden.py: per case the
    inputs, Keras' outputs and tf.GradientTape's gradients of sum(dh * h)."""
    runs = {}
    with np.load(Path(__file__).with_name("keras_golden.npz"), allow_pickle=False) as data:
        for key in data.files:
            case, name = key.split("/")
            runs.setdefault(case, {})[name] = data[key]
    return runs


def golden_params(run):
    return {k: run[k] for k in ("W", "U", "b")}


# ----------------------------------------------------------------------------- vanilla RNN, forward


@pytest.mark.clause("C1", "C2", probes="the RNN recurrence: state not carried, h0 ignored, weights misused",
                    topic="sequence models")
@pytest.mark.points(2)
@pytest.mark.parametrize("case", RNN_CASES, ids=lambda c: "N{}_T{}_D{}_H{}".format(*c[:4]))
def test_rnn_forward_follows_the_recurrence(learner, case):
    x, h0, params, _ = rnn_problem(*case)
    call = call_repr("rnn_forward", x, h0, params="params")
    h, _ = pair(learner.rnn_forward(x, h0, params), call, ("h", "cache"))
    assert_allclose(h, rnn_loop(x, h0, params), call + ", h", rtol=1e-9, atol=1e-12, show_expected=False,
                    why="h[:, t-1] = tanh(x_t @ W + h_{t-1} @ U + b), starting from h0, each step from the last")


@pytest.mark.clause("C2", probes="every step restarting from h0, or h0 ignored", topic="sequence models")
def test_rnn_forward_carries_the_state_from_h0(learner):
    params = {"W": np.array([[1.0]]), "U": np.array([[1.0]]), "b": np.array([0.0])}
    x, h0 = np.array([[[0.0], [0.0], [0.0]]]), np.array([[0.9]])
    h, _ = pair(learner.rnn_forward(x, h0, params), "rnn_forward(x = 0, h0 = 0.9, W = U = 1, b = 0)", ("h", "cache"))
    expected = np.array([np.tanh(0.9), np.tanh(np.tanh(0.9)), np.tanh(np.tanh(np.tanh(0.9)))])
    assert_allclose(assert_shape(h, (1, 3, 1), "rnn_forward(x of shape (1, 3, 1), h0 of shape (1, 1), params)")
                    [0, :, 0], expected, "rnn_forward(x = [0, 0, 0], h0 = 0.9, W = U = 1, b = 0), h",
                    why="h_1 = tanh(h0 U), h_2 = tanh(h_1 U), ...: start from h0 and carry the state")


@pytest.mark.clause("C9", "C2", probes="the RNN forward pass vs keras.layers.SimpleRNN on the same weights",
                    topic="sequence models")
@pytest.mark.points(3)
def test_rnn_forward_matches_keras_simple_rnn(learner, keras_runs):
    run = keras_runs["rnn"]
    call = call_repr("rnn_forward", run["x"], run["h0"], params="params")
    h, _ = pair(learner.rnn_forward(run["x"], run["h0"], golden_params(run)), call, ("h", "cache"))
    assert_allclose(h, run["h"], call + ", h", rtol=0, atol=1e-10, show_expected=False,
                    why="differs from keras.layers.SimpleRNN(5, return_sequences=True) with set_weights([W, U, b]) "
                        "and initial_state=[h0]")


# ----------------------------------------------------------------------------- vanilla RNN, backward


def rnn_loss_of(learner, x, h0, params, dh):
    def loss_of(key, value):
        args = {"x": x, "h0": h0, **params, key: value}
        h, _ = learner.rnn_forward(args["x"], args["h0"], {k: args[k] for k in ("W", "U", "b")})
        return float(np.sum(dh * np.asarray(h)))
    return loss_of


@pytest.mark.clause("C3", probes="BPTT gradients of the RNN vs centred differences",
                    topic="gradients and backpropagation")
@pytest.mark.points(4)
@pytest.mark.parametrize("case", RNN_CASES, ids=lambda c: "N{}_T{}_D{}_H{}".format(*c[:4]))
def test_rnn_backward_gradient_check(learner, case):
    x, h0, params, dh = rnn_problem(*case)
    _, cache = learner.rnn_forward(x, h0, params)
    call = call_repr("rnn_backward", dh, "cache")
    grads = grads_dict(learner.rnn_backward(dh, cache), ("x", "h0", "W", "U", "b"), call)
    gradient_check(grads, rnn_loss_of(learner, x, h0, params, dh), {"x": x, "h0": h0, **params}, call,
                   "backpropagate through every step: dz_t = (dh_t + dU-path from step t+1) * (1 - h_t^2), "
                   "dU sums h_{t-1}^T dz_t, db sums dz_t over the batch and the steps")


@pytest.mark.clause("C3", probes="RNN gradients on a long sequence vs a correct implementation",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
def test_rnn_backward_matches_reference_on_a_long_sequence(learner, reference):
    x, h0, params, dh = rnn_problem(4, 15, 3, 6, 20)
    _, cache = learner.rnn_forward(x, h0, params)
    call = call_repr("rnn_backward", dh, "cache")
    grads = grads_dict(learner.rnn_backward(dh, cache), ("x", "h0", "W", "U", "b"), call)
    expected = reference.rnn_backward(dh, reference.rnn_forward(x, h0, params)[1])
    for key in ("x", "h0", "W", "U", "b"):
        assert_allclose(grads[key], expected[key], f"{call}, grads['{key}'] (T = 15)", rtol=1e-7, atol=1e-10,
                        show_expected=False)


@pytest.mark.clause("C3", probes="BPTT truncated: the gradient does not reach earlier steps through the state",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
def test_rnn_backward_reaches_the_first_step(learner, reference):
    x, h0, params, _ = rnn_problem(2, 6, 3, 4, 21)
    dh = np.zeros((2, 6, 4))
    dh[:, -1] = 1.0  # a loss on the last state only
    _, cache = learner.rnn_forward(x, h0, params)
    call = "rnn_backward(dh nonzero at the last step only, cache)"
    grads = grads_dict(learner.rnn_backward(dh, cache), ("x", "h0", "W", "U", "b"), call)
    expected = reference.rnn_backward(dh, reference.rnn_forward(x, h0, params)[1])
    why = "h_6 depends on x_1 and h0 through h_5, ..., h_1: carry dh_prev = dz_t @ U.T back to step t-1"
    assert_allclose(grads["x"][:, 0], expected["x"][:, 0], call + ", grads['x'][:, 0]", rtol=1e-7, atol=1e-12,
                    show_expected=False, why=why)
    assert_allclose(grads["h0"], expected["h0"], call + ", grads['h0']", rtol=1e-7, atol=1e-12,
                    show_expected=False, why=why)


# ----------------------------------------------------------------------------- LSTM initialisation


INIT_CASES = [(3, 4, 0), (1, 2, 7), (5, 1, 3), (2, 6, 12)]


@pytest.mark.clause("C4", probes="lstm_init's draws: order, Glorot limit, orthogonal U with the sign fix",
                    topic="randomness and reproducibility")
@pytest.mark.points(1)
@pytest.mark.parametrize("d, h, seed", INIT_CASES)
def test_lstm_init_draws(learner, d, h, seed):
    call = f"lstm_init({d}, {h}, seed={seed})"
    got = learner.lstm_init(d, h, seed)
    got = grads_dict(got, ("W", "U", "b"), call)
    expected = init_draws(d, h, seed)
    for key in ("W", "U", "b"):
        array = assert_shape(got[key], expected[key].shape, f"{call}['{key}']")
        if array.dtype != np.float64:
            raise AssertionError(f"called {call}; ['{key}'] has dtype {array.dtype}, expected float64")
    assert_allclose(got["W"], expected["W"], call + "['W']", rtol=0, atol=1e-10, show_expected=False,
                    why=f"W = rng.uniform(-a, a, size=({d}, {4 * h})) with a = sqrt(6 / (D + 4H)) = "
                        f"{np.sqrt(6 / (d + 4 * h)):.4f}, the first draw from np.random.default_rng(seed)")
    assert_allclose(got["U"], expected["U"], call + "['U']", rtol=0, atol=1e-10, show_expected=False,
                    why="after W: A = rng.standard_normal((4H, H)), Q, R = np.linalg.qr(A), "
                        "U = (Q * np.sign(np.diag(R))).T")


@pytest.mark.clause("C4", probes="a recurrent kernel that is not orthogonal", topic="sequence models")
@pytest.mark.parametrize("d, h, seed", [(3, 4, 5), (2, 8, 6)])
def test_lstm_init_recurrent_kernel_is_orthogonal(learner, d, h, seed):
    call = f"lstm_init({d}, {h}, seed={seed})"
    u = assert_shape(learner.lstm_init(d, h, seed)["U"], (h, 4 * h), call + "['U']")
    assert_allclose(u @ u.T, np.eye(h), call + "['U'] @ ['U'].T", rtol=0, atol=1e-10,
                    why="U is the transpose of Q from a QR decomposition: its rows are orthonormal")


@pytest.mark.clause("C5", probes="forget-gate bias missing or on the wrong gate's block", topic="sequence models")
@pytest.mark.points(1.5)
@pytest.mark.parametrize("d, h", [(3, 4), (2, 1)])
def test_lstm_init_forget_gate_bias(learner, d, h):
    call = f"lstm_init({d}, {h}, seed=0)['b']"
    b = assert_shape(learner.lstm_init(d, h, 0)["b"], (4 * h,), call)
    expected = np.zeros(4 * h)
    expected[h:2 * h] = 1.0
    assert_allclose(b, expected, call, rtol=0, atol=0,
                    why="the gate blocks are i, f, c, o: b[H:2H] (the forget gate) starts at 1, every other "
                        "entry at 0 (Keras' unit_forget_bias)")


@pytest.mark.clause("C6", probes="lstm_init accepting zero units or zero inputs", topic="input validation")
@pytest.mark.parametrize("d, h", [(0, 3), (3, 0), (-1, 2)])
@pytest.mark.points(0.5)
def test_lstm_init_rejects_empty_sizes(learner, d, h):
    with expect_raises(ValueError, f"lstm_init({d}, {h}, seed=0)", "input_dim and units must be at least 1"):
        learner.lstm_init(d, h, 0)


# ----------------------------------------------------------------------------- LSTM step and forward


def step_call(x_t, h, c, what):
    return call_repr("lstm_step", x_t, h, c, params=what)


@pytest.mark.clause("C7", probes="LSTM gates in the wrong order (i, f, o, c or i, c, f, o)", topic="sequence models")
@pytest.mark.points(3)
def test_lstm_step_gate_order(learner):
    # H = 2, U = 0, x = 1: the pre-activations are W's row, a different value for every gate and unit
    z = np.array([0.5, -1.0, 2.0, 0.3, 1.5, -0.7, -2.0, 1.0])  # i | f | c | o, two units each
    params = {"W": z[None, :], "U": np.zeros((2, 8)), "b": np.zeros(8)}
    x_t, h_prev, c_prev = np.array([[1.0]]), np.zeros((1, 2)), np.array([[0.8, -0.6]])
    call = step_call(x_t, h_prev, c_prev, "z = x W = [0.5, -1, 2, 0.3, 1.5, -0.7, -2, 1]")
    h, c = pair(learner.lstm_step(x_t, h_prev, c_prev, params), call, ("h", "c"))
    i, f, g, o = sigmoid(z[0:2]), sigmoid(z[2:4]), np.tanh(z[4:6]), sigmoid(z[6:8])
    why = "the blocks of z are i = z[:, 0:H], f = z[:, H:2H], c (g) = z[:, 2H:3H], o = z[:, 3H:4H] (Keras' order)"
    assert_allclose(c, (f * c_prev + i * g), call + ", c", rtol=1e-9, why=why + "; c = f * c_prev + i * g")
    assert_allclose(h, o * np.tanh(f * c_prev + i * g), call + ", h", rtol=1e-9, why=why + "; h = o * tanh(c)")


@pytest.mark.clause("C7", probes="a forget bias of 1 added inside the step on top of b", topic="sequence models")
def test_lstm_step_adds_no_forget_bias_of_its_own(learner):
    params = {"W": np.zeros((2, 12)), "U": np.zeros((3, 12)), "b": np.zeros(12)}
    x_t, h_prev, c_prev = np.ones((1, 2)), np.ones((1, 3)), np.array([[1.0, -2.0, 0.4]])
    call = step_call(x_t, h_prev, c_prev, "all zeros")
    h, c = pair(learner.lstm_step(x_t, h_prev, c_prev, params), call, ("h", "c"))
    assert_allclose(c, 0.5 * c_prev, call + ", c", rtol=1e-12,
                    why="with all-zero weights every gate is sigmoid(0) = 0.5 and g = 0, so c = 0.5 * c_prev; the "
                        "forget-gate bias lives in b (lstm_init), the step adds nothing to f")
    assert_allclose(h, 0.5 * np.tanh(0.5 * c_prev), call + ", h", rtol=1e-12)


@pytest.mark.clause("C7", "C1", probes="the LSTM step vs the statement's equations on random weights",
                    topic="sequence models")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", [30, 31])
def test_lstm_step_matches_the_equations(learner, seed):
    x, h0, c0, params, _ = lstm_problem(4, 1, 3, 5, seed, scale=0.9)
    call = step_call(x[:, 0], h0, c0, "params")
    h, c = pair(learner.lstm_step(x[:, 0], h0, c0, params), call, ("h", "c"))
    e_h, e_c = lstm_cell(x[:, 0], h0, c0, params)
    assert_allclose(c, e_c, call + ", c", rtol=1e-9, atol=1e-12, show_expected=False)
    assert_allclose(h, e_h, call + ", h", rtol=1e-9, atol=1e-12, show_expected=False)


def saturated_problem():
    """Pre-activations of +-1000 (and random ones of a few hundred) in every gate."""
    rng = np.random.default_rng(33)
    w = np.vstack([np.array([1000.0, -1000.0] * 6), 300.0 * rng.normal(size=12)])  # D = 2, H = 3
    params = {"W": w, "U": 200.0 * rng.normal(size=(3, 12)), "b": np.zeros(12)}
    x = np.stack([np.array([[1.0, 0.0], [0.0, 1.0]])] * 3, axis=1)  # (2, 3, 2)
    return x, np.zeros((2, 3)), np.array([[0.5, -0.5, 1.0], [0.2, 0.1, -0.3]]), params


@pytest.mark.clause("C10", probes="a sigmoid that overflows to nan for pre-activations near 1e3",
                    topic="numerical stability")
def test_lstm_step_with_saturated_gates(learner):
    x, h0, c0, params = saturated_problem()
    call = step_call(x[:, 0], h0, c0, "pre-activations of +-1000")
    h, c = pair(learner.lstm_step(x[:, 0], h0, c0, params), call, ("h", "c"))
    e_h, e_c = lstm_cell(x[:, 0], h0, c0, params)
    why = "exp(z) / (1 + exp(z)) is inf / inf = nan for z = 1000; use 1 / (1 + exp(-z)) on z >= 0 and " \
          "exp(z) / (1 + exp(z)) on z < 0, or 0.5 * (1 + tanh(z / 2))"
    assert_allclose(c, e_c, call + ", c", rtol=1e-9, atol=1e-12, why=why)
    assert_allclose(h, e_h, call + ", h", rtol=1e-9, atol=1e-12, why=why)


@pytest.mark.clause("C10", "C8", probes="an LSTM forward pass that overflows for large pre-activations",
                    topic="numerical stability")
def test_lstm_forward_with_saturated_gates(learner):
    x, h0, c0, params = saturated_problem()
    call = call_repr("lstm_forward", x, h0, c0, params="pre-activations of +-1000")
    h, c, _ = pair(learner.lstm_forward(x, h0, c0, params), call, ("h", "c", "cache"))
    e_h, e_c = lstm_loop(x, h0, c0, params)
    assert_allclose(c, e_c, call + ", c", rtol=1e-9, atol=1e-12, why="saturated gates are 0 or 1, never nan")
    assert_allclose(h, e_h, call + ", h", rtol=1e-9, atol=1e-12, why="saturated gates are 0 or 1, never nan")


@pytest.mark.clause("C8", "C1", probes="the LSTM over a sequence: states carried, every step's h and c returned",
                    topic="sequence models")
@pytest.mark.points(2)
@pytest.mark.parametrize("case", LSTM_CASES, ids=lambda c: "N{}_T{}_D{}_H{}".format(*c[:4]))
def test_lstm_forward_follows_the_steps(learner, case):
    x, h0, c0, params, _ = lstm_problem(*case)
    call = call_repr("lstm_forward", x, h0, c0, params="params")
    h, c, _ = pair(learner.lstm_forward(x, h0, c0, params), call, ("h", "c", "cache"))
    e_h, e_c = lstm_loop(x, h0, c0, params)
    why = "h[:, t-1], c[:, t-1] are the states after step t, each step from the previous (h, c), from (h0, c0)"
    assert_allclose(c, e_c, call + ", c", rtol=1e-9, atol=1e-12, show_expected=False, why=why)
    assert_allclose(h, e_h, call + ", h", rtol=1e-9, atol=1e-12, show_expected=False, why=why)


@pytest.mark.clause("C8", probes="the cell state not carried from step to step", topic="sequence models")
def test_lstm_forward_carries_the_cell_state(learner):
    # U = 0 and x = 0 after the first step: only the cell state links the steps
    params = {"W": np.array([[2.0, 0.0, 1.0, 0.0]]), "U": np.zeros((1, 4)), "b": np.array([0.0, 1.5, 0.0, 0.0])}
    x, h0, c0 = np.array([[[1.0], [0.0], [0.0]]]), np.zeros((1, 1)), np.zeros((1, 1))
    call = "lstm_forward(x = [1, 0, 0], h0 = c0 = 0, W = [2, 0, 1, 0], U = 0, b = [0, 1.5, 0, 0])"
    _, c, _ = pair(learner.lstm_forward(x, h0, c0, params), call, ("h", "c", "cache"))
    c1 = sigmoid(2.0) * np.tanh(1.0)  # f * 0 + i * g
    f = sigmoid(1.5)
    assert_allclose(assert_shape(c, (1, 3, 1), call + ", c")[0, :, 0], np.array([c1, f * c1, f * f * c1]),
                    call + ", c", rtol=1e-9, why="c_t = f * c_{t-1} + i * g: the cell state carries over (here "
                                                 "g = 0 after the first step, so it decays by f = sigmoid(1.5))")


@pytest.mark.clause("C9", "C8", probes="the LSTM vs keras.layers.LSTM on copied weights (gate order i, f, c, o)",
                    topic="sequence models")
@pytest.mark.points(3)
@pytest.mark.parametrize("run", ["lstm_random", "lstm_init"])
def test_lstm_forward_matches_keras_lstm(learner, keras_runs, run):
    run, what = keras_runs[run], "params" if run == "lstm_random" else "lstm_init-style params"
    call = call_repr("lstm_forward", run["x"], run["h0"], run["c0"], params=what)
    h, c, _ = pair(learner.lstm_forward(run["x"], run["h0"], run["c0"], golden_params(run)), call, ("h", "c", "cache"))
    why = ("differs from keras.layers.LSTM(5, return_sequences=True, return_state=True) with "
           "set_weights([W, U, b]) and initial_state=[h0, c0]")
    assert_allclose(h, run["h"], call + ", h", rtol=0, atol=1e-10, show_expected=False, why=why)
    c = assert_shape(c, run["h"].shape, call + ", c")
    assert_allclose(c[:, -1], run["c_last"], call + ", c[:, -1]", rtol=0, atol=1e-10, show_expected=False,
                    why=why + " (its final cell state)")


# ----------------------------------------------------------------------------- LSTM, backward


def lstm_loss_of(learner, x, h0, c0, params, dh):
    def loss_of(key, value):
        args = {"x": x, "h0": h0, "c0": c0, **params, key: value}
        h = learner.lstm_forward(args["x"], args["h0"], args["c0"], {k: args[k] for k in ("W", "U", "b")})[0]
        return float(np.sum(dh * np.asarray(h)))
    return loss_of


LSTM_GRAD_KEYS = ("x", "h0", "c0", "W", "U", "b")


@pytest.mark.clause("C11", probes="BPTT gradients of the LSTM vs centred differences",
                    topic="gradients and backpropagation")
@pytest.mark.points(5)
@pytest.mark.parametrize("case", LSTM_CASES, ids=lambda c: "N{}_T{}_D{}_H{}".format(*c[:4]))
def test_lstm_backward_gradient_check(learner, case):
    x, h0, c0, params, dh = lstm_problem(*case)
    _, _, cache = learner.lstm_forward(x, h0, c0, params)
    call = call_repr("lstm_backward", dh, "cache")
    grads = grads_dict(learner.lstm_backward(dh, cache), LSTM_GRAD_KEYS, call)
    gradient_check(grads, lstm_loss_of(learner, x, h0, c0, params, dh), {"x": x, "h0": h0, "c0": c0, **params},
                   call, "dc_t = dc from step t+1 + dh_t * o * (1 - tanh(c_t)^2); dc_{t-1} = dc_t * f; "
                         "the gate gradients use c_{t-1}, tanh(c_t) and the sigmoid/tanh derivatives")


@pytest.mark.clause("C11", probes="LSTM gradients on a long sequence vs a correct implementation",
                    topic="gradients and backpropagation")
@pytest.mark.points(3)
def test_lstm_backward_matches_reference_on_a_long_sequence(learner, reference):
    x, h0, c0, params, dh = lstm_problem(3, 12, 4, 5, 22)
    _, _, cache = learner.lstm_forward(x, h0, c0, params)
    call = call_repr("lstm_backward", dh, "cache")
    grads = grads_dict(learner.lstm_backward(dh, cache), LSTM_GRAD_KEYS, call)
    expected = reference.lstm_backward(dh, reference.lstm_forward(x, h0, c0, params)[2])
    for key in LSTM_GRAD_KEYS:
        assert_allclose(grads[key], expected[key], f"{call}, grads['{key}'] (T = 12)", rtol=1e-7, atol=1e-10,
                        show_expected=False)


@pytest.mark.clause("C11", probes="the cell-state gradient not carried back through time (dc * f)",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
def test_lstm_backward_long_range_through_the_cell(learner, reference):
    x, h0, c0, params, _ = lstm_problem(2, 8, 3, 4, 23)
    params["b"][4:8] += 2.0  # forget gates mostly open: the cell carries the gradient far back
    dh = np.zeros((2, 8, 4))
    dh[:, -1] = 1.0
    _, _, cache = learner.lstm_forward(x, h0, c0, params)
    call = "lstm_backward(dh nonzero at the last step only, cache)"
    grads = grads_dict(learner.lstm_backward(dh, cache), LSTM_GRAD_KEYS, call)
    expected = reference.lstm_backward(dh, reference.lstm_forward(x, h0, c0, params)[2])
    why = "h_8 depends on c0 and x_1 through c_7, ..., c_1: carry dc_{t-1} = dc_t * f (and dh_{t-1} = dz_t @ U.T)"
    assert_allclose(grads["c0"], expected["c0"], call + ", grads['c0']", rtol=1e-7, atol=1e-12, show_expected=False,
                    why=why)
    assert_allclose(grads["x"][:, 0], expected["x"][:, 0], call + ", grads['x'][:, 0]", rtol=1e-7, atol=1e-12,
                    show_expected=False, why=why)


@pytest.mark.clause("C3", probes="RNN gradients vs TensorFlow's autodiff through keras.layers.SimpleRNN",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
def test_rnn_backward_matches_tensorflow_autodiff(learner, keras_runs):
    run = keras_runs["rnn"]
    _, cache = learner.rnn_forward(run["x"], run["h0"], golden_params(run))
    call = call_repr("rnn_backward", run["dh"], "cache")
    grads = grads_dict(learner.rnn_backward(run["dh"], cache), ("x", "h0", "W", "U", "b"), call)
    for key in ("x", "h0", "W", "U", "b"):
        assert_allclose(grads[key], run["grad_" + key], f"{call}, grads['{key}']", rtol=1e-7, atol=1e-10,
                        show_expected=False, why="differs from tf.GradientTape's gradient of sum(dh * h) through "
                                                 "keras.layers.SimpleRNN on the same weights")


@pytest.mark.clause("C11", probes="LSTM gradients vs TensorFlow's autodiff through keras.layers.LSTM",
                    topic="gradients and backpropagation")
@pytest.mark.points(3)
@pytest.mark.parametrize("run", ["lstm_random", "lstm_init"])
def test_lstm_backward_matches_tensorflow_autodiff(learner, keras_runs, run):
    run = keras_runs[run]
    _, _, cache = learner.lstm_forward(run["x"], run["h0"], run["c0"], golden_params(run))
    call = call_repr("lstm_backward", run["dh"], "cache")
    grads = grads_dict(learner.lstm_backward(run["dh"], cache), LSTM_GRAD_KEYS, call)
    for key in LSTM_GRAD_KEYS:
        assert_allclose(grads[key], run["grad_" + key], f"{call}, grads['{key}']", rtol=1e-7, atol=1e-10,
                        show_expected=False, why="differs from tf.GradientTape's gradient of sum(dh * h) through "
                                                 "keras.layers.LSTM on the same weights")


@pytest.mark.clause("C3", "C11", "C2", "C8",
                    probes="a backward pass that ignores its cache and uses the latest forward pass",
                    topic="gradients and backpropagation")
@pytest.mark.points(1)
@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_backward_uses_the_cache_it_is_given(learner, reference, kind):
    # two forward passes of the same shapes, then the backward pass of the FIRST one, then of the second
    if kind == "rnn":
        problems = [rnn_problem(2, 4, 3, 3, seed) for seed in (60, 61)]
        forward, backward, keys = (lambda m, p: m.rnn_forward(p[0], p[1], p[2])[1]), "rnn_backward", \
            ("x", "h0", "W", "U", "b")
    else:
        problems = [lstm_problem(2, 4, 3, 3, seed) for seed in (62, 63)]
        forward, backward, keys = (lambda m, p: m.lstm_forward(p[0], p[1], p[2], p[3])[2]), "lstm_backward", \
            LSTM_GRAD_KEYS
    caches = [forward(learner, p) for p in problems]
    for which, (problem, cache) in enumerate(zip(problems, caches)):
        dh = problem[-1]
        call = f"{backward}(dh, cache of the {('first', 'second')[which]} of two {kind}_forward calls)"
        grads = grads_dict(getattr(learner, backward)(dh, cache), keys, call)
        expected = getattr(reference, backward)(dh, forward(reference, problem))
        for key in keys:
            assert_allclose(grads[key], expected[key], f"{call}, grads['{key}']", rtol=1e-7, atol=1e-10,
                            show_expected=False,
                            why="the gradients belong to the forward pass that made this cache, not to the latest "
                                "forward pass: keep what the backward pass needs in the cache, not in a global")


# ----------------------------------------------------------------------------- shapes rejected


def rnn_bad_inputs():
    x, h0, params, _ = rnn_problem(3, 4, 2, 5, 50)
    lx, lh0, lc0, lparams, _ = lstm_problem(3, 4, 2, 5, 51)
    return [
        ("rnn: x 2-D", "rnn", (x[:, 0], h0, params)),
        ("rnn: T = 0", "rnn", (x[:, :0], h0, params)),
        ("rnn: h0 (H,)", "rnn", (x, h0[0], params)),
        ("rnn: h0 (1, H)", "rnn", (x, h0[:1], params)),
        ("rnn: W (D+1, H)", "rnn", (x, h0, {**params, "W": np.zeros((3, 5))})),
        ("rnn: b (H+1,)", "rnn", (x, h0, {**params, "b": np.zeros(6)})),
        ("rnn: LSTM weights", "rnn", (x, h0, lparams)),
        ("lstm: x 2-D", "lstm", (lx[:, 0], lh0, lc0, lparams)),
        ("lstm: T = 0", "lstm", (lx[:, :0], lh0, lc0, lparams)),
        ("lstm: h0 (1, H)", "lstm", (lx, lh0[:1], lc0, lparams)),
        ("lstm: c0 (H,)", "lstm", (lx, lh0, lc0[0], lparams)),
        ("lstm: RNN weights", "lstm", (lx, lh0, lc0, params)),
        ("lstm: U (H, 3H)", "lstm", (lx, lh0, lc0, {**lparams, "U": np.zeros((5, 15))})),
        ("lstm: b (4H+1,)", "lstm", (lx, lh0, lc0, {**lparams, "b": np.zeros(21)})),
    ]


BAD = rnn_bad_inputs()


@pytest.mark.clause("C12", "C1", probes="shapes that do not fit accepted (states broadcast, weights mismatched)",
                    topic="input validation")
@pytest.mark.points(0.25)
@pytest.mark.parametrize("index", range(len(BAD)), ids=[name for name, _, _ in BAD])
def test_forward_rejects_bad_shapes(learner, index):
    name, kind, args = BAD[index]
    fn = learner.rnn_forward if kind == "rnn" else learner.lstm_forward
    shapes = ", ".join(f"{k} {np.shape(v)}" for k, v in zip(("x", "h0", "c0"), args[:-1]))
    weights = ", ".join(f"{k} {np.shape(v)}" for k, v in args[-1].items())
    call = f"{kind}_forward({shapes}, params with {weights})"
    with expect_raises(ValueError, call, f"{name.split(': ')[1]} does not fit x (N, T, D), states (N, H) and the "
                                         "weights' layout"):
        fn(*args)


@pytest.mark.clause("C12", probes="a gradient dh of the wrong shape accepted", topic="input validation")
@pytest.mark.parametrize("kind", ["rnn", "lstm"])
@pytest.mark.points(0.5)
def test_backward_rejects_dh_of_the_wrong_shape(learner, kind):
    if kind == "rnn":
        x, h0, params, dh = rnn_problem(2, 4, 3, 3, 52)
        cache = learner.rnn_forward(x, h0, params)[1]
        backward = learner.rnn_backward
    else:
        x, h0, c0, params, dh = lstm_problem(2, 4, 3, 3, 53)
        cache = learner.lstm_forward(x, h0, c0, params)[2]
        backward = learner.lstm_backward
    for bad in (dh[:, :3], dh[:, -1], dh[:1]):
        with expect_raises(ValueError, call_repr(f"{kind}_backward", bad, "cache") + " after a forward pass with h "
                           "of shape (2, 4, 3)", "dh must have the shape of h"):
            backward(bad, cache)
