"""Hidden tests for logistic_regression: a stable sigmoid and log-loss, the L2-penalised gradient, a
centred-difference gradient check, full-batch gradient descent and thresholded predictions.

Expected values come from the judge's own formulas in this file (the sigmoid split at z = 0,
np.logaddexp for the loss, X^T (p - y) / N + lam * w for the gradient, the judge's own descent loop
and centred differences) and, for the end-to-end check, from scikit-learn's LogisticRegression
(C = 1 / (lam * N), lbfgs to tol 1e-12). Its solutions for data seeds 0..9 are frozen in
sklearn_golden.npz by make_sklearn_golden.py (importing sklearn takes up to half the 8 s budget on a
loaded machine); another seed, or data that no longer match the frozen fingerprint, fit scikit-learn
live. Nothing is random at grading time except the data of that test, drawn from train_seed.

Wrong answers this suite is built to catch:
- the bias regularised (in the loss, in the gradient, or both)
- sigmoid as exp(z) / (1 + exp(z)) (nan for z = 1000), as 0.5 * (1 + tanh(z / 2)) (sigmoid(-40) = 0),
  or with z clipped to [-30, 30] (the tail wrong)
- log-loss as log(sigmoid(z)) (-inf / nan for large logits) or with probabilities clipped (finite, wrong)
- the loss summed instead of averaged; the penalty lam * sum(w ** 2) (no 1/2) or lam / (2N) * sum(w ** 2)
- the gradient without the 1 / N, with the wrong sign (y - p), or with 2 * lam * w
- fit climbing the gradient, not updating the bias, starting from random weights, standardising X,
  or returning losses without the initial one
- a forward-difference numerical gradient, a perturbation not undone, h ignored, theta modified
- gradient_check as an absolute error, with max(||a||, ||n||) or an element-wise maximum as its scale,
  ignoring h, or nan when both gradients are zero
- predict with p > threshold (a tie at 0.5 goes to 0), the threshold compared with the logit, a threshold
  outside [0, 1] accepted, booleans instead of integer labels
- labels in {-1, +1} (or 2) accepted, len(y) != len(X) (a single label broadcasts silently), X not 2-D or
  a negative lam accepted
- float32 inputs computed in float32

Convergence sweep (C12: `MLKIT_DRAFTS=1 python grade.py dev sweep logistic_regression --seeds 10`, the
reference, data seed 1000 + s), largest difference from scikit-learn's coefficients and intercept,
threshold 1e-4:
  lam = 0.1,  n_iter = 300:  min 1.7e-10, median 7.3e-09, max 6.9e-07
  lam = 0.01, n_iter = 800:  min 3.0e-10, median 2.9e-08, max 2.2e-07
  lam = 0,    n_iter = 2000: min 2.7e-09, median 4.8e-08, max 1.1e-07
10/10 seeds each, more than two orders of magnitude under the threshold (20 seeds: worst 6.9e-07).
A bias penalised at lam = 0.1 moves the intercept by 0.2 to 0.28 (seeds 0..2); a gradient without 1 / N
never settles at lr = 1 (final losses in the hundreds to thousands).
"""
from pathlib import Path

import numpy as np
import pytest

from graders.asserts import (assert_allclose, assert_equal, assert_finite, assert_scalar_close, assert_shape,
                             call_repr, expect_raises)

N_DATA, D_DATA = 240, 5
SKLEARN_TOL = 1e-4
SKLEARN_CASES = [(0.1, 300), (0.01, 800), (0.0, 2000)]  # (lam, n_iter) at lr = 1.0


# ----------------------------------------------------------------------------- the judge's formulas


def exact_sigmoid(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))  # never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def judge_loss(w, b, X, y, lam=0.0):
    z = X @ w + b
    return float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * lam * np.sum(w ** 2))


def judge_gradient(w, b, X, y, lam=0.0):
    r = exact_sigmoid(X @ w + b) - y
    return X.T @ r / len(y) + lam * w, float(np.mean(r))


def centred(f, theta, h):
    theta = np.array(theta, dtype=np.float64)
    grad = np.zeros_like(theta)
    for i in range(theta.size):
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / (2 * h)
    return grad


