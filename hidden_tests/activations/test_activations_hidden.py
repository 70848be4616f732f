"""Hidden tests for activations.

Wrong answers this suite is built to catch (one line each):
- softmax without subtracting the max: exp(1000) overflows to inf and the row becomes nan.
- softmax subtracting the global max instead of the max along `axis`: a row far below it underflows to 0/0.
- softmax normalised over the wrong axis, ignoring `axis`, or max/sum taken without keepdims.
- naive sigmoid 1/(1+exp(-x)): exp(-x) overflows below x = -709 (float32: -88) and the tiny answer collapses to 0.
- sigmoid as exp(x)/(1+exp(x)) everywhere: inf/inf = nan for large positive x.
- sigmoid as 0.5*(1+tanh(x/2)): cancels to 0 for x below about -37 (relative error 1).
- sigmoid_grad written as x*(1-x) or s*(1-x) (derivative in terms of the output applied to the input).
- tanh_grad written as 1 - x**2 (same confusion).
- relu_grad wrong at negatives (returns x, 1, or relu(x)) or at 0 (not the documented 0).
- leaky_relu_grad wrong at negatives (0 or alpha*x), `alpha` ignored (hard-coded 0.01), 1 at x = 0.
- leaky_relu ignoring `alpha`, or computing max(x, alpha*x), which differs from the statement for alpha > 1
  (checked with alpha = 1.5 and 0).
- any function that flattens, transposes or changes the shape of its input.
The trusted values come from the reference solution (random inputs, several shapes, float32 and float64)
and from TensorFlow itself (tf.nn.* and tf.GradientTape), frozen in tf_golden.npz by make_tf_golden.py
(TensorFlow's import alone would take most of the 5 s budget).
No test here trains or draws at random at grading time: the tolerances are float rounding bounds, not
sweep figures (`dev sweep` has nothing to rerun). Each test names the statement's ## Contract clauses it
enforces.
"""
from pathlib import Path

import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_finite, assert_shape, call_repr, centred_difference

SHAPES = [(7,), (4, 5), (2, 3, 4)]
ELEMENTWISE = ["sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "relu", "relu_grad",
               "leaky_relu", "leaky_relu_grad"]

WHY = {
    "sigmoid": "sigmoid(x) = 1 / (1 + exp(-x))",
    "sigmoid_grad": "the derivative of sigmoid is s * (1 - s) with s = sigmoid(x), not a formula in x itself",
    "tanh": "tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))",
    "tanh_grad": "the derivative of tanh is 1 - tanh(x)**2, not a formula in x itself",
    "relu": "relu(x) = max(x, 0)",
    "relu_grad": "relu's gradient is 1 for x > 0 and 0 for x <= 0",
    "leaky_relu": "leaky_relu(x) = x for x > 0, alpha * x otherwise",
    "leaky_relu_grad": "leaky_relu's gradient is 1 for x > 0 and alpha for x <= 0",
    "softmax": "softmax normalises exp(x) along `axis`",
}


