"""Hidden tests for regularization: penalties and their gradients, inverted dropout, batch norm
(train and eval) vs keras.layers.BatchNormalization and keras.regularizers.

Keras is imported once, lazily, in the module fixture `keras_expected` (budget 8 s).
Statistical bounds (dropout): 200,000 units; the keep fraction must be within 0.01 of 1 - p (its
standard deviation is at most 0.0011: 9 sigma), the mean of dropout(ones) within 0.03 of 1
(standard deviation at most 0.0045 for p = 0.8: 6.7 sigma).
Wrong answers this suite is built to catch:
- L2 gradient missing the factor 2 (convention: penalty lam * sum(w**2), as keras.regularizers.L2)
- L1 subgradient at w == 0 not 0 (np.where(w >= 0, 1, -1))
- penalties over the first array only, or averaged instead of summed
- dropout not rescaled by 1 / (1 - p) (not inverted)
- p interpreted as the keep probability
- dropout active at eval time
- dropout_backward ignoring the mask it is given (rescaling everything, or drawing a new mask)
- dropout ignoring its seed (not reproducible), or p outside [0, 1) accepted
- batch norm with the unbiased (N - 1) variance in training
- running statistics not updated, or updated with the swapped momentum convention
  (Keras: new = momentum * old + (1 - momentum) * batch)
- batch norm at eval using the batch statistics instead of the running ones
- batch norm normalising over the wrong axes (per position instead of per channel on NHWC input)
- penalties returned as numpy arrays, not Python floats
- dropout masks that are 0/1 floats instead of booleans; p checked in training only (not at eval, not in
  backward)
- dropout masks drawn from numpy's global RNG (np.random.seed(seed)) instead of default_rng(seed), or
  seed=None treated as a fixed seed; the mask is compared with the usual single draws from
  default_rng(seed) (random vs p or 1 - p, binomial with 1 - p or p), listed in the statement's notes
- batch norm updating the given running dict in place; batch-norm defaults other than Keras'
  (an in-place change is only visible in local mode: secure mode passes copies, where it is lost and
  harmless; the mutants that prove these checks are graded locally, as `dev corpus` does)
"""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_equal, assert_scalar_close, assert_shape, call_repr, expect_raises

BN_CASES = [  # (shape, momentum): small batch so that N vs N - 1 matters; NHWC so that the axes matter
    ((4, 3), 0.9),
    ((3, 4, 5, 2), 0.7),
]


def penalty_weights():
    rng = np.random.default_rng(0)
    return [rng.normal(size=(3, 4)), rng.normal(size=5), rng.normal(size=(2, 2, 3))]


def bn_inputs(index):
    shape, momentum = BN_CASES[index]
    rng = np.random.default_rng(100 + index)
    c = shape[-1]
    x = rng.normal(2.0, 3.0, size=shape) * rng.uniform(0.5, 2.0, size=c)
    x_eval = rng.normal(1.0, 2.0, size=shape)
    gamma, beta = rng.normal(size=c), rng.normal(size=c)
    running = {"mean": rng.normal(size=c), "var": rng.uniform(0.5, 2.0, size=c)}
    return x, x_eval, gamma, beta, running, momentum


@pytest.fixture(scope="module")
def keras_expected():
    import keras

    ws = penalty_weights()
    expected = {"l1": float(sum(keras.regularizers.L1(0.03)(w) for w in ws)),
                "l2": float(sum(keras.regularizers.L2(0.03)(w) for w in ws)), "bn": []}
    for index, (shape, momentum) in enumerate(BN_CASES):
        x, x_eval, gamma, beta, running, _ = bn_inputs(index)
        layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=1e-3, dtype="float64")
        layer.build(shape)
        layer.set_weights([gamma, beta, running["mean"], running["var"]])
        train_out = layer(x, training=True).numpy()
        moving = {"mean": layer.moving_mean.numpy(), "var": layer.moving_variance.numpy()}
        eval_out = layer(x_eval, training=False).numpy()
        expected["bn"].append((train_out, moving, eval_out))
    return expected