def problem(seed, n=30, d=4, scale=1.0):
    """Features on different scales with offsets, labels 0/1 (ints), w and a non-zero b."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 2.0, size=d) + rng.uniform(-1.0, 1.0, size=d)
    y = rng.integers(0, 2, size=n)
    y[:2] = [0, 1]
    w = scale * rng.normal(size=d)
    b = float(scale * rng.normal() + 0.3)
    return X, y, w, b


def large_logit_problem(seed):
    """Logits of size up to 1000, both labels on both sides: a naive log or exp overflows, clipping is wrong."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(12, 3))
    w = np.array([1.0, -0.5, 0.25])
    z = X @ w
    X = X * (1000.0 / np.max(np.abs(z)))  # the largest |z| is 1000
    y = np.tile([0, 1], 6)
    return X, y, w, 0.0


def check_float(value, call):
    assert isinstance(value, (float, np.floating)) and not isinstance(value, bool), (
        f"called {call}; got {type(value).__name__}, expected a float")


# ----------------------------------------------------------------------------- sigmoid


@pytest.mark.clause("C1", probes="sigmoid inaccurate in the tail (tanh form, clipped z) or in the middle",
                    topic="numerical stability")
@pytest.mark.points(2)
def test_sigmoid_relative_accuracy(learner):
    z = np.concatenate([np.linspace(-700.0, 700.0, 141), [-600.5, -300.0, -100.0, -40.0, -35.5, -20.0, -5e-9, 0.0,
                                                         1e-9, 20.0, 36.0, 37.5]])
    got = learner.sigmoid(z)
    assert_allclose(got, exact_sigmoid(z), call_repr("sigmoid", z) + " for z in [-700, 700]", rtol=1e-12,
                    show_expected=True,
                    why="keep the relative accuracy in the tail: for z < 0 compute exp(z) / (1 + exp(z)) "
                        "(sigmoid(-40) is about 4.2e-18, sigmoid(-700) about 9.9e-305, neither is 0)")


@pytest.mark.clause("C1", probes="sigmoid overflowing to nan for large |z|", topic="numerical stability")
@pytest.mark.points(2)
def test_sigmoid_extreme_values_finite(learner):
    z = np.array([[-1e4, -1e3, -800.0, -746.0], [746.0, 800.0, 1e3, 1e4]])
    got = assert_finite(assert_shape(learner.sigmoid(z), (2, 4), call_repr("sigmoid", z)), call_repr("sigmoid", z),
                        why="exp(z) / (1 + exp(z)) is inf / inf = nan for large z: exponentiate -|z| only")
    assert_allclose(got, exact_sigmoid(z), call_repr("sigmoid", z), atol=1e-300,
                    why="sigmoid tends to 0 for z -> -inf and to 1 for z -> +inf")


@pytest.mark.clause("C1", "C4", probes="sigmoid on scalars, 3-D arrays and float32 input", topic="api contract")
def test_sigmoid_shapes_and_dtype(learner):
    z = np.random.default_rng(3).normal(scale=5.0, size=(2, 3, 4))
    got = assert_shape(learner.sigmoid(z), z.shape, call_repr("sigmoid", z))
    assert_allclose(got, exact_sigmoid(z), call_repr("sigmoid", z), rtol=1e-12)
    z32 = z.astype(np.float32)
    got32 = assert_shape(learner.sigmoid(z32), z.shape, call_repr("sigmoid", z32))
    assert got32.dtype == np.float64, (f"called {call_repr('sigmoid', z32)}; got dtype {got32.dtype}, expected "
                                       f"float64 (compute in float64 whatever the input dtype)")
    assert_allclose(got32, exact_sigmoid(z32.astype(np.float64)), call_repr("sigmoid", z32), rtol=1e-12)
    scalar = np.asarray(learner.sigmoid(-3.0))
    assert_allclose(scalar.reshape(()), exact_sigmoid(-3.0), "sigmoid(-3.0)", rtol=1e-12)


# ----------------------------------------------------------------------------- predictions


@pytest.mark.clause("C2", probes="predict_proba not sigmoid(X @ w + b)", topic="linear models")
def test_predict_proba(learner):
    X, _, w, b = problem(4, scale=3.0)
    got = learner.predict_proba(w, b, X)
    assert_allclose(got, exact_sigmoid(X @ w + b), call_repr("predict_proba", w, b, X), rtol=1e-9, atol=1e-12,
                    show_expected=False)


@pytest.mark.clause("C3", probes="the threshold ignored or compared with the logit instead of the probability",
                    topic="evaluation metrics")
