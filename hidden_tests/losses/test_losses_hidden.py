"""Hidden tests for losses.

Wrong answers this suite is built to catch (one line each):
- binary_cross_entropy without clipping: log(0) gives inf (or nan from 0 * log 0) at p in {0, 1}.
- binary_cross_entropy clipping in float32: 1 - 1e-12 rounds to 1.0 and log(1 - p) is -inf again.
- binary_cross_entropy ignoring `eps` (hard-coded constant): differs from Keras at p in {0, 1} with eps=1e-7.
- binary_cross_entropy_with_logits as log(sigmoid(z)): inf at z = -1e3 (or clipped to 27.6 instead of 1e3).
- binary_cross_entropy_with_logits as log(1 + exp(-z)) / log1p(exp(z)): exp overflows at |z| = 1e3.
- any gradient missing the 1/N mean factor (a sum's gradient), or dividing by the wrong N (rows vs elements).
- mse_grad without the factor 2; binary_cross_entropy_grad with the sign flipped.
- binary_cross_entropy_grad infinite at p in {0, 1} (gradient not evaluated at the clipped p).
- binary_cross_entropy_with_logits_grad as sigmoid(z) - y without 1/N, or with an overflowing sigmoid.
- categorical_cross_entropy summed over rows instead of averaged, or averaged over every element (/ N*C).
- categorical_cross_entropy without clipping: inf when the true class has probability 0.
- hinge on the wrong side of the margin (max(0, y*s - 1)), or its gradient not 0 where the margin is met.
- shapes (N,) and (N, 1) silently broadcast to (N, N) instead of raising ValueError (in any function, gradients too).
- float32 inputs computed in float32 (~7 digits), or a loss returned as something other than a Python float.
- a cross-entropy that branches on y == 1 or picks the true class only: wrong for soft labels.
- binary_cross_entropy_grad clipping with a hard-coded eps instead of the one given.
The trusted values come from the reference solution (random inputs, several shapes, float32 and float64),
from centred differences, and from keras.losses / tf.GradientTape frozen in keras_golden.npz by
make_keras_golden.py (TensorFlow's import alone would take most of the 5 s budget).
Nothing is trained or drawn at grading time: tolerances are float rounding bounds (float64 results of
float32 inputs agree to ~1e-15, a float32 computation misses rtol 1e-11 by four orders), not sweep figures.
Each test names the statement's ## Contract clauses it enforces.
"""
from pathlib import Path

import numpy as np
import pytest

from graders.asserts import (assert_allclose, assert_finite, assert_scalar_close, assert_shape, call_repr,
                             centred_difference, expect_raises)

SHAPES = [(6,), (4, 3), (2, 3, 5)]
LOSSES = ["mse", "binary_cross_entropy", "binary_cross_entropy_with_logits", "categorical_cross_entropy", "hinge"]
MEAN_WHY = "the loss is a mean over samples, so its gradient carries a 1/N factor"


def make_inputs(name, shape, seed):
    """(y, prediction) for one loss, away from clipping limits and kinks."""
    rng = np.random.default_rng(seed)
    if name == "mse":
        return rng.normal(size=shape), rng.normal(size=shape)
    if name == "binary_cross_entropy":
        y = rng.integers(0, 2, size=shape).astype(float)
        y.flat[0] = 0.3  # a soft label
        return y, rng.uniform(0.02, 0.98, size=shape)
    if name == "binary_cross_entropy_with_logits":
        return rng.integers(0, 2, size=shape).astype(float), rng.normal(scale=4.0, size=shape)
    if name == "categorical_cross_entropy":
        logits = rng.normal(scale=2.0, size=shape)
        p = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
        y = np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])]
        return y, p
    if name == "hinge":
        s = rng.normal(scale=1.5, size=shape)
        s[np.abs(np.abs(s) - 1.0) < 1e-3] = 0.3  # away from the kink
        return 2.0 * rng.integers(0, 2, size=shape) - 1.0, s
    raise KeyError(name)


# ------------------------------------------------------------------ vs reference