# ----------------------------------------------------------------------------- penalties


@pytest.mark.clause("C1", probes="penalties over one array only, averaged, or with a 1/2 factor",
                    topic="regularization")
def test_penalties_match_keras_regularizers(learner, keras_expected):
    ws = penalty_weights()
    assert_scalar_close(learner.l1_penalty(ws, 0.03), keras_expected["l1"], "l1_penalty(3 arrays, lam=0.03)",
                        rtol=1e-6, show_expected=False,
                        why="differs from keras.regularizers.L1: sum |w| over every array, times lam")
    assert_scalar_close(learner.l2_penalty(ws, 0.03), keras_expected["l2"], "l2_penalty(3 arrays, lam=0.03)",
                        rtol=1e-6, show_expected=False,
                        why="differs from keras.regularizers.L2: sum w**2 over every array, times lam")


@pytest.mark.clause("C2", probes="the L2 gradient missing its factor 2", topic="gradients and backpropagation")
@pytest.mark.points(2)
def test_l2_grad(learner, reference):
    ws = penalty_weights()
    got = learner.l2_penalty_grad(ws, 0.03)
    assert isinstance(got, (list, tuple)) and len(got) == len(ws), \
        "called l2_penalty_grad(3 arrays, lam=0.03); expected a list with one gradient per array"
    for i, (g, e) in enumerate(zip(got, reference.l2_penalty_grad(ws, 0.03))):
        assert_allclose(g, e, f"l2_penalty_grad(3 arrays, lam=0.03)[{i}]", rtol=1e-10, show_expected=False,
                        why="differentiate lam * sum(w**2) with respect to w (power rule)")


@pytest.mark.clause("C2", probes="an L1 subgradient other than 0 at w == 0", topic="gradients and backpropagation")
@pytest.mark.points(2)
def test_l1_grad_with_exact_zeros(learner, reference):
    rng = np.random.default_rng(1)
    ws = [np.round(rng.normal(size=(6, 5))), np.array([0.0, -0.0, 1e-300, -2.5])]  # many exact zeros
    got = learner.l1_penalty_grad(ws, 0.2)
    assert isinstance(got, (list, tuple)) and len(got) == len(ws), \
        "called l1_penalty_grad(2 arrays, lam=0.2); expected a list with one gradient per array"
    for i, (g, e) in enumerate(zip(got, reference.l1_penalty_grad(ws, 0.2))):
        assert_allclose(g, e, f"l1_penalty_grad(arrays with exact zeros, lam=0.2)[{i}]", rtol=1e-12,
                        show_expected=False, why="|w| has no derivative at 0; the documented subgradient there is 0")


# ----------------------------------------------------------------------------- dropout


@pytest.mark.clause("C6", probes="dropout still active at eval time", topic="regularization")
def test_dropout_is_identity_at_eval(learner):
    x = np.random.default_rng(2).normal(size=(50, 40))
    for p in (0.3, 0.9):
        out, mask = learner.dropout_forward(x, p, False, 5)
        call = call_repr("dropout_forward", x, p, training=False, seed=5)
        assert_allclose(out, x, call, why="at eval time dropout does nothing (no dropping, no scaling)")
        assert_equal(np.asarray(mask).astype(bool), np.ones(x.shape, bool), call + ", mask")


@pytest.mark.clause("C4", probes="dropout not inverted (no 1 / (1 - p) rescaling), or a mask that is not boolean",
                    topic="regularization")
@pytest.mark.points(2)
@pytest.mark.parametrize("p", [0.2, 0.5, 0.75])
def test_dropout_training_output_is_masked_and_rescaled(learner, p):
    x = np.random.default_rng(3).normal(size=(30, 20))
    out, mask = learner.dropout_forward(x, p, True, 11)
    call = call_repr("dropout_forward", x, p, training=True, seed=11)
    mask = assert_shape(mask, x.shape, call, what="mask")
    assert mask.dtype == bool, f"called {call}; the mask has dtype {mask.dtype}, expected a boolean mask (True = kept)"
    assert_allclose(out, x * mask.astype(bool) / (1 - p), call, rtol=1e-12,
                    why="the output must be x where the mask keeps a unit, rescaled by 1 / (1 - p) with p the DROP "
                        "probability (inverted dropout), and 0 elsewhere")


