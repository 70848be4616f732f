"""Hidden tests for spectral_norm: power iteration against the reference, the judge's own iteration and
np.linalg.svd; the spectrally normalised dense layer against keras.layers.SpectralNormalization (frozen in
keras_golden.npz by make_keras_golden.py: `python hidden_tests/spectral_norm/make_keras_golden.py --check`
re-verifies it; TensorFlow's import alone would exceed the 5 s budget); its gradients against finite
differences (u and v held constant) and, at convergence, against the derivative of W / sigma_max(W) taken
through np.linalg.svd.

Nothing is trained or drawn at grading time: every case comes from a fixed generator, and the tolerances are
float rounding bounds (different correct routes agree to about 1e-15; finite differences to about 1e-9).
Wrong answers this suite is built to catch:
- iterations restarting each call: a fresh random u (seeded or not) or the initial u at every forward
- sigma from the Frobenius norm (or the exact SVD / np.linalg.norm(W, 2) instead of the power-iteration
  estimate after n_iter iterations)
- v or u not normalised; sigma from the stale u (|W u_old|) instead of the updated one
- n_iter ignored or off by one
- gradients divided by sigma instead of the weights (forward with the raw W)
- backward treating sigma as a constant (G / sigma), not dividing at all (G: Keras 3's effective gradient),
  or the v u^T correction with the wrong sign; dx from the raw W; gradients averaged over the batch
- the bias divided by sigma
- evaluation (training=False) updating the stored u
- the raw W overwritten by W / sigma (Keras' assignment)
- conv kernels reshaped PyTorch-style (w.shape[0], -1) instead of (-1, w.shape[-1])
- u=None not drawn as default_rng(seed).standard_normal(n) / norm (legacy np.random, not normalised)
- a given u normalised when stored (C6 keeps it as given); w and b kept by reference instead of copied
  (visible only in local mode: secure mode passes copies)
- W u = 0 giving nan instead of ValueError; n_iter < 1, a wrong u shape or a zero u accepted
- backward before forward or a grad_out of the wrong shape accepted
"""
import numbers
from pathlib import Path

import numpy as np
import pytest

from graders.asserts import (assert_allclose, assert_scalar_close, assert_shape, call_repr, centred_difference,
                             describe, expect_raises, rel_error)

RTOL, ATOL = 1e-9, 1e-12
HAND_W = np.array([[3.0, 0.0], [0.0, 1.0]])


@pytest.fixture(scope="module")
def keras_golden() -> dict:
    """Inputs and keras.layers.SpectralNormalization's outputs, frozen by make_keras_golden.py."""
    with np.load(Path(__file__).with_name("keras_golden.npz"), allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def judge_power_iteration(w, u, n_iter):
    """The contract's iteration, written out in the judge (independent of the reference)."""
    matrix = np.asarray(w, dtype=np.float64).reshape(-1, np.shape(w)[-1])
    u = np.asarray(u, dtype=np.float64)
    for _ in range(n_iter):
        v = matrix @ u
        v = v / np.sqrt(v @ v)
        u = matrix.T @ v
        u = u / np.sqrt(u @ u)
    return float(v @ matrix @ u), u, v


def gaussian(seed: int, shape: tuple) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape), rng.normal(size=shape[-1]) * rng.uniform(0.01, 5.0)


def separated(seed: int, m: int, n: int, top: float = 4.0, ratio: float = 0.5) -> np.ndarray:
    """An (m, n) matrix with singular values top, top * ratio, top * ratio**2, ... (a clear gap)."""
    rng = np.random.default_rng(seed)
    left, _ = np.linalg.qr(rng.normal(size=(m, m)))
    right, _ = np.linalg.qr(rng.normal(size=(n, n)))
    k = min(m, n)
    return left[:, :k] @ np.diag(top * ratio ** np.arange(k)) @ right[:, :k].T


def triple(got, call: str, m: int, n: int) -> tuple[float, np.ndarray, np.ndarray]:
    """(sigma, u, v) of the documented shapes, or an AssertionError that says what came back."""
    if not (isinstance(got, tuple) and len(got) == 3):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a tuple (sigma, u, v)")
    sigma = np.asarray(got[0]) if isinstance(got[0], (numbers.Real, np.ndarray)) else None
    if sigma is None or sigma.shape != () or sigma.dtype.kind not in "iuf":
        raise AssertionError(f"called {call}; sigma is {describe(got[0])}, expected a number")
    return float(sigma), assert_shape(got[1], (n,), call, "u"), assert_shape(got[2], (m,), call, "v")


def check_triple(got, expected, call: str, why: str = "") -> None:
    sigma, u, v = expected
    got_sigma, got_u, got_v = triple(got, call, len(v), len(u))
    assert_scalar_close(got_sigma, sigma, call + ", sigma", RTOL, ATOL, why=why, show_expected=False)
    assert_allclose(got_u, u, call + ", u", RTOL, ATOL, why=why, show_expected=False)
    assert_allclose(got_v, v, call + ", v", RTOL, ATOL, why=why, show_expected=False)