@pytest.mark.clause("C1", "C2", "C3", "C4", "C5", "C7", probes="each loss on random inputs of several shapes: the mean over samples",
                    topic="shapes and broadcasting")
@pytest.mark.parametrize("name", LOSSES)
def test_loss_matches_reference(learner, reference, name):
    for i, shape in enumerate(SHAPES):
        y, p = make_inputs(name, shape, seed=10 + i)
        for dtype in (np.float64, np.float32):
            yd, pd = y.astype(dtype), p.astype(dtype)
            got = getattr(learner, name)(yd.copy(), pd.copy())
            assert_scalar_close(got, getattr(reference, name)(yd, pd), call_repr(name, yd, pd),
                                rtol=1e-9 if dtype == np.float64 else 1e-5, show_expected=False,
                                why="the loss is the mean over samples")


@pytest.mark.clause("C1", "C2", "C3", "C4", "C5", "C7", probes="each gradient on random inputs: shape, sign and the 1/N factor",
                    topic="gradients and backpropagation")
@pytest.mark.parametrize("name", LOSSES)
def test_grad_matches_reference(learner, reference, name):
    for i, shape in enumerate(SHAPES):
        y, p = make_inputs(name, shape, seed=20 + i)
        for dtype in (np.float64, np.float32):
            yd, pd = y.astype(dtype), p.astype(dtype)
            got = getattr(learner, name + "_grad")(yd.copy(), pd.copy())
            assert_allclose(got, getattr(reference, name + "_grad")(yd, pd), call_repr(name + "_grad", yd, pd),
                            rtol=1e-9 if dtype == np.float64 else 1e-5, atol=1e-12, why=MEAN_WHY,
                            show_expected=False)


@pytest.mark.clause("C1", "C2", "C3", "C4", "C5", "C7", probes="a gradient that is not the derivative of its loss (sum vs mean, missing factor)",
                    topic="gradients and backpropagation")
@pytest.mark.parametrize("name", LOSSES)
@pytest.mark.points(2)
def test_grad_matches_centred_difference(learner, reference, name):
    for shape in [(5,), (3, 4)]:
        y, p = make_inputs(name, shape, seed=30)
        numeric = centred_difference(lambda v: getattr(reference, name)(y, v), p)
        got = getattr(learner, name + "_grad")(y.copy(), p.copy())
        assert_allclose(got, numeric, call_repr(name + "_grad", y, p) + " compared with a centred difference",
                        rtol=1e-5, atol=1e-8, why=MEAN_WHY, show_expected=False)


# ------------------------------------------------------------------ extreme values

@pytest.mark.clause("C2", "C9", probes="binary cross-entropy at p in {0, 1}: no clip, eps ignored, or a clip done in float32",
                    topic="numerical stability")
@pytest.mark.points(2)
def test_bce_finite_at_zero_and_one(learner, reference):
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0])
    p = np.array([1.0, 0.0, 0.0, 1.0, 0.5, 0.25])
    why = "log(0) is -inf: clip p into [eps, 1 - eps] before taking logs"
    for dtype in (np.float64, np.float32):
        yd, pd = y.astype(dtype), p.astype(dtype)
        for kwargs in ({}, {"eps": 1e-7}):
            call = call_repr("binary_cross_entropy", yd, pd, **kwargs) + " with p in {0, 1}"
            got = learner.binary_cross_entropy(yd.copy(), pd.copy(), **kwargs)
            assert_finite(got, call, why + (" (in float32, 1 - 1e-12 rounds to 1: compute in float64)"
                                            if dtype == np.float32 else ""))
            assert_scalar_close(got, reference.binary_cross_entropy(yd, pd, **kwargs), call, rtol=1e-9,
                                why="clip with the given eps", show_expected=False)
            call = call_repr("binary_cross_entropy_grad", yd, pd, **kwargs) + " with p in {0, 1}"
            grad = assert_shape(learner.binary_cross_entropy_grad(yd.copy(), pd.copy(), **kwargs), p.shape, call)
            assert_finite(grad, call, "evaluate the gradient at the clipped p")
            ok = (p > 0) & (p < 1)
            assert_allclose(grad[ok], reference.binary_cross_entropy_grad(yd, pd, **kwargs)[ok], call,
                            rtol=1e-9, show_expected=False)