def random_input(shape, dtype, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(scale=3.0, size=shape)
    x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink of relu / leaky_relu
    return x.astype(dtype)


def tolerances(dtype):
    return (1e-9, 1e-12) if dtype == np.float64 else (2e-5, 1e-6)


# ------------------------------------------------------------------ vs reference, every function

@pytest.mark.clause("C1", "C2", "C3", "C4", "C5", "C6", probes="each function on random inputs of several shapes, float32 and float64",
                    topic="gradients and backpropagation")
@pytest.mark.parametrize("name", ELEMENTWISE + ["softmax"])
@pytest.mark.points(1)
def test_matches_reference_on_random_inputs(learner, reference, name):
    for i, shape in enumerate(SHAPES):
        for dtype in (np.float64, np.float32):
            x = random_input(shape, dtype, seed=100 + i)
            got = getattr(learner, name)(x.copy())
            expected = getattr(reference, name)(x.copy())
            rtol, atol = tolerances(dtype)
            assert_allclose(got, expected, call_repr(name, x), rtol=rtol, atol=atol,
                            why=WHY[name], show_expected=False)


# ------------------------------------------------------------------ gradients vs centred differences

@pytest.mark.clause("C1", "C2", "C3", "C4", probes="a gradient that is not the derivative of its function (a formula in x instead of the output)",
                    topic="gradients and backpropagation")
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu"])
@pytest.mark.points(1)
def test_grad_matches_centred_difference(learner, reference, name):
    x = random_input((3, 4), np.float64, seed=7)
    x = np.where(np.abs(x) < 0.05, 0.7, x)  # centred difference needs distance from the kink
    numeric = centred_difference(lambda v: float(np.sum(getattr(reference, name)(v))), x)
    assert_allclose(getattr(learner, name + "_grad")(x.copy()), numeric, call_repr(name + "_grad", x),
                    rtol=1e-5, atol=1e-8, why=WHY[name + "_grad"], show_expected=False)


@pytest.mark.clause("C3", "C4", probes="the ReLU family's gradient at negative inputs, and alpha ignored",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
def test_relu_and_leaky_relu_grads_at_negatives(learner):
    x = np.array([-5.0, -0.5, -1e-3, 1e-3, 0.5, 5.0])
    assert_allclose(learner.relu_grad(x), [0, 0, 0, 1, 1, 1], call_repr("relu_grad", x),
                    why=WHY["relu_grad"])
    for alpha in (0.01, 0.2):
        assert_allclose(learner.leaky_relu_grad(x, alpha=alpha), [alpha] * 3 + [1.0] * 3,
                        call_repr("leaky_relu_grad", x, alpha=alpha), why=WHY["leaky_relu_grad"])
        assert_allclose(learner.leaky_relu(x, alpha=alpha), np.where(x > 0, x, alpha * x),
                        call_repr("leaky_relu", x, alpha=alpha), why="is `alpha` used?")


@pytest.mark.clause("C3", "C4", probes="the default alpha, and the gradient at exactly 0", topic="api contract")
def test_default_alpha_and_kink_convention(learner):
    x = np.array([-2.0, 0.0, 2.0])
    assert_allclose(learner.leaky_relu(x), [-0.02, 0.0, 2.0], call_repr("leaky_relu", x),
                    why="the default alpha is 0.01")
    assert_allclose(learner.relu_grad(np.zeros(2)), [0.0, 0.0], call_repr("relu_grad", np.zeros(2)),
                    why="the statement fixes relu's gradient at exactly 0 to 0")
    assert_allclose(learner.leaky_relu_grad(np.zeros(2), alpha=0.3), [0.3, 0.3],
                    call_repr("leaky_relu_grad", np.zeros(2), alpha=0.3),
                    why="the statement fixes leaky_relu's gradient at exactly 0 to alpha")


# ------------------------------------------------------------------ numerical stability

@pytest.mark.clause("C5", "C7", probes="softmax overflow or underflow for entries of +-1e3 (float32 and float64)",
                    topic="numerical stability")
@pytest.mark.points(2)
def test_softmax_extreme_rows(learner, reference):
    x = np.array([[1000.0, 999.0, 998.0],
                  [-1000.0, -999.0, -1001.0],
                  [1000.0, -1000.0, 0.0],
                  [-1000.0, -1000.0, -1000.0]])
    call = call_repr("softmax", x) + " with entries of +-1e3"
    out = assert_finite(learner.softmax(x.copy()), call,
                        "exp(+-1000) overflows or underflows; subtract each row's own maximum first")
    assert_allclose(out.sum(axis=-1), np.ones(4), call + " summed over the last axis", atol=1e-12)
    assert_allclose(out, reference.softmax(x), call, rtol=1e-9, atol=1e-300, show_expected=False)
    x32 = x.astype(np.float32)
    out32 = assert_finite(learner.softmax(x32), call_repr("softmax", x32),
                          "float32 overflows at exp(89); subtract each row's own maximum first")
    assert_allclose(out32, reference.softmax(x32), call_repr("softmax", x32), rtol=2e-4, atol=1e-7,
                    show_expected=False)  # float32 spacing at 1e3 is 6e-5


@pytest.mark.clause("C5", probes="softmax normalised along the wrong axis, or the max/sum taken without keepdims",
                    topic="shapes and broadcasting")
@pytest.mark.points(2)
def test_softmax_axis(learner, reference):
    rng = np.random.default_rng(3)
    square = rng.normal(scale=2.0, size=(3, 3))
    cube = rng.normal(scale=2.0, size=(2, 3, 4))
    cases = [(square, 0), (square, 1), (cube, 0), (cube, 1), (cube, 2), (cube, -1), (cube, -3)]
    for x, axis in cases:
        call = call_repr("softmax", x, axis=axis)
        got = assert_shape(learner.softmax(x.copy(), axis=axis), x.shape, call)
        assert_allclose(got.sum(axis=axis), np.ones(np.delete(x.shape, axis % x.ndim)),
                        call + f" summed over axis {axis}", atol=1e-9,
                        why="the result must be normalised along `axis` (keepdims matters)")
        assert_allclose(got, reference.softmax(x, axis=axis), call, rtol=1e-9, atol=1e-15,
                        why="subtract the max and sum along `axis` with keepdims=True", show_expected=False)
    x = np.array([[0.0, 1000.0], [-1000.0, 0.0]])
    got = assert_finite(learner.softmax(x.copy(), axis=0), call_repr("softmax", x, axis=0),
                        "subtract the maximum along `axis`, not along the last axis or over the whole array")
    assert_allclose(got, reference.softmax(x, axis=0), call_repr("softmax", x, axis=0), rtol=1e-9,
                    atol=1e-300, show_expected=False)


@pytest.mark.clause("C1", "C2", "C7", probes="sigmoid overflow, or tiny values collapsing to 0, for large |x|",
                    topic="numerical stability")
@pytest.mark.points(2)
def test_sigmoid_large_negative_and_positive(learner, reference):
    why = "for large negative x, exp(-x) overflows and 1/(1+inf) collapses to 0; the true value is tiny but not 0"
    for x, rtol in [(np.array([-30.0, -100.0, -700.0, -709.9, -712.0, -720.0]), 1e-6),
                    (np.array([-30.0, -87.0, -89.0, -92.0], dtype=np.float32), 1e-3)]:
        got = learner.sigmoid(x.copy())
        assert_allclose(got, reference.sigmoid(x), call_repr("sigmoid", x) + " (relative accuracy)",
                        rtol=rtol, why=why, show_expected=False)
        grad = learner.sigmoid_grad(x.copy())
        assert_allclose(grad, reference.sigmoid_grad(x), call_repr("sigmoid_grad", x) + " (relative accuracy)",
                        rtol=10 * rtol, why=why, show_expected=False)
    for x in (np.array([30.0, 100.0, 710.0, 1000.0]), np.array([30.0, 89.0, 100.0], dtype=np.float32)):
        out = assert_finite(learner.sigmoid(x.copy()), call_repr("sigmoid", x),
                            "exp(x) / (1 + exp(x)) is inf/inf for large positive x")
        assert_allclose(out, np.ones(len(x)), call_repr("sigmoid", x), rtol=1e-6)
        a = np.exp(-np.abs(x.astype(np.float64)))
        exact = a / (1.0 + a) ** 2  # s * (1 - s) itself is only accurate to ~1e-16 absolute here
        assert_allclose(learner.sigmoid_grad(x.copy()), exact, call_repr("sigmoid_grad", x),
                        rtol=1e-6, atol=1e-15 if x.dtype == np.float64 else 1e-7, show_expected=False)
    x = np.array([-1e3, 1e3])
    assert_allclose(learner.tanh(x), [-1.0, 1.0], call_repr("tanh", x), why="tanh must not overflow")
    assert_allclose(learner.tanh_grad(x), [0.0, 0.0], call_repr("tanh_grad", x), atol=1e-300,
                    why="tanh_grad must not overflow")


# ------------------------------------------------------------------ vs TensorFlow

@pytest.fixture(scope="module")
def tf_values():
    """tf.nn outputs and tf.GradientTape gradients, frozen in tf_golden.npz by make_tf_golden.py.

    Importing TensorFlow alone takes about 4.5 s on the grading CPU (the budget is 5 s), so the
    values are computed once by `python hidden_tests/activations/make_tf_golden.py` and
    re-verified against the installed TensorFlow by `... make_tf_golden.py --check`.
    """
    with np.load(Path(__file__).with_name("tf_golden.npz"), allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


@pytest.mark.clause("C1", "C2", "C3", "C4", probes="element-wise functions compared with TensorFlow",
                    topic="gradients and backpropagation")
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_matches_tensorflow(learner, tf_values, name):
    x = tf_values["x"]
    kwargs = {"alpha": 0.2} if name.startswith("leaky") else {}
    got = getattr(learner, name)(x.copy(), **kwargs)
    assert_allclose(got, tf_values[name], call_repr(name, x, **kwargs) + " compared with TensorFlow",
                    rtol=1e-6, atol=1e-12, why=WHY[name], show_expected=False)


@pytest.mark.clause("C5", probes="softmax along the last axis and along axis 0, compared with tf.nn.softmax",
                    topic="shapes and broadcasting")
def test_softmax_matches_tensorflow(learner, tf_values):
    x = tf_values["x"]
    for axis in (-1, 0):
        got = learner.softmax(x.copy(), axis=axis)
        assert_allclose(got, tf_values[f"softmax_{axis}"], call_repr("softmax", x, axis=axis)
                        + " compared with tf.nn.softmax", rtol=1e-6, atol=1e-300, why=WHY["softmax"],
                        show_expected=False)


# ------------------------------------------------------------------ alpha used as given

@pytest.mark.clause("C4", probes="leaky ReLU written as max(x, alpha * x), which only holds for alpha <= 1",
                    topic="gradients and backpropagation")
def test_leaky_relu_alpha_used_as_given(learner):
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    for alpha in (1.5, 0.0):
        assert_allclose(learner.leaky_relu(x.copy(), alpha=alpha), np.where(x > 0, x, alpha * x),
                        call_repr("leaky_relu", x, alpha=alpha),
                        why="leaky_relu is x for x > 0 and alpha * x otherwise, for any alpha; "
                            "max(x, alpha * x) is the same only when alpha <= 1")
        assert_allclose(learner.leaky_relu_grad(x.copy(), alpha=alpha), np.where(x > 0, 1.0, alpha),
                        call_repr("leaky_relu_grad", x, alpha=alpha),
                        why="the gradient is 1 for x > 0 and alpha otherwise, for any alpha")