def unit(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


# ----------------------------------------------------------------------------- power iteration

PI_CASES = [  # (seed, shape of w, n_iter)
    (0, (6, 4), 1),
    (1, (4, 6), 1),
    (2, (10, 10), 2),
    (3, (15, 7), 3),
    (4, (3, 12), 7),
    (5, (1, 5), 1),
    (6, (5, 1), 2),
]


@pytest.mark.clause("C2", "C11", probes="the power-iteration step (normalised v, then u; sigma with the new u)",
                    topic="numerical stability")
@pytest.mark.points(3)
@pytest.mark.parametrize("case", PI_CASES, ids=lambda c: f"{c[1][0]}x{c[1][1]}-iter{c[2]}")
def test_power_iteration_matches_reference(learner, reference, case):
    seed, shape, n_iter = case
    w, u0 = gaussian(seed, shape)
    call = call_repr("power_iteration", w=w, u=u0, n_iter=n_iter)
    check_triple(learner.power_iteration(w, u0, n_iter=n_iter), reference.power_iteration(w, u0, n_iter=n_iter), call,
                 why="each iteration: v = W u / |W u|, u = W^T v / |W^T v|; sigma = v^T W u with the updated u")


@pytest.mark.clause("C2", probes="sigma from the Frobenius norm, or u and v not normalised", topic="numerical stability")
@pytest.mark.points(2)
def test_power_iteration_hand_case(learner):
    for n_iter, sigma, u, v in ((1, np.sqrt(8.2), unit(np.array([9.0, 1.0])), unit(np.array([3.0, 1.0]))),
                                (2, np.sqrt(6562 / 730), unit(np.array([81.0, 1.0])), unit(np.array([27.0, 1.0])))):
        call = call_repr("power_iteration", w=HAND_W, u=np.array([1.0, 1.0]), n_iter=n_iter)
        got = triple(learner.power_iteration(HAND_W, np.array([1.0, 1.0]), n_iter=n_iter), call, 2, 2)
        assert_allclose(got[2], v, call + ", v", RTOL, ATOL, why="v = W u / |W u|: [3, 1] / sqrt(10) after one step")
        assert_allclose(got[1], u, call + ", u", RTOL, ATOL, why="u = W^T v / |W^T v|: [9, 1] / sqrt(82) after one step")
        assert_scalar_close(got[0], sigma, call + ", sigma", RTOL, ATOL,
                            why="sigma = v^T W u; the Frobenius norm sqrt(10) is not the spectral norm (3)")


@pytest.mark.clause("C2", probes="u or v returned without normalising them", topic="numerical stability")
@pytest.mark.points(2)
@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3])
def test_returned_vectors_have_norm_one(learner, scale):
    w, u0 = gaussian(10, (9, 5))
    w = w * scale  # a vector that is not normalised grows or shrinks with the scale
    call = call_repr("power_iteration", w=w, u=u0, n_iter=4)
    _, u, v = triple(learner.power_iteration(w, u0, n_iter=4), call, 9, 5)
    assert_scalar_close(np.linalg.norm(u), 1.0, call + ", |u|", RTOL, why="u = W^T v / |W^T v| has norm 1")
    assert_scalar_close(np.linalg.norm(v), 1.0, call + ", |v|", RTOL, why="v = W u / |W u| has norm 1")


@pytest.mark.clause("C2", probes="n_iter ignored or off by one", topic="numerical stability")
@pytest.mark.points(2)
@pytest.mark.parametrize("n_iter", [2, 3, 5])
def test_n_iter_iterations_equal_chained_single_steps(learner, n_iter):
    w, u0 = gaussian(11, (8, 6))
    expected = judge_power_iteration(w, u0, n_iter)
    u = u0
    for _ in range(n_iter):
        sigma, u, v = learner.power_iteration(w, u, n_iter=1)
    call = call_repr("power_iteration", w=w, u=u0, n_iter=n_iter)
    check_triple((sigma, u, v), expected, f"{n_iter} chained calls of power_iteration(w, u, n_iter=1)",
                 why="each call does one iteration from the u it is given")
    check_triple(learner.power_iteration(w, u0, n_iter=n_iter), expected, call,
                 why=f"n_iter={n_iter} is exactly {n_iter} iterations, as many chained single steps")


@pytest.mark.clause("C2", probes="the exact largest singular value (SVD, norm(W, 2)) instead of the estimate",
                    topic="numerical stability")