@pytest.mark.points(2)
@pytest.mark.parametrize("threshold", [0.5, 0.2, 0.75, 0.93])
def test_predict_thresholds(learner, threshold):
    X, _, w, b = problem(5, n=60)
    call = call_repr("predict", w, b, X, threshold=threshold)
    got = assert_shape(learner.predict(w, b, X, threshold=threshold), (60,), call)
    assert got.dtype.kind in "iu", f"called {call}; got dtype {got.dtype}, expected integer labels 0 or 1"
    p = exact_sigmoid(X @ w + b)
    assert_equal(got, (p >= threshold).astype(np.int64), call, show_expected=True,
                 why="class 1 where the PROBABILITY sigmoid(X @ w + b) is >= threshold")


@pytest.mark.clause("C3", probes="a probability equal to the threshold given class 0 (p > t instead of p >= t)",
                    topic="evaluation metrics")
def test_predict_tie_goes_to_class_one(learner):
    X = np.array([[0.0, 0.0], [1.0, -1.0], [2.0, 1.0], [-2.0, -1.0]])
    w, b = np.array([1.0, 1.0]), 0.0  # z = [0, 0, 3, -3]: rows 0 and 1 have p = 0.5 exactly
    call = call_repr("predict", w, b, X)
    got = learner.predict(w, b, X)
    assert_equal(got, np.array([1, 1, 1, 0]), call,
                 why="a probability equal to the threshold is class 1 (p >= threshold)")
    got0 = learner.predict(w, b, X, threshold=0.0)
    assert_equal(got0, np.ones(4, dtype=np.int64), call_repr("predict", w, b, X, threshold=0.0),
                 why="every probability is >= 0")


@pytest.mark.clause("C3", probes="a threshold outside [0, 1] accepted", topic="input validation")
@pytest.mark.parametrize("threshold", [-0.1, 1.5])
def test_predict_rejects_bad_threshold(learner, threshold):
    X, _, w, b = problem(6)
    with expect_raises(ValueError, call_repr("predict", w, b, X, threshold=threshold),
                       "a threshold on a probability must lie in [0, 1]"):
        learner.predict(w, b, X, threshold=threshold)


# ----------------------------------------------------------------------------- the loss


@pytest.mark.clause("C5", probes="bias penalised, penalty without the 1/2 or divided by N, loss summed",
                    topic="regularization")
@pytest.mark.points(3)
@pytest.mark.parametrize("seed, lam", [(10, 0.0), (11, 0.3), (12, 0.05)])
def test_log_loss_values(learner, seed, lam):
    X, y, w, b = problem(seed)
    call = call_repr("log_loss", w, b, X, y, lam=lam)
    got = learner.log_loss(w, b, X, y, lam=lam)
    check_float(got, call)
    assert_scalar_close(got, judge_loss(w, b, X, y, lam), call, rtol=1e-9,
                        why="mean over rows of log(1 + e^z) - y z, plus (lam / 2) * sum(w ** 2) with the bias "
                            "NOT penalised")


@pytest.mark.clause("C5", probes="the bias penalised (only visible when b is large and w small)",
                    topic="regularization")
def test_log_loss_does_not_penalise_the_bias(learner):
    X, y, _, _ = problem(13)
    w, lam = np.zeros(X.shape[1]), 0.5
    call = call_repr("log_loss", w, 4.0, X, y, lam=lam) + " with w = 0"
    got = learner.log_loss(w, 4.0, X, y, lam=lam)
    assert_scalar_close(got, judge_loss(w, 4.0, X, y, 0.0), call, rtol=1e-9,
                        why="with w = 0 the penalty is 0 whatever b is: the bias is not regularised")


@pytest.mark.clause("C6", probes="log(sigmoid(z)) giving inf/nan, or clipped probabilities, for logits near 1000",
                    topic="numerical stability")
@pytest.mark.points(3)
@pytest.mark.parametrize("seed", [20, 21])
def test_log_loss_large_logits(learner, seed):
    X, y, w, b = large_logit_problem(seed)
    call = call_repr("log_loss", w, b, X, y) + " with |z| up to 1000"
    got = learner.log_loss(w, b, X, y)
    why = ("compute each row's loss from the logit, log(1 + e^z) - y z with log(1 + e^z) = logaddexp(0, z): "
           "log(sigmoid(z)) is -inf here and clipping the probabilities gives about 34.5 instead of 1000")
    assert_scalar_close(got, judge_loss(w, b, X, y), call, rtol=1e-9, why=why)
    got = learner.log_loss(w, b, X, y, lam=0.2)
    assert_scalar_close(got, judge_loss(w, b, X, y, 0.2), call + " and lam=0.2", rtol=1e-9, why=why)