@pytest.mark.clause("C3", probes="the logits loss overflowing or clipped for |z| up to 1e3",
                    topic="numerical stability")
@pytest.mark.points(2)
def test_bce_with_logits_stable_at_1e3(learner, reference):
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    z = np.array([1000.0, -1000.0, 1000.0, -1000.0, 0.0, 40.0, -40.0, 800.0])
    why = ("exp(1000) overflows: rewrite log(1 + exp(z)) so that exp only sees -|z|; "
           "and do not clip: the loss at z = 1000, y = 0 is 1000")
    for dtype in (np.float64, np.float32):
        yd, zd = y.astype(dtype), z.astype(dtype)
        call = call_repr("binary_cross_entropy_with_logits", yd, zd) + " with |z| up to 1e3"
        got = learner.binary_cross_entropy_with_logits(yd.copy(), zd.copy())
        assert_finite(got, call, why)
        assert_scalar_close(got, reference.binary_cross_entropy_with_logits(yd, zd), call, rtol=1e-9, why=why,
                            show_expected=False)
        call = call_repr("binary_cross_entropy_with_logits_grad", yd, zd) + " with |z| up to 1e3"
        grad = assert_finite(learner.binary_cross_entropy_with_logits_grad(yd.copy(), zd.copy()), call,
                             "the gradient is (sigmoid(z) - y) / N with a sigmoid that cannot overflow")
        assert_allclose(grad, reference.binary_cross_entropy_with_logits_grad(yd, zd), call, rtol=1e-9,
                        atol=1e-15, why=MEAN_WHY, show_expected=False)


@pytest.mark.clause("C4", probes="categorical cross-entropy: log(0) at a zero probability, or the mean over the wrong N",
                    topic="numerical stability")
def test_cce_clips_and_averages_rows(learner, reference):
    y = np.eye(3)[[0, 1, 2, 0, 1]]
    p = np.array([[0.0, 0.5, 0.5], [0.2, 0.8, 0.0], [0.1, 0.1, 0.8], [1.0, 0.0, 0.0], [0.3, 0.3, 0.4]])
    call = call_repr("categorical_cross_entropy", y, p) + " with the true class at probability 0 in row 0"
    got = assert_finite(learner.categorical_cross_entropy(y.copy(), p.copy()), call,
                        "log(0) is -inf: clip the probabilities before taking logs")
    assert_scalar_close(got, reference.categorical_cross_entropy(y, p), call, rtol=1e-9,
                        why="sum over classes, mean over the rows", show_expected=False)
    call = call_repr("categorical_cross_entropy_grad", y, p)
    grad = assert_shape(learner.categorical_cross_entropy_grad(y.copy(), p.copy()), p.shape, call)
    assert_finite(grad, call, "evaluate the gradient at the clipped p")
    ok = p > 0
    assert_allclose(grad[ok], reference.categorical_cross_entropy_grad(y, p)[ok], call, rtol=1e-9,
                    why="divide by the number of rows, not by the number of elements", show_expected=False)


@pytest.mark.clause("C5", probes="hinge on the wrong side of the margin, or a gradient at the kink",
                    topic="gradients and backpropagation")
def test_hinge_margin_and_kink(learner):
    y = np.array([1.0, -1.0, 1.0, -1.0, 1.0])
    s = np.array([2.0, -3.0, 0.5, 0.5, 1.0])  # margins: met, met, 0.5 short, 1.5 short, exactly met
    call = call_repr("hinge", y, s)
    assert_scalar_close(learner.hinge(y.copy(), s.copy()), (0.5 + 1.5) / 5, call,
                        why="hinge is max(0, 1 - y*s): only samples inside the margin count")
    assert_allclose(learner.hinge_grad(y.copy(), s.copy()), [0.0, 0.0, -0.2, 0.2, 0.0],
                    call_repr("hinge_grad", y, s),
                    why="the gradient is -y/N inside the margin and 0 where y*s >= 1 (the kink included)")