@pytest.mark.clause("C4", probes="p read as the keep probability", topic="regularization")
@pytest.mark.points(2)
@pytest.mark.parametrize("p", [0.1, 0.3, 0.8])
def test_dropout_keep_rate_and_mean(learner, p):
    x = np.ones((400, 500))
    out, mask = learner.dropout_forward(x, p, True, 7)
    call = call_repr("dropout_forward", x, p, training=True, seed=7)
    kept = float(np.mean(np.asarray(mask).astype(bool)))
    assert abs(kept - (1 - p)) < 0.01, \
        f"called {call}; kept {kept:.3f} of the units - p is the probability of DROPPING a unit"
    mean = float(np.mean(out))
    assert abs(mean - 1.0) < 0.03, \
        f"called {call}; the output's mean is {mean:.3f}, not about 1 - inverted dropout keeps the mean"


@pytest.mark.clause("C5", probes="the seed ignored: masks not reproducible", topic="randomness and reproducibility")
def test_dropout_seed_reproducible(learner):
    x = np.ones((20, 30))
    _, a = learner.dropout_forward(x, 0.5, True, 3)
    _, b = learner.dropout_forward(x, 0.5, True, 3)
    _, c = learner.dropout_forward(x, 0.5, True, 4)
    assert_equal(np.asarray(b).astype(bool), np.asarray(a).astype(bool),
                 "dropout_forward(x, 0.5, True, seed=3) called twice", why="the same seed must give the same mask")
    assert np.any(np.asarray(a).astype(bool) != np.asarray(c).astype(bool)), \
        "dropout_forward with seeds 3 and 4 gave the same mask - draw it from np.random.default_rng(seed)"


@pytest.mark.clause("C3", "C4", probes="p = 0 refused or not the identity", topic="regularization")
def test_dropout_p_zero_keeps_everything(learner):
    x = np.random.default_rng(4).normal(size=(10, 10))
    out, _ = learner.dropout_forward(x, 0.0, True, 0)
    assert_allclose(out, x, call_repr("dropout_forward", x, 0.0, training=True, seed=0))


@pytest.mark.clause("C7", probes="backward ignoring the mask it is given", topic="gradients and backpropagation")
@pytest.mark.points(2)
def test_dropout_backward_uses_the_given_mask(learner):
    rng = np.random.default_rng(5)
    dout = rng.normal(size=(8, 9))
    mask = rng.random((8, 9)) < 0.6
    got = learner.dropout_backward(dout, mask, 0.4)
    assert_allclose(got, dout * mask / 0.6, "dropout_backward(dout, mask, p=0.4)", rtol=1e-12,
                    why="the gradient flows only through the units forward kept, with forward's scaling: "
                        "reuse the mask you are given")
    x = rng.normal(size=(8, 9))
    _, fmask = learner.dropout_forward(x, 0.25, True, 9)
    fmask = np.asarray(fmask).astype(bool)
    got = learner.dropout_backward(dout, fmask, 0.25)
    assert_allclose(got, dout * fmask / 0.75, "dropout_backward(dout, mask from dropout_forward, p=0.25)",
                    rtol=1e-12)


@pytest.mark.clause("C3", probes="p outside [0, 1) accepted", topic="input validation")
@pytest.mark.parametrize("p", [1.0, -0.1, 1.5])
def test_dropout_rejects_invalid_p(learner, p):
    x = np.ones((2, 2))
    for training in (True, False):
        with expect_raises(ValueError, call_repr("dropout_forward", x, p, training=training, seed=0),
                           "p must be in [0, 1), in training and at eval"):
            learner.dropout_forward(x, p, training, 0)
    with expect_raises(ValueError, f"dropout_backward(dout, mask, p={p})", "p must be in [0, 1)"):
        learner.dropout_backward(x, x.astype(bool), p)