@pytest.mark.clause("C6", "C5", probes="a row with y = 0 and z = 1000 (clipping gives 34.5)", topic="numerical stability")
def test_log_loss_single_extreme_rows(learner):
    w = np.array([1.0])
    for x, y, expected in (([[1000.0]], [0], 1000.0), ([[-1000.0]], [1], 1000.0), ([[40.0]], [0], 40.0),
                           ([[1000.0], [-1000.0]], [1, 0], 0.0)):
        X, y = np.array(x), np.array(y)
        call = call_repr("log_loss", w, 0.0, X, y)
        assert_scalar_close(learner.log_loss(w, 0.0, X, y), expected, call, rtol=1e-9, atol=1e-300,
                            why="log(1 + e^z) - y z from the logit: confident and wrong costs |z|, confident "
                                "and right costs about 0")


# ----------------------------------------------------------------------------- the gradient


@pytest.mark.clause("C7", probes="gradient without 1/N, with the wrong sign, or the bias regularised",
                    topic="gradients and backpropagation")
@pytest.mark.points(3)
@pytest.mark.parametrize("seed, lam", [(30, 0.0), (31, 0.3), (32, 0.05)])
def test_gradient_values(learner, seed, lam):
    X, y, w, b = problem(seed)
    call = call_repr("gradient", w, b, X, y, lam=lam)
    result = learner.gradient(w, b, X, y, lam=lam)
    assert isinstance(result, (tuple, list)) and len(result) == 2, (
        f"called {call}; got {type(result).__name__}, expected a pair (grad_w, grad_b)")
    grad_w, grad_b = result
    expected_w, expected_b = judge_gradient(w, b, X, y, lam)
    why = "grad_w = X^T (sigmoid(z) - y) / N + lam * w: the mean's 1/N, p - y (not y - p), lam * w for (lam/2)|w|^2"
    assert_allclose(grad_w, expected_w, call + ", grad_w", rtol=1e-9, atol=1e-12, show_expected=False, why=why)
    check_float(grad_b, call + ", grad_b")
    assert_scalar_close(grad_b, expected_b, call + ", grad_b", rtol=1e-9, atol=1e-12,
                        why="grad_b = mean(sigmoid(z) - y): no lam term, the bias is not penalised")