@pytest.mark.points(2)
def test_estimate_is_not_the_exact_value(learner, keras_golden):
    w, u0 = keras_golden["dense1_w"], keras_golden["dense1_u0"]  # singular values 3.854 and 3.658: slow
    for n_iter in (1, 2, 3):
        call = call_repr("power_iteration", w=w, u=u0, n_iter=n_iter)
        got = triple(learner.power_iteration(w, u0, n_iter=n_iter), call, *w.shape)
        assert_scalar_close(got[0], judge_power_iteration(w, u0, n_iter)[0], call + ", sigma", RTOL, ATOL,
                            show_expected=False,
                            why=f"sigma is the power-iteration estimate after {n_iter} iteration(s), below the "
                                "largest singular value 3.8538 until the iteration converges")


@pytest.mark.clause("C3", probes="no convergence to np.linalg.svd's largest singular value and vectors",
                    topic="numerical stability")
@pytest.mark.points(2)
@pytest.mark.parametrize("shape", [(8, 5), (5, 8), (7, 7), (3, 3, 2, 4)], ids=str)
def test_converges_to_the_svd(learner, shape):
    matrix = separated(20 + len(shape), int(np.prod(shape[:-1])), shape[-1])
    w = matrix.reshape(shape)
    u0 = np.random.default_rng(21).normal(size=shape[-1])
    call = call_repr("power_iteration", w=w, u=u0, n_iter=300)
    sigma, u, v = triple(learner.power_iteration(w, u0, n_iter=300), call, matrix.shape[0], shape[-1])
    left, values, right_t = np.linalg.svd(matrix)
    assert_scalar_close(sigma, values[0], call + ", sigma", RTOL, why="sigma tends to the largest singular value")
    sign = np.sign(u @ right_t[0])
    assert_allclose(u, sign * right_t[0], call + ", u", 1e-8, 1e-9, show_expected=False,
                    why="u tends to the top right singular vector (np.linalg.svd's Vt[0], up to sign)")
    assert_allclose(v, sign * left[:, 0], call + ", v", 1e-8, 1e-9, show_expected=False,
                    why="v tends to the top left singular vector, with the sign that makes v^T W u > 0")


@pytest.mark.clause("C1", probes="conv kernels reshaped PyTorch-style instead of (-1, w.shape[-1])",
                    topic="shapes and broadcasting")
@pytest.mark.points(2)
@pytest.mark.parametrize("shape", [(3, 3, 2, 5), (5, 3, 4), (2, 2, 2, 2, 3)], ids=str)
def test_kernels_with_more_axes(learner, reference, shape):
    w, u0 = gaussian(30 + len(shape), shape)
    call = call_repr("power_iteration", w=w, u=u0, n_iter=2)
    check_triple(learner.power_iteration(w, u0, n_iter=2), reference.power_iteration(w, u0, n_iter=2), call,
                 why="the matrix is w.reshape(-1, w.shape[-1]): the output axis is last, as in Keras kernels")


@pytest.mark.clause("C1", "C5", probes="a Conv2D kernel normalised as keras.layers.SpectralNormalization does",
                    topic="shapes and broadcasting")
@pytest.mark.points(2)
def test_conv_kernel_matches_keras(learner, keras_golden):
    w, u0 = keras_golden["conv_w"], keras_golden["conv_u0"]
    call = call_repr("spectral_normalize", w=w, u=u0, n_iter=2)
    got = learner.spectral_normalize(w, u0, n_iter=2)
    if not (isinstance(got, tuple) and len(got) == 3):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a tuple (w / sigma, u, sigma)")
    assert_allclose(got[0], keras_golden["conv_w_sn"], call + ", w / sigma", RTOL, ATOL, show_expected=False,
                    why="differs from keras.layers.SpectralNormalization(Conv2D) with power_iterations=2")
    assert_allclose(got[1], keras_golden["conv_u"], call + ", u", RTOL, ATOL, show_expected=False,
                    why="differs from Keras' vector_u after the call")


@pytest.mark.clause("C4", probes="bad w, u or n_iter accepted, or W u = 0 giving nan", topic="input validation")
@pytest.mark.points(2)
@pytest.mark.parametrize("name", ["power_iteration", "spectral_normalize"])
def test_power_iteration_validates_its_input(learner, name):
    w, u0 = gaussian(40, (5, 3))
    cases = (
        (w[0], u0, 1, "w must have at least 2 axes"),
        (w, np.ones(4), 1, "u must have shape (3,), the length of w's last axis"),
        (w, u0[None, :], 1, "u must have shape (3,), not (1, 3)"),
        (w, np.zeros(3), 1, "u has norm 0"),
        (np.zeros((5, 3)), u0, 1, "W = 0: W u is the zero vector"),
        (np.array([[1.0, 0.0], [0.0, 0.0]]), np.array([0.0, 1.0]), 1, "u is in the null space of W: W u = 0"),
        (w, u0, 0, "n_iter must be at least 1"),
        (w, u0, -2, "n_iter must be at least 1"),
    )
    for ww, uu, n_iter, why in cases:
        with expect_raises(ValueError, call_repr(name, w=ww, u=uu, n_iter=n_iter), why):
            getattr(learner, name)(ww, uu, n_iter=n_iter)