@pytest.mark.clause("C5", probes="a mask drawn from numpy's global RNG or another generator than default_rng(seed)",
                    topic="randomness and reproducibility")
@pytest.mark.points(2)
def test_dropout_mask_comes_from_default_rng(learner):
    x, p, seed = np.ones((20, 30)), 0.3, 12
    call = call_repr("dropout_forward", x, p, training=True, seed=seed)
    _, mask = learner.dropout_forward(x, p, True, seed)
    mask = np.asarray(mask).astype(bool)

    def rng():
        return np.random.default_rng(seed)
    draws = [rng().random(x.shape) >= p, rng().random(x.shape) < 1 - p,
             rng().binomial(1, 1 - p, x.shape).astype(bool), rng().binomial(1, p, x.shape) == 0]
    assert any(np.array_equal(mask, draw) for draw in draws), (
        f"called {call}; the mask is not drawn from np.random.default_rng(seed) - make one generator from the seed "
        f"and draw the whole mask from it (numpy's global RNG, np.random.seed / np.random.rand, is another one)")


@pytest.mark.clause("C5", probes="seed=None treated as a fixed seed", topic="randomness and reproducibility")
def test_dropout_without_a_seed_is_fresh(learner):
    x = np.ones((20, 30))
    first = np.asarray(learner.dropout_forward(x, 0.5, True)[1]).astype(bool)
    second = np.asarray(learner.dropout_forward(x, 0.5, True)[1]).astype(bool)
    assert not np.array_equal(first, second), (
        "called dropout_forward(x of shape (20, 30), 0.5, training=True) twice without a seed; got the same mask - "
        "seed=None means a fresh generator, np.random.default_rng(None)")


# ----------------------------------------------------------------------------- batch normalisation


def bn_call(index, training):
    shape, momentum = BN_CASES[index]
    return (f"batchnorm_forward(x of shape {shape}, gamma, beta, running, training={training}, "
            f"momentum={momentum}, eps=0.001)")


@pytest.mark.clause("C8", "C9", "C11", probes="unbiased variance, wrong axes, running statistics not updated or swapped momentum",
                    topic="regularization")
@pytest.mark.points(3)
@pytest.mark.parametrize("index", range(len(BN_CASES)))
def test_batchnorm_training_matches_keras(learner, keras_expected, index):
    x, _, gamma, beta, running, momentum = bn_inputs(index)
    out, new = learner.batchnorm_forward(x, gamma, beta, running, True, momentum, 1e-3)
    train_out, moving, _ = keras_expected["bn"][index]
    call = bn_call(index, True)
    assert_allclose(out, train_out, call, rtol=1e-7, atol=1e-9, show_expected=False,
                    why="differs from keras.layers.BatchNormalization(training=True): normalise each channel "
                        "(last axis) over all other axes, with the biased batch variance (divide by N)")
    assert isinstance(new, dict) and {"mean", "var"} <= set(new), \
        f"called {call}; expected (out, new_running) with new_running a dict with keys 'mean' and 'var'"
    for key in ("mean", "var"):
        assert_allclose(new[key], moving[key], f"{call}, new running {key}", rtol=1e-7, atol=1e-12,
                        show_expected=False,
                        why="running statistics must be updated and returned, with Keras' momentum convention "
                            "(momentum weighs the OLD value)")


@pytest.mark.clause("C10", "C8", probes="batch statistics used at eval time, or running statistics changed",
                    topic="regularization")