@pytest.mark.clause("C7", probes="gradient disagreeing with a centred difference of the loss",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
def test_gradient_matches_centred_difference_of_the_loss(learner):
    X, y, w, b = problem(33, n=25, d=3)
    lam = 0.4
    theta = np.append(w, b)
    numeric = centred(lambda t: judge_loss(t[:-1], t[-1], X, y, lam), theta, 1e-5)
    grad_w, grad_b = learner.gradient(w, b, X, y, lam=lam)
    got = np.append(np.asarray(grad_w, dtype=float), float(grad_b))
    assert_allclose(got, numeric, call_repr("gradient", w, b, X, y, lam=lam) + ", (grad_w, grad_b)", rtol=1e-6,
                    atol=1e-8, show_expected=False,
                    why="not the derivative of mean cross-entropy + (lam / 2) * sum(w ** 2)")


@pytest.mark.clause("C7", probes="gradient nan for logits near 1000 (unstable sigmoid)", topic="numerical stability")
def test_gradient_large_logits(learner):
    X, y, w, b = large_logit_problem(22)
    call = call_repr("gradient", w, b, X, y) + " with |z| up to 1000"
    grad_w, grad_b = learner.gradient(w, b, X, y)
    expected_w, expected_b = judge_gradient(w, b, X, y)
    assert_allclose(grad_w, expected_w, call + ", grad_w", rtol=1e-9, atol=1e-12,
                    why="sigmoid(z) must stay finite for large |z|")
    assert_scalar_close(grad_b, expected_b, call + ", grad_b", rtol=1e-9, atol=1e-12)


@pytest.mark.clause("C7", "C5", probes="your gradient disagreeing with a centred difference of your own log_loss",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
@pytest.mark.parametrize("seed, lam", [(34, 0.0), (35, 0.25)])
def test_own_gradient_matches_own_loss(learner, seed, lam):
    X, y, w, b = problem(seed, n=20, d=3)
    d = X.shape[1]
    numeric = centred(lambda t: float(learner.log_loss(t[:d], float(t[d]), X, y, lam=lam)), np.append(w, b), 1e-5)
    grad_w, grad_b = learner.gradient(w, b, X, y, lam=lam)
    analytic = np.append(np.asarray(grad_w, dtype=float), float(grad_b))
    error = np.linalg.norm(analytic - numeric) / max(np.linalg.norm(analytic) + np.linalg.norm(numeric), 1e-12)
    assert error < 1e-6, (
        f"called gradient(w, b, X, y, lam={lam}) and log_loss around the same point; the gradient check of your own "
        f"pair gives a relative error of {error:.3g}, expected below 1e-6 - log_loss and gradient disagree (e.g. "
        f"lam * sum(w ** 2) in the loss with lam * w in the gradient, or a missing 1 / N)")


# ----------------------------------------------------------------------------- numerical gradient and the check


def wavy(t):
    """A judge function with curvature in every coordinate (a forward difference is off by about h)."""
    return float(np.sum(np.sin(2.0 * t)) + 0.5 * np.sum(t ** 3) + t[0] * t[-1])


@pytest.mark.clause("C9", probes="forward instead of centred differences, h ignored, a perturbation not undone",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
@pytest.mark.parametrize("h", [1e-3, 1e-2])
def test_numerical_gradient_is_centred(learner, h):
    theta = np.random.default_rng(40).normal(size=6)
    call = f"numerical_gradient(f, theta of shape (6,), h={h})"
    got = learner.numerical_gradient(wavy, theta.copy(), h=h)
    assert_allclose(got, centred(wavy, theta, h), call, rtol=1e-7, atol=1e-9, show_expected=False,
                    why="entry i is (f(theta + h e_i) - f(theta - h e_i)) / (2 h) with the h given, every other "
                        "coordinate at its original value")


@pytest.mark.clause("C9", probes="the caller's theta modified, or h <= 0 accepted", topic="api contract")
def test_numerical_gradient_leaves_theta_and_checks_h(learner):
    theta = np.random.default_rng(41).normal(size=5)
    before = theta.copy()
    got = learner.numerical_gradient(wavy, theta)
    assert_allclose(got, centred(wavy, before, 1e-5), "numerical_gradient(f, theta)", rtol=1e-6, atol=1e-8,
                    show_expected=False, why="the default h is 1e-5")
    assert_equal(theta, before, "theta after numerical_gradient(f, theta)", show_expected=False,
                 why="perturb a copy (or restore each entry exactly): the caller's theta must not change")
    for h in (0.0, -1e-5):
        with expect_raises(ValueError, f"numerical_gradient(f, theta, h={h})", "the step h must be positive"):
            learner.numerical_gradient(wavy, theta, h=h)


@pytest.mark.clause("C10", probes="gradient_check scale: not relative, max(|a|, |n|), or element-wise",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
def test_gradient_check_formula(learner):
    theta = np.random.default_rng(42).normal(size=4)
    exact = lambda t: 2.0 * np.cos(2.0 * t) + 1.5 * t ** 2 + np.eye(len(t))[0] * t[-1] + np.eye(len(t))[-1] * t[0]

    doubled = learner.gradient_check(wavy, lambda t: 2.0 * exact(t), theta)
    assert_scalar_close(doubled, 1.0 / 3.0, "gradient_check(f, 2 * true gradient, theta)", rtol=1e-6,
                        why="||a - n|| / (||a|| + ||n||) with a = 2g and n = g is 1/3")
    offset = np.array([0.3, -0.2, 0.0, 0.05])
    got = learner.gradient_check(wavy, lambda t: exact(t) + offset, theta)
    a, n = exact(theta) + offset, centred(wavy, theta, 1e-5)
    expected = np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n))
    assert_scalar_close(got, expected, "gradient_check(f, true gradient + [0.3, -0.2, 0, 0.05], theta)", rtol=1e-6,
                        why="Euclidean norms of the whole vectors, ||a - n|| / max(||a|| + ||n||, 1e-12)")
    tiny = learner.gradient_check(lambda t: 1e-9 * wavy(t), lambda t: 2e-9 * exact(t), theta)
    assert_scalar_close(tiny, 1.0 / 3.0, "gradient_check(1e-9 * f, 2e-9 * true gradient, theta)", rtol=1e-4,
                        why="the error is relative: a gradient of size 1e-9 that is twice too large is still wrong")


@pytest.mark.clause("C10", probes="gradient_check ignoring h, or nan when both gradients are zero",
                    topic="gradients and backpropagation")
def test_gradient_check_uses_h_and_floor(learner):
    theta = np.array([1.0, -2.0, 0.5])
    cubic = lambda t: float(np.sum(t ** 3))
    got = learner.gradient_check(cubic, lambda t: 3.0 * t ** 2, theta, h=1e-2)
    a, n = 3.0 * theta ** 2, 3.0 * theta ** 2 + 1e-4  # centred differences of t^3 are 3 t^2 + h^2
    assert_scalar_close(got, np.linalg.norm(a - n) / (np.linalg.norm(a) + np.linalg.norm(n)),
                        "gradient_check(sum(t ** 3), 3 t ** 2, theta, h=1e-2)", rtol=1e-4,
                        why="use the h given: with h = 1e-2 the centred difference of t^3 is 3 t^2 + h^2")
    zero = learner.gradient_check(lambda t: 3.0, lambda t: np.zeros_like(t), theta)
    assert_scalar_close(zero, 0.0, "gradient_check(constant f, zero gradient, theta)", atol=1e-15,
                        why="both gradients are 0: the floor 1e-12 in the denominator gives 0.0, not nan")


# ----------------------------------------------------------------------------- validation and dtypes


def bad_inputs():
    X, y, w, b = problem(50, n=8, d=3)
    return [
        ("labels in {-1, +1}", X, 2 * y - 1, 0.0, "labels must be 0 or 1 (the formula is for {0, 1})"),
        ("a label 2", X, np.where(np.arange(8) == 3, 2, y), 0.0, "labels must be 0 or 1"),
        ("a label 0.5", X, np.where(np.arange(8) == 3, 0.5, y.astype(float)), 0.0, "labels must be 0 or 1"),
        ("len(y) != len(X)", X, y[:-1], 0.0, "one label per row of X"),
        ("one label for 8 rows", X, y[:1], 0.0, "one label per row of X (a single label would broadcast)"),
        ("X 1-D", X[:, 0], y, 0.0, "X must be 2-D (N, d)"),
        ("lam < 0", X, y, -0.1, "a negative L2 strength rewards large weights"),
    ]


@pytest.mark.clause("C8", probes="labels in {-1, +1}, mismatched lengths, 1-D X or lam < 0 accepted",
                    topic="input validation")
@pytest.mark.points(2)
@pytest.mark.parametrize("function", ["log_loss", "gradient", "fit"])
def test_bad_inputs_raise(learner, function):
    w = np.array([0.2, -0.1, 0.3])
    for what, X, y, lam, why in bad_inputs():
        w_here = w[:1] if X.ndim == 1 else w
        if function == "fit":
            call = call_repr("fit", X, y, lam=lam, n_iter=2) + f" ({what})"
            with expect_raises(ValueError, call, why):
                learner.fit(X, y, lam=lam, n_iter=2)
        else:
            call = call_repr(function, w_here, 0.1, X, y, lam=lam) + f" ({what})"
            with expect_raises(ValueError, call, why):
                getattr(learner, function)(w_here, 0.1, X, y, lam=lam)


@pytest.mark.clause("C8", "C4", probes="boolean and float 0/1 labels rejected", topic="api contract")
def test_bool_and_float_labels_accepted(learner):
    X, y, w, b = problem(51)
    expected = judge_loss(w, b, X, y, 0.1)
    for labels in (y.astype(bool), y.astype(float)):
        call = call_repr("log_loss", w, b, X, labels, lam=0.1)
        assert_scalar_close(learner.log_loss(w, b, X, labels, lam=0.1), expected, call, rtol=1e-9,
                            why="labels 0/1 may come as integers, booleans or floats")


@pytest.mark.clause("C4", probes="float32 inputs computed in float32", topic="numerical stability")
def test_float32_inputs_computed_in_float64(learner):
    X, y, w, b = problem(52, scale=2.0)
    X32, w32 = X.astype(np.float32), w.astype(np.float32)
    X64, w64 = X32.astype(np.float64), w32.astype(np.float64)
    why = "convert to float64 first: float32 arithmetic loses about 7 digits"
    call = call_repr("log_loss", w32, b, X32, y, lam=0.1)
    assert_scalar_close(learner.log_loss(w32, b, X32, y, lam=0.1), judge_loss(w64, b, X64, y, 0.1), call,
                        rtol=1e-12, why=why)
    grad_w, grad_b = learner.gradient(w32, b, X32, y, lam=0.1)
    expected_w, expected_b = judge_gradient(w64, b, X64, y, 0.1)
    call = call_repr("gradient", w32, b, X32, y, lam=0.1)
    assert_allclose(grad_w, expected_w, call + ", grad_w", rtol=1e-12, atol=1e-12, why=why)
    assert_allclose(learner.predict_proba(w32, b, X32), exact_sigmoid(X64 @ w64 + b),
                    call_repr("predict_proba", w32, b, X32), rtol=1e-12, why=why)


@pytest.mark.clause("C4", probes="X, y or w modified in place", topic="api contract")
def test_inputs_not_modified(learner):
    X, y, w, b = problem(53)
    copies = [a.copy() for a in (X, y, w)]
    learner.predict(w, b, X)
    learner.log_loss(w, b, X, y, lam=0.1)
    learner.gradient(w, b, X, y, lam=0.1)
    learner.fit(X, y, lam=0.1, lr=0.5, n_iter=5)
    for name, array, before in zip(("X", "y", "w"), (X, y, w), copies):
        assert_equal(array, before, f"{name} after predict, log_loss, gradient and fit", show_expected=False,
                     why="do not modify the caller's arrays (standardise or shift a copy, if at all)")


# ----------------------------------------------------------------------------- gradient descent


def judge_descent(X, y, lam, lr, n_iter):
    w, b = np.zeros(X.shape[1]), 0.0
    losses = [judge_loss(w, b, X, y, lam)]
    for _ in range(n_iter):
        grad_w, grad_b = judge_gradient(w, b, X, y, lam)
        w, b = w - lr * grad_w, b - lr * grad_b
        losses.append(judge_loss(w, b, X, y, lam))
    return w, b, np.array(losses)


def fit_result(learner, X, y, lam, lr, n_iter):
    call = call_repr("fit", X, y, lam=lam, lr=lr, n_iter=n_iter)
    result = learner.fit(X, y, lam=lam, lr=lr, n_iter=n_iter)
    assert isinstance(result, (tuple, list)) and len(result) == 3, (
        f"called {call}; got {type(result).__name__}, expected (w, b, losses)")
    w, b, losses = result
    w = assert_shape(w, (X.shape[1],), call + ", w")
    assert w.dtype == np.float64, f"called {call}; w has dtype {w.dtype}, expected float64"
    check_float(b, call + ", b")
    return call, w, float(b), losses


@pytest.mark.clause("C11", probes="descent with the wrong sign, no bias update, a random start, or X standardised",
                    topic="optimization")
@pytest.mark.points(3)
@pytest.mark.parametrize("n_iter", [1, 2, 7])
def test_fit_step_by_step(learner, n_iter):
    X, y, _, _ = problem(60, n=40, d=3)
    lam, lr = 0.3, 0.4
    call, w, b, _ = fit_result(learner, X, y, lam, lr, n_iter)
    expected_w, expected_b, _ = judge_descent(X, y, lam, lr, n_iter)
    why = ("start from w = 0, b = 0; each step w -= lr * grad_w, b -= lr * grad_b with the gradient at the current "
           "parameters, on X as given")
    assert_allclose(w, expected_w, call + ", w", rtol=1e-9, atol=1e-12, show_expected=False, why=why)
    assert_scalar_close(b, expected_b, call + ", b", rtol=1e-9, atol=1e-12, why=why)


@pytest.mark.clause("C11", probes="losses without the initial ln 2, or not the penalised loss of each iterate",
                    topic="optimization")
@pytest.mark.points(2)
def test_fit_losses(learner):
    X, y, _, _ = problem(61, n=40, d=3)
    lam, lr, n_iter = 0.2, 0.5, 6
    call, _, _, losses = fit_result(learner, X, y, lam, lr, n_iter)
    _, _, expected = judge_descent(X, y, lam, lr, n_iter)
    losses = assert_shape(losses, (n_iter + 1,), call + ", losses")
    assert_allclose(losses[0], np.log(2.0), call + ", losses[0]", rtol=1e-9,
                    why="losses[0] is the loss at w = 0, b = 0: ln 2")
    assert_allclose(losses, expected, call + ", losses", rtol=1e-9, show_expected=False,
                    why="losses[t] is log_loss (with lam) after t steps")


@pytest.mark.clause("C11", probes="n_iter = 0, lr <= 0 or n_iter < 0", topic="input validation")
def test_fit_edge_cases(learner):
    X, y, _, _ = problem(62, n=10, d=2)
    call, w, b, losses = fit_result(learner, X, y, 0.1, 0.1, 0)
    assert_allclose(w, np.zeros(2), call + ", w", why="no step: w stays 0")
    assert_scalar_close(b, 0.0, call + ", b", why="no step: b stays 0")
    assert_allclose(losses, np.array([np.log(2.0)]), call + ", losses", rtol=1e-9)
    for kwargs, why in (({"lr": 0.0}, "a learning rate must be positive"),
                        ({"lr": -0.1}, "a learning rate must be positive"),
                        ({"n_iter": -1}, "a number of steps cannot be negative")):
        with expect_raises(ValueError, call_repr("fit", X, y, **kwargs), why):
            learner.fit(X, y, **kwargs)


# ----------------------------------------------------------------------------- end to end: scikit-learn


GOLDEN = Path(__file__).with_name("sklearn_golden.npz")


def convergence_data(seed):
    """240 rows, 5 features on different scales and offsets, labels drawn from a logistic model (not separable)."""
    rng = np.random.default_rng(1000 + seed)
    X = rng.normal(size=(N_DATA, D_DATA)) * rng.uniform(0.5, 1.5, size=D_DATA) + rng.uniform(-1.0, 1.0, size=D_DATA)
    w_true = rng.normal(size=D_DATA)
    y = (rng.random(N_DATA) < exact_sigmoid(X @ w_true + 0.5)).astype(np.int64)
    return X, y


def fingerprint(X, y):
    return np.array([X.sum(), (X ** 2).sum(), X[0].sum(), X[-1].sum(), y.sum(), y[:40] @ np.arange(40)])


def sklearn_solution(X, y, lam):
    """scikit-learn's minimiser of mean cross-entropy + (lam / 2) |w|^2: the coefficients, then the intercept."""
    from sklearn.linear_model import LogisticRegression

    C = np.inf if lam == 0 else 1.0 / (lam * len(y))
    model = LogisticRegression(C=C, tol=1e-12, max_iter=10000).fit(X, y)
    return np.append(model.coef_[0], model.intercept_[0])


def frozen_or_live_solution(seed, X, y, lam):
    """The frozen solution (make_sklearn_golden.py) when this seed's data match their fingerprint, else a live fit."""
    with np.load(GOLDEN, allow_pickle=False) as data:
        name = f"seed{seed}_lam{lam:g}"
        if name in data.files and np.allclose(data[f"seed{seed}_fingerprint"], fingerprint(X, y), rtol=1e-12, atol=0):
            return data[name]
    return sklearn_solution(X, y, lam)


@pytest.mark.convergence
@pytest.mark.clause("C12", "C5", "C7", "C11", probes="gradient descent not reaching scikit-learn's solution",
                    topic="linear models")
@pytest.mark.points(3)
@pytest.mark.parametrize("lam, n_iter", SKLEARN_CASES)
def test_fit_matches_sklearn(learner, train_seed, record_metric, record_series, lam, n_iter):
    X, y = convergence_data(train_seed)
    expected = frozen_or_live_solution(train_seed, X, y, lam)
    call, w, b, losses = fit_result(learner, X, y, lam, 1.0, n_iter)
    record_series("loss", np.asarray(losses, dtype=float))
    distance = float(np.max(np.abs(np.append(w, b) - expected)))
    record_metric("max_abs_diff_vs_sklearn", distance, SKLEARN_TOL, higher_is_better=False)
    why = ("gradient descent on mean cross-entropy + (lam / 2) |w|^2 should reach scikit-learn's "
           "LogisticRegression(C=1 / (lam * N)) solution; check the bias is not penalised and the gradient "
           "has its 1 / N")
    assert_allclose(w, expected[:-1], call + ", w vs scikit-learn's coef_", atol=SKLEARN_TOL, rtol=0.0,
                    show_expected=False, why=why)
    assert_scalar_close(b, expected[-1], call + ", b vs scikit-learn's intercept_", atol=SKLEARN_TOL, rtol=0.0,
                        why=why)
    assert_allclose(learner.predict_proba(w, b, X), exact_sigmoid(X @ expected[:-1] + expected[-1]),
                    call_repr("predict_proba", w, b, X) + " vs the probabilities of scikit-learn's solution", atol=SKLEARN_TOL,
                    show_expected=False)