@pytest.mark.clause("C4", probes="w, u, x or grad_out modified in place", topic="api contract")
def test_inputs_not_modified(learner):
    w, u0 = gaussian(41, (6, 4))
    b, x, g = np.ones(4), np.ones((3, 6)), np.ones((3, 4))
    copies = [a.copy() for a in (w, u0, b, x, g)]
    learner.power_iteration(w, u0, n_iter=3)
    learner.spectral_normalize(w, u0, n_iter=3)
    layer = learner.SpectralDense(w, b, u=u0, n_iter=2)
    layer.forward(x)
    layer.backward(g)
    for name, array, copy in zip(("w", "u", "b", "x", "grad_out"), (w, u0, b, x, g), copies):
        assert_allclose(array, copy, f"the caller's {name} after power_iteration, spectral_normalize, "
                        "SpectralDense(w, b, u=u), forward(x) and backward(grad_out)", rtol=0,
                        why="do not normalise or update the caller's arrays in place")


# ----------------------------------------------------------------------------- spectral_normalize


@pytest.mark.clause("C5", probes="w divided by the Frobenius norm or another norm", topic="numerical stability")
@pytest.mark.points(2)
@pytest.mark.parametrize("case", [(50, (6, 4), 1), (51, (4, 9), 3), (52, (3, 3, 2, 4), 2)], ids=str)
def test_spectral_normalize_matches_reference(learner, reference, case):
    seed, shape, n_iter = case
    w, u0 = gaussian(seed, shape)
    call = call_repr("spectral_normalize", w=w, u=u0, n_iter=n_iter)
    got = learner.spectral_normalize(w, u0, n_iter=n_iter)
    if not (isinstance(got, tuple) and len(got) == 3):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a tuple (w / sigma, u, sigma)")
    w_sn, u, sigma = reference.spectral_normalize(w, u0, n_iter=n_iter)
    assert_scalar_close(got[2], sigma, call + ", sigma", RTOL, ATOL, show_expected=False,
                        why="sigma from power_iteration(w, u, n_iter), not the Frobenius norm")
    assert_allclose(got[0], w_sn, call + ", w / sigma", RTOL, ATOL, show_expected=False,
                    why="w / sigma, with w's shape")
    assert_allclose(got[1], u, call + ", u", RTOL, ATOL, show_expected=False)


@pytest.mark.clause("C5", "C3", probes="normalised weights whose spectral norm is not 1 after convergence",
                    topic="numerical stability")
def test_normalised_weights_have_spectral_norm_one(learner):
    w = separated(53, 9, 6, top=7.5)
    u0 = np.random.default_rng(54).normal(size=6)
    call = call_repr("spectral_normalize", w=w, u=u0, n_iter=300)
    w_sn = assert_shape(learner.spectral_normalize(w, u0, n_iter=300)[0], w.shape, call, "w / sigma")
    assert_scalar_close(np.linalg.svd(w_sn, compute_uv=False)[0], 1.0, call + ", largest singular value of w / sigma",
                        RTOL, why="after convergence the normalised weights have spectral norm 1")


@pytest.mark.clause("C11", "C2", "C5", probes="lists or integer arrays not converted to float64",
                    topic="api contract")
def test_lists_and_integers_are_accepted(learner):
    call = call_repr("power_iteration", w=[[3, 0], [0, 1]], u=[1, 1])
    sigma, u, v = triple(learner.power_iteration([[3, 0], [0, 1]], [1, 1]), call, 2, 2)
    assert_scalar_close(sigma, np.sqrt(8.2), call + ", sigma", RTOL)
    for name, array in (("u", u), ("v", v)):
        assert array.dtype == np.float64, f"called {call}; {name} has dtype {array.dtype}, expected float64"
    call = call_repr("spectral_normalize", w=[[3, 0], [0, 1]], u=[1, 1])
    w_sn = assert_allclose(learner.spectral_normalize([[3, 0], [0, 1]], [1, 1])[0], HAND_W / np.sqrt(8.2), call, RTOL)
    assert w_sn.dtype == np.float64, f"called {call}; w / sigma has dtype {w_sn.dtype}, expected float64"


# ----------------------------------------------------------------------------- the layer


def layer_case(seed: int, m: int, n: int, batch: int = 5):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, n)), rng.normal(size=n), rng.normal(size=n), rng.normal(size=(batch, m))


@pytest.mark.clause("C6", probes="u=None not drawn as default_rng(seed).standard_normal(n), normalised",
                    topic="randomness and reproducibility")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed", [0, 7, 123])
