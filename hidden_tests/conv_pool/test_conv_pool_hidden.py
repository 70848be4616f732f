"""Hidden tests for conv_pool: forward vs tf.nn.conv2d / tf.nn.max_pool2d, backward vs tf.GradientTape.

TensorFlow is imported once, lazily, in the module fixture `tf_expected` (budget 10 s).
Wrong answers this suite is built to catch:
- output size off by one: (H + 2*pad - K) // stride without the + 1, or rounding up
- padding the batch or channel axis too (np.pad(x, pad) pads all four axes)
- kernel flipped: a true convolution instead of the cross-correlation that tf.nn.conv2d computes
- stride ignored in backward (windows taken at stride 1 when accumulating dw / scattering dx)
- db not summed over N, H and W (averaged over the batch, or summed over one axis only)
- padding stripped wrongly from dx (dxp[:, p:-p, p:-p] is empty when pad == 0)
- maxpool output size off by one
- maxpool backward routing the gradient to every element of the window
- maxpool backward routing the gradient to the window's first (top-left) element instead of its argmax
- maxpool backward with overlapping windows (stride < size) overwriting instead of adding
- maxpool ties resolved against the documented convention (last maximum wins, or the gradient split
  between tied maxima) instead of the first maximum in row-major window order
- defaults other than the signatures' (stride=1, pad=0 for conv; size=2, stride=2 for pooling)
- a cache that is not plain data (slices, functions or other objects beside arrays and ints)
"""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_shape

# (N, H, W, C, KH, KW, F, stride, pad): square and non-square, leftover rows/columns, stride 1-3, pad 0-2
CONV_CASES = [
    (2, 5, 5, 3, 3, 3, 4, 1, 0),
    (2, 6, 7, 2, 3, 3, 3, 1, 1),
    (3, 7, 6, 3, 3, 2, 4, 2, 1),
    (2, 8, 8, 2, 3, 3, 2, 2, 0),
    (1, 9, 8, 2, 4, 3, 2, 3, 2),
]
# (N, H, W, C, size, stride): non-overlapping, overlapping (stride < size), leftover rows/columns
POOL_CASES = [
    (2, 6, 8, 3, 2, 2),
    (2, 7, 7, 2, 3, 2),
    (1, 5, 6, 3, 2, 1),
    (2, 8, 7, 2, 3, 3),
]
FLOAT32_CASE = (2, 6, 5, 3, 3, 3, 2, 2, 1)


def conv_inputs(case, seed, dtype=np.float64):
    n, h, w, c, kh, kw, f, stride, pad = case
    rng = np.random.default_rng(seed)
    ho, wo = (h + 2 * pad - kh) // stride + 1, (w + 2 * pad - kw) // stride + 1
    x, k, b = rng.normal(size=(n, h, w, c)), rng.normal(size=(kh, kw, c, f)), rng.normal(size=f)
    dout = rng.normal(size=(n, ho, wo, f))
    return [a.astype(dtype) for a in (x, k, b, dout)]


def pool_inputs(case, seed):
    n, h, w, c, size, stride = case
    rng = np.random.default_rng(seed)
    ho, wo = (h - size) // stride + 1, (w - size) // stride + 1
    return rng.normal(size=(n, h, w, c)), rng.normal(size=(n, ho, wo, c))  # continuous: no ties


@pytest.fixture(scope="module")
def tf_expected():
    """Every trusted value, computed with one GradientTape per case."""
    import tensorflow as tf

    def conv(case, seed, dtype=np.float64):
        x, k, b, dout = (tf.constant(a) for a in conv_inputs(case, seed, dtype))
        stride, pad = case[7], case[8]
        with tf.GradientTape() as tape:
            tape.watch([x, k, b])
            out = tf.nn.conv2d(x, k, strides=stride, padding=[[0, 0], [pad, pad], [pad, pad], [0, 0]]) + b
            loss = tf.reduce_sum(out * dout)
        return [t.numpy() for t in [out, *tape.gradient(loss, [x, k, b])]]

    def pool(case, seed):
        x, dout = (tf.constant(a) for a in pool_inputs(case, seed))
        with tf.GradientTape() as tape:
            tape.watch(x)
            out = tf.nn.max_pool2d(x, ksize=case[4], strides=case[5], padding="VALID")
            loss = tf.reduce_sum(out * dout)
        return out.numpy(), tape.gradient(loss, x).numpy()

    return {
        "conv": [conv(case, i) for i, case in enumerate(CONV_CASES)],
        "conv32": conv(FLOAT32_CASE, 99, np.float32),
        "pool": [pool(case, 10 + i) for i, case in enumerate(POOL_CASES)],
    }