@pytest.mark.clause("C6", probes="y of shape (N,) and predictions of shape (N, 1) accepted (they broadcast to (N, N))",
                    topic="input validation")
def test_shape_mismatch_raises(learner):
    y = np.array([1.0, 0.0, 1.0, 0.0])
    p = np.array([[0.9], [0.2], [0.6], [0.4]])
    for name in ("mse", "binary_cross_entropy"):
        with expect_raises(ValueError, call_repr(name, y, p),
                           "y and the prediction must have the same shape: (4,) and (4, 1) would broadcast to (4, 4)"):
            getattr(learner, name)(y, p)


# ------------------------------------------------------------------ vs Keras

@pytest.fixture(scope="module")
def keras_values():
    """keras.losses values and gradients of their batch mean, frozen by make_keras_golden.py."""
    with np.load(Path(__file__).with_name("keras_golden.npz"), allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


KERAS_CASES = {  # golden key: (function, y key, prediction key, kwargs)
    "mse": ("mse", "y_reg", "p_reg", {}),
    "bce": ("binary_cross_entropy", "y01", "p", {"eps": 1e-7}),
    "bce_edge": ("binary_cross_entropy", "y_edge", "p_edge", {"eps": 1e-7}),
    "bce_logits": ("binary_cross_entropy_with_logits", "y01", "z", {}),
    "bce_logits_edge": ("binary_cross_entropy_with_logits", "y01", "z_edge", {}),
    "cce": ("categorical_cross_entropy", "y_onehot", "p_soft", {}),
    "hinge": ("hinge", "y_pm1", "s", {}),
}


@pytest.mark.clause("C1", "C2", "C3", "C4", "C5", probes="values and gradients compared with keras.losses",
                    topic="gradients and backpropagation")
@pytest.mark.parametrize("case", list(KERAS_CASES))
def test_matches_keras(learner, keras_values, case):
    name, ky, kp, kwargs = KERAS_CASES[case]
    y, p = keras_values[ky], keras_values[kp]
    call = call_repr(name, y, p, **kwargs) + " compared with keras.losses"
    assert_scalar_close(getattr(learner, name)(y.copy(), p.copy(), **kwargs), float(keras_values[case]), call,
                        rtol=1e-9, show_expected=False)
    expected = keras_values[case + "_grad"]
    if case == "cce":
        # Keras renormalises p by its row sum S first, which adds sum(y)/S/N to every entry of the gradient.
        expected = expected - y.sum(axis=-1, keepdims=True) / p.sum(axis=-1, keepdims=True) / (y.size // y.shape[-1])
    ok = (p > 1e-7) & (p < 1 - 1e-7) if case == "bce_edge" else np.ones(p.shape, bool)  # Keras: 0 where clipped
    call = call_repr(name + "_grad", y, p, **kwargs) + " compared with tf.GradientTape"
    grad = assert_shape(getattr(learner, name + "_grad")(y.copy(), p.copy(), **kwargs), p.shape, call)
    assert_allclose(grad[ok], expected[ok], call, rtol=1e-7, atol=1e-12, why=MEAN_WHY, show_expected=False)


# ------------------------------------------------------------------ contract: shapes, floats, soft labels, eps

GRADS = [name + "_grad" for name in LOSSES]


@pytest.mark.points(2)
@pytest.mark.clause("C6", probes="a function (a gradient especially) that lets mismatched shapes broadcast",
                    topic="input validation")
def test_every_function_refuses_mismatched_shapes(learner):
    rng = np.random.default_rng(5)
    for y_shape, p_shape in [((4,), (4, 1)), ((4, 1), (4,)), ((3, 4), (4,))]:
        y = rng.integers(0, 2, size=y_shape).astype(float)
        p = rng.uniform(0.1, 0.9, size=p_shape)
        for name in LOSSES + GRADS:
            with expect_raises(ValueError, call_repr(name, y, p),
                               f"shapes {y_shape} and {p_shape} differ; numpy would broadcast them to "
                               f"{np.broadcast_shapes(y_shape, p_shape)}"):
                getattr(learner, name)(y.copy(), p.copy())


@pytest.mark.points(2)
@pytest.mark.clause("C7", "C9", probes="float32 inputs computed in float32, or a loss that is not a Python float",
                    topic="api contract")
def test_float32_inputs_are_computed_in_float64(learner, reference):
    for i, shape in enumerate([(7,), (3, 4)]):
        for name in LOSSES:
            y, p = (v.astype(np.float32) for v in make_inputs(name, shape, seed=40 + i))
            call = call_repr(name, y, p)
            got = getattr(learner, name)(y.copy(), p.copy())
            if not isinstance(got, float):
                raise AssertionError(f"called {call}; got {type(got).__name__} {got!r}, expected a Python float")
            assert_scalar_close(got, getattr(reference, name)(y, p), call, rtol=1e-11, show_expected=False,
                                why="convert the inputs to float64 first: a float32 computation keeps only ~7 digits")
            call = call_repr(name + "_grad", y, p)
            assert_allclose(getattr(learner, name + "_grad")(y.copy(), p.copy()),
                            getattr(reference, name + "_grad")(y, p), call, rtol=1e-11, show_expected=False,
                            why="compute the gradient in float64 (and return it in float64) whatever the input dtype")


def soft_labels(name, shape, rng):
    """(soft y, prediction) for a cross-entropy: labels anywhere in [0, 1], not only 0 and 1."""
    if name == "categorical_cross_entropy":
        p = rng.dirichlet(np.ones(shape[-1]), size=shape[:-1])
        return rng.dirichlet(np.ones(shape[-1]), size=shape[:-1]), p
    y = rng.uniform(0.0, 1.0, size=shape)
    p = rng.uniform(0.05, 0.95, size=shape) if name == "binary_cross_entropy" else rng.normal(scale=3.0, size=shape)
    return y, p


@pytest.mark.parametrize("name", ["binary_cross_entropy", "binary_cross_entropy_with_logits",
                                  "categorical_cross_entropy"])
@pytest.mark.clause("C8", probes="a cross-entropy that only handles hard 0/1 labels (picks a branch or the true class)",
                    topic="api contract")
def test_cross_entropies_take_soft_labels(learner, reference, name):
    rng = np.random.default_rng(50)
    for shape in [(6,), (4, 3)]:
        y, p = soft_labels(name, shape, rng)
        why = "labels may be soft: use y and 1 - y (or every class's y) as weights, do not branch on y == 1"
        assert_scalar_close(getattr(learner, name)(y.copy(), p.copy()), getattr(reference, name)(y, p),
                            call_repr(name, y, p) + " with soft labels", rtol=1e-9, why=why, show_expected=False)
        assert_allclose(getattr(learner, name + "_grad")(y.copy(), p.copy()), getattr(reference, name + "_grad")(y, p),
                        call_repr(name + "_grad", y, p) + " with soft labels", rtol=1e-9, atol=1e-15, why=why,
                        show_expected=False)


@pytest.mark.clause("C2", probes="binary_cross_entropy_grad ignoring eps, or not evaluated at the clipped p",
                    topic="numerical stability")
def test_bce_grad_clips_with_the_given_eps(learner, reference):
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0])
    p = np.array([1.0, 0.0, 0.0, 1.0, 0.5, 0.25])
    for kwargs in ({}, {"eps": 1e-3}, {"eps": 0.05}):
        call = call_repr("binary_cross_entropy_grad", y, p, **kwargs) + " with p in {0, 1}"
        assert_allclose(learner.binary_cross_entropy_grad(y.copy(), p.copy(), **kwargs),
                        reference.binary_cross_entropy_grad(y, p, **kwargs), call, rtol=1e-9, show_expected=False,
                        why="the gradient is evaluated at p clipped into [eps, 1 - eps], with the eps given "
                            "(default 1e-12)")