def test_initial_u(learner, seed):
    w, b, _, _ = layer_case(60, 5, 4)
    layer = learner.SpectralDense(w, b, seed=seed)
    call = call_repr("SpectralDense", w=w, b=b, seed=seed)
    r = np.random.default_rng(seed).standard_normal(4)
    assert_allclose(layer.u, r / np.linalg.norm(r), call + ".u", RTOL, ATOL,
                    why="u = r / |r| with r = np.random.default_rng(seed).standard_normal(n)")
    assert layer.sigma is None, f"called {call}; .sigma is {describe(layer.sigma)}, expected None before any forward"
    assert layer.n_iter == 1, f"called {call}; .n_iter is {describe(layer.n_iter)}, expected the default 1"
    assert_allclose(layer.w, w, call + ".w", rtol=0)
    assert_allclose(layer.b, b, call + ".b", rtol=0)


@pytest.mark.clause("C6", probes="a given u normalised when stored, or w, b, u kept by reference instead of copied",
                    topic="api contract")
def test_layer_stores_copies_of_its_arguments(learner):
    w, b, u0, x = layer_case(62, 5, 4)
    originals = w.copy(), b.copy(), u0.copy()
    layer = learner.SpectralDense(w, b, u=u0)
    call = call_repr("SpectralDense", w=w, b=b, u=u0)
    assert_allclose(layer.u, originals[2], call + ".u before any forward", RTOL, ATOL,
                    why=f"a given u is stored as a copy, as given (its norm here is {np.linalg.norm(u0):.4g}); "
                        "the first forward call normalises it")
    for array in (w, b, u0):  # the caller reuses its arrays (visible in local mode only: secure mode passes copies)
        array *= -3.0
    w, b, u0 = originals
    sigma = judge_power_iteration(w, u0, 1)[0]
    call += " whose caller then scaled its w, b and u in place, forward(x)"
    assert_allclose(layer.forward(x), x @ (w / sigma) + b, call, RTOL, ATOL, show_expected=False,
                    why="w, b and u are copies of the arguments: the caller's later changes must not reach the layer")
    assert_allclose(layer.w, w, call + ", layer.w", rtol=0, why="layer.w is a copy of the raw w")


@pytest.mark.clause("C6", probes="bad w, b, u or n_iter accepted by SpectralDense", topic="input validation")
def test_layer_validates_its_parameters(learner):
    w, b, u, _ = layer_case(61, 5, 4)
    cases = (((w[0], b), {}, "w must be 2-D (in features, units)"),
             ((w[None], b), {}, "w must be 2-D (in features, units)"),
             ((w, np.ones(5)), {}, "b must have shape (4,)"),
             ((w, b[None, :]), {}, "b must have shape (4,)"),
             ((w, b), {"u": np.ones(5)}, "u must have shape (4,)"),
             ((w, b), {"u": np.zeros(4)}, "u has norm 0"),
             ((w, b), {"u": u, "n_iter": 0}, "n_iter must be at least 1"))
    for args, kwargs, why in cases:
        with expect_raises(ValueError, call_repr("SpectralDense", **dict(zip(("w", "b"), args)), **kwargs), why):
            learner.SpectralDense(*args, **kwargs)


def run_calls(layer, x, modes):
    return [(layer.forward(x, training=mode), np.array(layer.u, dtype=float), layer.sigma) for mode in modes]


@pytest.mark.clause("C7", probes="iterations restarting from random (or from the initial u) at every call",
                    topic="numerical stability")
@pytest.mark.points(3)
@pytest.mark.parametrize("case", [(70, 6, 4, 1, None), (71, 4, 7, 1, "u"), (72, 9, 5, 3, "u"), (73, 5, 5, 2, None)],
                         ids=lambda c: f"{c[1]}x{c[2]}-iter{c[3]}-{'given u' if c[4] else 'u=None'}")
def test_training_calls_match_reference(learner, reference, case):
    seed, m, n, n_iter, given = case
    w, b, u0, x = layer_case(seed, m, n)
    kwargs = {"u": u0} if given else {"seed": seed}
    mine, ref = learner.SpectralDense(w, b, n_iter=n_iter, **kwargs), reference.SpectralDense(w, b, n_iter=n_iter, **kwargs)
    for call_no, ((y, u, sigma), (e_y, e_u, e_sigma)) in enumerate(zip(run_calls(mine, x, [True] * 6),
                                                                       run_calls(ref, x, [True] * 6)), start=1):
        call = call_repr("SpectralDense", w=w, b=b, n_iter=n_iter, **kwargs) + f", training forward call {call_no}"
        why = "each training call continues the iteration from the u the previous call stored"
        assert_allclose(y, e_y, call + ", output", RTOL, ATOL, why=why, show_expected=False)
        assert_allclose(u, e_u, call + ", layer.u", RTOL, ATOL, why=why, show_expected=False)
        assert_scalar_close(sigma, e_sigma, call + ", layer.sigma", RTOL, ATOL, why=why, show_expected=False)