def conv_call(case):
    n, h, w, c, kh, kw, f, stride, pad = case
    return f"conv2d_forward(x of shape {(n, h, w, c)}, w of shape {(kh, kw, c, f)}, b, stride={stride}, pad={pad})"


# ----------------------------------------------------------------------------- conv2d


@pytest.mark.parametrize("case", [(1, 7, 7, 1, 3, 3, 1, 2, 0), (1, 7, 6, 2, 2, 3, 1, 2, 1),
                                  (2, 10, 9, 1, 4, 4, 2, 3, 1), (1, 4, 4, 1, 4, 4, 1, 1, 0),
                                  (1, 5, 3, 1, 1, 1, 1, 1, 2)])
@pytest.mark.clause("C1", "C2", probes="output size off by one, or padding the batch and channel axes too",
                    topic="convolutions")
def test_conv_output_shape(learner, case):
    n, h, w, c, kh, kw, f, stride, pad = case
    out, _ = learner.conv2d_forward(np.ones((n, h, w, c)), np.ones((kh, kw, c, f)), np.zeros(f), stride, pad)
    expected = (n, (h + 2 * pad - kh) // stride + 1, (w + 2 * pad - kw) // stride + 1, f)
    assert_shape(out, expected, conv_call(case) + " - check the output-size formula and that only H and W "
                 "are padded")


@pytest.mark.clause("C3", "C2", probes="a flipped kernel, or padding and stride handled unlike tf.nn.conv2d",
                    topic="convolutions")
@pytest.mark.points(2)
@pytest.mark.parametrize("index", range(len(CONV_CASES)))
def test_conv_forward_matches_tf(learner, tf_expected, index):
    case = CONV_CASES[index]
    x, k, b, _ = conv_inputs(case, index)
    out, _ = learner.conv2d_forward(x, k, b, case[7], case[8])
    assert_allclose(out, tf_expected["conv"][index][0], conv_call(case), rtol=1e-7, atol=1e-9,
                    show_expected=False,
                    why="differs from tf.nn.conv2d; deep-learning 'convolution' is cross-correlation (the "
                        "kernel is not flipped), and the zero padding goes on H and W only")


@pytest.mark.clause("C6", probes="backward ignoring the stride, db not summed over N, H and W, padding stripped wrongly",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
@pytest.mark.parametrize("index", range(len(CONV_CASES)))
def test_conv_backward_matches_gradient_tape(learner, tf_expected, index):
    case = CONV_CASES[index]
    x, k, b, dout = conv_inputs(case, index)
    _, cache = learner.conv2d_forward(x, k, b, case[7], case[8])
    dx, dw, db = learner.conv2d_backward(dout, cache)
    _, tx, tw, tb = tf_expected["conv"][index]
    call = f"conv2d_backward(dout, cache) after {conv_call(case)}"
    assert_allclose(db, tb, call + ", db", rtol=1e-7, atol=1e-9, show_expected=False,
                    why="the bias touches every output position of every example: sum dout over N, H and W")
    assert_allclose(dw, tw, call + ", dw", rtol=1e-7, atol=1e-9, show_expected=False,
                    why="dw differs from tf.GradientTape; each kernel tap sees the input at stride-spaced "
                        "positions of the padded input")
    assert_allclose(dx, tx, call + ", dx", rtol=1e-7, atol=1e-9, show_expected=False,
                    why="dx differs from tf.GradientTape; scatter dout through the stride-spaced windows of the "
                        "padded input, then strip exactly `pad` rows/columns (also when pad == 0)")


@pytest.mark.clause("C3", "C6", probes="float32 inputs to conv2d_forward and conv2d_backward, compared with TensorFlow",
                    topic="api contract")
def test_conv_float32_inputs(learner, tf_expected):
    x, k, b, dout = conv_inputs(FLOAT32_CASE, 99, np.float32)
    out, cache = learner.conv2d_forward(x, k, b, FLOAT32_CASE[7], FLOAT32_CASE[8])
    t_out, tx, tw, tb = tf_expected["conv32"]
    call = conv_call(FLOAT32_CASE) + " in float32"
    assert_allclose(out, t_out, call, rtol=1e-4, atol=1e-4, show_expected=False)
    dx, dw, db = learner.conv2d_backward(dout, cache)
    for name, got, expected in (("dx", dx, tx), ("dw", dw, tw), ("db", db, tb)):
        assert_allclose(got, expected, f"conv2d_backward(dout, cache) after {call}, {name}", rtol=1e-4,
                        atol=1e-4, show_expected=False)


# ----------------------------------------------------------------------------- max pooling


def pool_call(case):
    n, h, w, c, size, stride = case
    return f"maxpool_forward(x of shape {(n, h, w, c)}, size={size}, stride={stride})"


@pytest.mark.clause("C4", probes="pooling output size off by one", topic="convolutions")
@pytest.mark.parametrize("case", [(1, 7, 7, 1, 2, 2), (2, 9, 6, 1, 3, 2), (1, 5, 5, 2, 3, 1), (1, 4, 4, 1, 4, 4)])
def test_maxpool_output_shape(learner, case):
    n, h, w, c, size, stride = case
    out, _ = learner.maxpool_forward(np.random.default_rng(0).normal(size=(n, h, w, c)), size, stride)
    assert_shape(out, (n, (h - size) // stride + 1, (w - size) // stride + 1, c), pool_call(case))


@pytest.mark.clause("C4", probes="pooling forward unlike tf.nn.max_pool2d VALID", topic="convolutions")
@pytest.mark.parametrize("index", range(len(POOL_CASES)))
def test_maxpool_forward_matches_tf(learner, tf_expected, index):
    case = POOL_CASES[index]
    x, _ = pool_inputs(case, 10 + index)
    out, _ = learner.maxpool_forward(x, case[4], case[5])
    assert_allclose(out, tf_expected["pool"][index][0], pool_call(case), show_expected=False,
                    why="differs from tf.nn.max_pool2d(padding='VALID')")


@pytest.mark.clause("C7", probes="gradient sent to the whole window or its first element, overlaps overwritten",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
@pytest.mark.parametrize("index", range(len(POOL_CASES)))
def test_maxpool_backward_matches_gradient_tape(learner, tf_expected, index):
    case = POOL_CASES[index]
    x, dout = pool_inputs(case, 10 + index)
    _, cache = learner.maxpool_forward(x, case[4], case[5])
    dx = learner.maxpool_backward(dout, cache)
    assert_allclose(dx, tf_expected["pool"][index][1], f"maxpool_backward(dout, cache) after {pool_call(case)}",
                    atol=1e-12, show_expected=False,
                    why="differs from tf.GradientTape (inputs without ties); only the maximum of each window "
                        "receives its gradient, and overlapping windows add up")


@pytest.mark.clause("C8", probes="ties resolved to the last maximum or split between maxima",
                    topic="gradients and backpropagation")
@pytest.mark.points(2)
def test_maxpool_ties_go_to_first_maximum(learner):
    # channel 0: four windows with different tie patterns; channel 1: constant (every window tied)
    ch0 = np.array([[1.0, 1.0, 0.0, 5.0],
                    [1.0, 1.0, 5.0, 5.0],
                    [2.0, 1.0, 0.0, 0.0],
                    [2.0, 0.0, 3.0, 3.0]])
    x = np.stack([ch0, np.full((4, 4), 7.0)], axis=-1)[None]
    dout = np.arange(1.0, 9.0).reshape(1, 2, 2, 2)
    _, cache = learner.maxpool_forward(x, 2, 2)
    dx = learner.maxpool_backward(dout, cache)
    expected = np.zeros((1, 4, 4, 2))
    for (r, c), (wr, wc) in {(0, 0): (0, 0), (0, 1): (0, 3), (1, 0): (2, 0), (1, 1): (3, 2)}.items():
        expected[0, wr, wc, 0] = dout[0, r, c, 0]
        expected[0, 2 * r, 2 * c, 1] = dout[0, r, c, 1]
    assert_allclose(dx, expected, "maxpool_backward(dout, cache) after maxpool_forward(x with tied maxima, 2, 2)",
                    why="with tied maxima the whole gradient goes to the first maximum in row-major window "
                        "order (the documented convention, as np.argmax on the flattened window)")


@pytest.mark.clause("C8", "C7", probes="tied maxima in overlapping windows: the gradients of every window must add up",
                    topic="gradients and backpropagation")
def test_maxpool_ties_with_overlapping_windows(learner):
    x = np.full((1, 3, 3, 1), 2.0)
    dout = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
    _, cache = learner.maxpool_forward(x, 2, 1)
    dx = learner.maxpool_backward(dout, cache)
    expected = np.array([[1.0, 2.0, 0.0], [3.0, 4.0, 0.0], [0.0, 0.0, 0.0]]).reshape(1, 3, 3, 1)
    assert_allclose(dx, expected, "maxpool_backward(dout, cache) after maxpool_forward(constant x, size=2, stride=1)",
                    why="every window is a tie: each sends its gradient to its own first (top-left) maximum")


# ----------------------------------------------------------------------------- defaults and caches


@pytest.mark.clause("C5", probes="default stride, pad or pool size different from the signatures'",
                    topic="api contract")
def test_defaults(learner, reference):
    rng = np.random.default_rng(21)
    x, k, b = rng.normal(size=(2, 6, 7, 2)), rng.normal(size=(3, 3, 2, 3)), rng.normal(size=3)
    assert_allclose(learner.conv2d_forward(x, k, b)[0], reference.conv2d_forward(x, k, b, 1, 0)[0],
                    "conv2d_forward(x of shape (2, 6, 7, 2), w of shape (3, 3, 2, 3), b) with the defaults",
                    rtol=1e-7, atol=1e-9, show_expected=False, why="the defaults are stride=1, pad=0")
    x = rng.normal(size=(2, 6, 7, 2))
    assert_allclose(learner.maxpool_forward(x)[0], reference.maxpool_forward(x, 2, 2)[0],
                    "maxpool_forward(x of shape (2, 6, 7, 2)) with the defaults", show_expected=False,
                    why="the defaults are size=2, stride=2")


def _plain_data(value, where="cache"):
    """The first part of a cache that is not plain data (arrays and ints in tuples, lists, dicts), or None."""
    if isinstance(value, dict):
        return next((bad for key, item in value.items() if (bad := _plain_data(item, f"{where}[{key!r}]"))), None)
    if isinstance(value, (tuple, list)):
        return next((bad for i, item in enumerate(value) if (bad := _plain_data(item, f"{where}[{i}]"))), None)
    if isinstance(value, (np.ndarray, int, np.integer)) and not isinstance(value, bool):
        return None
    return f"{where} is a {type(value).__name__}"


@pytest.mark.clause("C9", probes="a cache holding objects other than numpy arrays and ints", topic="api contract")
def test_caches_are_plain_data(learner):
    rng = np.random.default_rng(22)
    x, k, b = rng.normal(size=(1, 5, 5, 2)), rng.normal(size=(3, 3, 2, 2)), rng.normal(size=2)
    for call, (_, cache) in ((conv_call((1, 5, 5, 2, 3, 3, 2, 2, 1)), learner.conv2d_forward(x, k, b, 2, 1)),
                             ("maxpool_forward(x of shape (1, 5, 5, 2), size=2, stride=1)",
                              learner.maxpool_forward(x, 2, 1))):
        assert isinstance(cache, (tuple, list, dict)), (
            f"called {call}; the cache is a {type(cache).__name__}, expected a tuple or dict of numpy arrays and ints")
        bad = _plain_data(cache)
        assert bad is None, (f"called {call}; {bad} - the cache must be plain data (numpy arrays and ints), "
                             f"because the grader may carry it between processes")