@pytest.mark.points(2)
@pytest.mark.parametrize("index", range(len(BN_CASES)))
def test_batchnorm_eval_matches_keras(learner, keras_expected, index):
    _, x_eval, gamma, beta, _, momentum = bn_inputs(index)
    _, moving, eval_out = keras_expected["bn"][index]
    out, new = learner.batchnorm_forward(x_eval, gamma, beta, {k: v.copy() for k, v in moving.items()}, False,
                                         momentum, 1e-3)
    call = bn_call(index, False)
    assert_allclose(out, eval_out, call, rtol=1e-7, atol=1e-9, show_expected=False,
                    why="differs from keras.layers.BatchNormalization(training=False): at eval time use the "
                        "running statistics, not the batch's")
    for key in ("mean", "var"):
        assert_allclose(new[key], moving[key], f"{call}, returned running {key}", rtol=1e-12,
                        why="eval mode must not change the running statistics")


@pytest.mark.clause("C8", "C9", probes="batch norm in training mode on float32 inputs and parameters",
                    topic="api contract")
def test_batchnorm_float32_input(learner, reference):
    x, _, gamma, beta, running, momentum = bn_inputs(1)
    out, _ = learner.batchnorm_forward(x.astype(np.float32), gamma.astype(np.float32), beta.astype(np.float32),
                                       {k: v.astype(np.float32) for k, v in running.items()}, True, momentum, 1e-3)
    expected, _ = reference.batchnorm_forward(x, gamma, beta, running, True, momentum, 1e-3)
    assert_allclose(out, expected, bn_call(1, True) + " in float32", rtol=1e-4, atol=1e-4, show_expected=False)


@pytest.mark.clause("C11", probes="running statistics updated in place in the dict you were given",
                    topic="api contract")
def test_batchnorm_leaves_the_given_running_dict_alone(learner):
    x, _, gamma, beta, running, momentum = bn_inputs(0)
    given = {k: v.copy() for k, v in running.items()}
    _, new = learner.batchnorm_forward(x, gamma, beta, given, True, momentum, 1e-3)
    call = bn_call(0, True)
    assert isinstance(new, dict) and {"mean", "var"} <= set(new), \
        f"called {call}; expected (out, new_running) with new_running a dict with keys 'mean' and 'var'"
    for key in ("mean", "var"):
        assert_shape(new[key], running[key].shape, f"{call}, new running {key}")
        assert_equal(given[key], running[key], f"{call}, then the running {key} you were given",
                     why="return the new statistics in a new dict; do not update `running` in place (the grader "
                         "may pass you a copy, and an in-place update would be lost)", show_expected=False)


@pytest.mark.clause("C12", probes="batch-norm defaults other than Keras' momentum=0.99, eps=1e-3", topic="api contract")
def test_batchnorm_defaults(learner, reference):
    x, x_eval, gamma, beta, running, _ = bn_inputs(1)
    call = "batchnorm_forward(x of shape (3, 4, 5, 2), gamma, beta, running, training={}) with the defaults"
    for data, training in ((x, True), (x_eval, False)):
        out, new = learner.batchnorm_forward(data, gamma, beta, {k: v.copy() for k, v in running.items()}, training)
        e_out, e_new = reference.batchnorm_forward(data, gamma, beta, running, training, 0.99, 1e-3)
        assert_allclose(out, e_out, call.format(training), rtol=1e-7, atol=1e-9, show_expected=False,
                        why="the defaults are Keras': momentum=0.99, eps=1e-3")
        for key in ("mean", "var"):
            assert_allclose(new[key], e_new[key], call.format(training) + f", new running {key}", rtol=1e-7,
                            atol=1e-12, show_expected=False, why="the defaults are Keras': momentum=0.99, eps=1e-3")


@pytest.mark.clause("C1", probes="penalties returned as numpy arrays instead of Python floats", topic="api contract")
def test_penalties_are_python_floats(learner):
    ws = penalty_weights()
    for name in ("l1_penalty", "l2_penalty"):
        got = getattr(learner, name)(ws, 0.03)
        assert isinstance(got, float), (
            f"called {name}(3 arrays, lam=0.03); got a {type(got).__name__}, expected a Python float (float(...))")