@pytest.mark.clause("C7", "C8", probes="sigma that never converges over training calls (u not persistent)",
                    topic="numerical stability")
@pytest.mark.points(2)
def test_persistent_u_converges_over_calls(learner):
    w = separated(74, 8, 5, top=3.0)
    b, x = np.zeros(5), np.random.default_rng(75).normal(size=(4, 8))
    layer = learner.SpectralDense(w, b, seed=3)
    for _ in range(60):
        y = layer.forward(x)
    call = call_repr("SpectralDense", w=w, b=b, seed=3) + " after 60 forward(x) calls"
    assert_scalar_close(layer.sigma, 3.0, call + ", layer.sigma", RTOL,
                        why="one iteration per call from the stored u converges to the largest singular value 3; "
                            "a u restarted at every call stays at a one-iteration estimate")
    assert_allclose(y, x @ (w / 3.0), call + ", output", RTOL, 1e-12, show_expected=False)


@pytest.mark.clause("C7", probes="output not x @ (w / sigma) + b with the layer's own power-iteration sigma",
                    topic="numerical stability")
@pytest.mark.points(2)
def test_forward_formula(learner):
    w, b, u0, x = layer_case(76, 7, 3)
    layer = learner.SpectralDense(w, b, u=u0, n_iter=2)
    sigma, u, _ = judge_power_iteration(w, u0, 2)
    call = call_repr("SpectralDense", w=w, b=b, u=u0, n_iter=2) + ".forward(x)"
    y = assert_allclose(layer.forward(x), x @ (w / sigma) + b, call, RTOL, ATOL, show_expected=False,
                        why="y = x @ (w / sigma) + b: the weights are divided (not the gradients, not the bias)")
    assert y.dtype == np.float64, f"called {call}; got dtype {y.dtype}, expected float64"
    assert_allclose(layer.u, u, call + ", layer.u", RTOL, ATOL, show_expected=False,
                    why="forward's default is training=True: it stores the new u")
    assert_scalar_close(layer.sigma, sigma, call + ", layer.sigma", RTOL, ATOL, show_expected=False)


@pytest.mark.clause("C7", probes="evaluation (training=False) updating the stored u", topic="api contract")
@pytest.mark.points(2)
def test_evaluation_leaves_u_alone(learner):
    w, b, u0, x = layer_case(77, 6, 5)
    layer = learner.SpectralDense(w, b, u=u0)
    layer.forward(x)
    layer.forward(x)
    u_stored = judge_power_iteration(w, u0, 2)[1]
    sigma_eval = judge_power_iteration(w, u_stored, 1)[0]
    name = call_repr("SpectralDense", w=w, b=b, u=u0) + ", two forward(x) calls, then forward(x, training=False)"
    for repeat in (1, 2):
        call = name + (" twice" if repeat == 2 else "")
        assert_allclose(layer.forward(x, training=False), x @ (w / sigma_eval) + b, call, RTOL, ATOL,
                        show_expected=False, why="evaluation iterates from the stored u but does not store the result, "
                                                 "so repeated evaluations agree")
        assert_allclose(layer.u, u_stored, call + ", layer.u", RTOL, ATOL, show_expected=False,
                        why="training=False must leave the stored u unchanged")
        assert_scalar_close(layer.sigma, sigma_eval, call + ", layer.sigma", RTOL, ATOL, show_expected=False,
                            why="sigma is this call's estimate in both modes")
    sigma3 = judge_power_iteration(w, u0, 3)[0]
    assert_allclose(layer.forward(x), x @ (w / sigma3) + b, name + ", then forward(x)", RTOL, ATOL,
                    show_expected=False, why="training resumes from the u stored by the last training call")


@pytest.mark.clause("C6", probes="the raw weights overwritten by w / sigma (Keras' assignment)", topic="api contract")
def test_raw_weights_are_kept(learner):
    w, b, u0, x = layer_case(78, 5, 4)
    layer = learner.SpectralDense(w, b, u=u0)
    for _ in range(3):
        layer.forward(x)
    call = call_repr("SpectralDense", w=w, b=b, u=u0) + " after three forward(x) calls"
    assert_allclose(layer.w, w, call + ", layer.w", rtol=0, why="w stays the raw parameter; normalise in the forward")
    assert_allclose(layer.b, b, call + ", layer.b", rtol=0)


@pytest.mark.clause("C8", probes="outputs or u differing from keras.layers.SpectralNormalization call after call",
                    topic="numerical stability")
@pytest.mark.points(3)
@pytest.mark.parametrize("name", ["dense1", "dense3"])
def test_matches_keras_spectral_normalization(learner, keras_golden, name):
    w, b, u0, x = (keras_golden[f"{name}_{key}"] for key in ("w", "b", "u0", "x"))
    n_iter = int(keras_golden[f"{name}_n_iter"])
    layer = learner.SpectralDense(w, b, u=u0, n_iter=n_iter)
    for call_no, (e_y, e_u) in enumerate(zip(keras_golden[f"{name}_y"], keras_golden[f"{name}_u"]), start=1):
        call = call_repr("SpectralDense", w=w, b=b, u=u0, n_iter=n_iter) + f", training forward call {call_no}"
        why = f"differs from SpectralNormalization(Dense({w.shape[1]}), power_iterations={n_iter}) at call {call_no}"
        assert_allclose(layer.forward(x, training=True), e_y, call + ", output", RTOL, ATOL, why=why,
                        show_expected=False)
        assert_allclose(layer.u, e_u, call + ", layer.u (Keras' vector_u)", RTOL, ATOL, why=why, show_expected=False)


@pytest.mark.clause("C8", probes="a layer that is not 1-Lipschitz after convergence", topic="numerical stability")
def test_layer_is_one_lipschitz_after_convergence(learner):
    w = separated(79, 6, 6, top=12.0, ratio=0.4)
    rng = np.random.default_rng(80)
    b = rng.normal(size=6)
    layer = learner.SpectralDense(w, b, seed=1)
    x = rng.normal(size=(8, 6))
    for _ in range(40):
        layer.forward(x)
    a, c = rng.normal(size=(1, 6)), rng.normal(size=(1, 6))
    a_top = np.linalg.svd(w)[0][:, 0][None, :] * 2.0  # along the top left singular vector: the slope is exactly 1
    call = call_repr("SpectralDense", w=w, b=b, seed=1) + " after 40 training calls, forward(x, training=False)"
    gap = layer.forward(a_top + c, training=False) - layer.forward(c, training=False)
    assert_scalar_close(np.linalg.norm(gap), 2.0, call + ": |f(c + d) - f(c)| along the top singular direction, |d| = 2",
                        RTOL, why="w / sigma has spectral norm 1: distances along its top direction are kept")
    gap = layer.forward(a + c, training=False) - layer.forward(c, training=False)
    assert np.linalg.norm(gap) <= np.linalg.norm(a) * (1 + 1e-9), \
        f"called {call}; |f(c + d) - f(c)| = {np.linalg.norm(gap):.6g} > |d| = {np.linalg.norm(a):.6g}: not 1-Lipschitz"


@pytest.mark.clause("C7", probes="x of the wrong shape accepted by forward", topic="input validation")
def test_forward_validates_x(learner):
    w, b, u0, x = layer_case(81, 5, 3)
    layer = learner.SpectralDense(w, b, u=u0)
    for bad, why in ((x[0], "x must be 2-D (batch, 5)"), (np.ones((4, 6)), "x must have 5 columns")):
        with expect_raises(ValueError, call_repr("SpectralDense(...).forward", x=bad), why):
            layer.forward(bad)


# ----------------------------------------------------------------------------- backward


@pytest.mark.clause("C9", probes="gradients differing from the reference (sigma constant, wrong sign, batch mean)",
                    topic="gradients and backpropagation")
@pytest.mark.points(3)
@pytest.mark.parametrize("case", [(90, 6, 4, 1, (True,)), (91, 4, 7, 2, (True, True, True)),
                                  (92, 8, 3, 1, (True, True, False)), (93, 5, 5, 3, (False,))],
                         ids=lambda c: f"{c[1]}x{c[2]}-iter{c[3]}-{''.join('te'[not t] for t in c[4])}")
def test_backward_matches_reference(learner, reference, case):
    seed, m, n, n_iter, modes = case
    w, b, u0, x = layer_case(seed, m, n)
    grad_out = np.random.default_rng(seed + 100).normal(size=(len(x), n))
    mine, ref = learner.SpectralDense(w, b, u=u0, n_iter=n_iter), reference.SpectralDense(w, b, u=u0, n_iter=n_iter)
    for training in modes:
        mine.forward(x, training=training)
        ref.forward(x, training=training)
    call = (call_repr("SpectralDense", w=w, b=b, u=u0, n_iter=n_iter) + f", forward calls with training={list(modes)}, "
            + call_repr("backward", grad_out=grad_out))
    got = mine.backward(grad_out)
    if not (isinstance(got, tuple) and len(got) == 3):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a tuple (dx, dw, db)")
    for label, value, expected in zip(("dx", "dw", "db"), got, ref.backward(grad_out)):
        assert_allclose(value, expected, f"{call}, {label}", RTOL, ATOL, show_expected=False,
                        why="gradients of sum(grad_out * y) for the last forward call, with respect to x, the raw w and b")


@pytest.mark.clause("C9", probes="dw missing the v u^T term (sigma treated as a constant) against finite differences",
                    topic="gradients and backpropagation")
@pytest.mark.points(3)
@pytest.mark.parametrize("case", [(94, 5, 3, 1), (95, 3, 6, 2), (96, 6, 6, 4)], ids=lambda c: f"{c[1]}x{c[2]}-iter{c[3]}")
def test_backward_finite_differences(learner, case):
    seed, m, n, n_iter = case
    w, b, u0, x = layer_case(seed, m, n, batch=4)
    grad_out = np.random.default_rng(seed + 100).normal(size=(4, n))
    layer = learner.SpectralDense(w, b, u=u0, n_iter=n_iter)
    layer.forward(x)
    sigma, u, v = judge_power_iteration(w, u0, n_iter)  # the vectors this forward used, held constant
    call = call_repr("SpectralDense", w=w, b=b, u=u0, n_iter=n_iter) + ", forward(x), " + call_repr("backward", grad_out=grad_out)
    got = layer.backward(grad_out)
    if not (isinstance(got, tuple) and len(got) == 3):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a tuple (dx, dw, db)")
    dx, dw, db = (assert_shape(g, shape, call, label) for g, shape, label in
                  zip(got, ((4, m), (m, n), (n,)), ("dx", "dw", "db")))
    numeric = centred_difference(lambda wp: np.sum(grad_out * (x @ (wp / (v @ wp @ u)) + b)), w)
    error = rel_error(dw, numeric)
    assert error < 1e-6, (f"called {call}; dw differs from finite differences of sum(grad_out * (x @ (w / sigma(w)) + b)), "
                          f"sigma(w) = v^T w u with u, v held constant (relative error {error:.2g}) - the gradient "
                          "flows through sigma: dw = (G - sum(G * W_sn) * outer(v, u)) / sigma")
    numeric_x = centred_difference(lambda xp: np.sum(grad_out * (xp @ (w / sigma) + b)), x)
    assert rel_error(dx, numeric_x) < 1e-6, (f"called {call}; dx differs from finite differences "
                                             f"(relative error {rel_error(dx, numeric_x):.2g}) - dx = grad_out @ (w / sigma).T")
    assert_allclose(db, grad_out.sum(axis=0), call + ", db", RTOL, ATOL, why="db sums grad_out over the batch")


@pytest.mark.clause("C9", "C3", probes="dw at convergence unlike the derivative of w / sigma_max(w) (np.linalg.svd)",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
def test_backward_at_convergence_matches_svd_derivative(learner):
    w = separated(97, 5, 4, top=2.0)
    rng = np.random.default_rng(98)
    b, x, grad_out = rng.normal(size=4), rng.normal(size=(3, 5)), rng.normal(size=(3, 4))
    u0 = np.linalg.svd(w)[2][0]  # already the top right singular vector: the iteration has converged
    layer = learner.SpectralDense(w, b, u=u0)
    layer.forward(x)
    call = call_repr("SpectralDense", w=w, b=b, u=u0) + ", forward(x), " + call_repr("backward", grad_out=grad_out)
    got = layer.backward(grad_out)
    if not (isinstance(got, tuple) and len(got) == 3):
        raise AssertionError(f"called {call}; got {describe(got)}, expected a tuple (dx, dw, db)")
    dw = assert_shape(got[1], w.shape, call, "dw")
    numeric = centred_difference(lambda wp: np.sum(grad_out * (x @ (wp / np.linalg.svd(wp, compute_uv=False)[0]) + b)), w)
    error = rel_error(dw, numeric)
    assert error < 1e-6, (f"called {call}; dw differs from finite differences of sum(grad_out * (x @ (w / sigma_max(w)) "
                          f"+ b)) with sigma_max from np.linalg.svd (relative error {error:.2g}) - at convergence the "
                          "gradient through sigma = v^T W u is the true derivative of the largest singular value")


@pytest.mark.clause("C10", probes="backward before forward, or a grad_out of the wrong shape, accepted",
                    topic="input validation")
def test_backward_validates(learner):
    w, b, u0, x = layer_case(99, 5, 3, batch=4)
    layer = learner.SpectralDense(w, b, u=u0)
    with expect_raises(RuntimeError, "SpectralDense(...).backward(grad_out) before any forward",
                       "there is no forward call to differentiate"):
        layer.backward(np.ones((4, 3)))
    layer.forward(x)
    for bad in (np.ones((4, 4)), np.ones((5, 3)), np.ones(3)):
        with expect_raises(ValueError, "SpectralDense(...).forward(x of shape (4, 5)), then " + call_repr("backward", grad_out=bad),
                           "grad_out must have the output's shape (4, 3)"):
            layer.backward(bad)
