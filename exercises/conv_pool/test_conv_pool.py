"""Visible tests for conv_pool: `python grade.py check conv_pool`."""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_shape, call_repr, centred_difference, rel_error


def test_conv_small_hand_example(learner):
    x = np.arange(1.0, 10.0).reshape(1, 3, 3, 1)  # [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    w = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(2, 2, 1, 1)
    b = np.array([0.5])
    out, _ = learner.conv2d_forward(x, w, b)
    # top-left output: 1*1 + 2*2 + 4*3 + 5*4 + 0.5 (the kernel is not flipped)
    expected = np.array([[37.5, 47.5], [67.5, 77.5]]).reshape(1, 2, 2, 1)
    assert_allclose(out, expected, call_repr("conv2d_forward", x, w, b))


def test_conv_output_shape_with_stride_and_padding(learner):
    x = np.zeros((2, 7, 6, 3))
    w = np.zeros((3, 3, 3, 4))
    out, _ = learner.conv2d_forward(x, w, np.zeros(4), stride=2, pad=1)
    assert_shape(out, (2, 4, 3, 4), call_repr("conv2d_forward", x, w, np.zeros(4), stride=2, pad=1))


@pytest.mark.points(2)
def test_conv_backward_matches_centred_difference(learner):
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(1, 5, 4, 2)), rng.normal(size=(2, 3, 2, 2)), rng.normal(size=2)
    out, cache = learner.conv2d_forward(x, w, b, stride=2, pad=1)
    dout = rng.normal(size=np.shape(out))
    dx, dw, db = learner.conv2d_backward(dout, cache)
    call = call_repr("conv2d_backward", dout) + " after conv2d_forward(stride=2, pad=1)"
    numeric = {
        "dx": centred_difference(lambda v: np.sum(learner.conv2d_forward(v, w, b, 2, 1)[0] * dout), x),
        "dw": centred_difference(lambda v: np.sum(learner.conv2d_forward(x, v, b, 2, 1)[0] * dout), w),
        "db": centred_difference(lambda v: np.sum(learner.conv2d_forward(x, w, v, 2, 1)[0] * dout), b),
    }
    for name, got in zip(("dx", "dw", "db"), (dx, dw, db)):
        assert_shape(got, numeric[name].shape, call, what=name)
        err = rel_error(got, numeric[name])
        assert err < 1e-6, f"called {call}; {name} differs from a centred difference (relative error {err:.2g})"


def test_maxpool_small_hand_example(learner):
    x = np.array([[1.0, 3.0, 2.0, 0.0],
                  [4.0, 2.0, 1.0, 5.0],
                  [0.0, 1.0, 7.0, 6.0],
                  [2.0, 9.0, 8.0, 3.0]]).reshape(1, 4, 4, 1)
    out, cache = learner.maxpool_forward(x, size=2, stride=2)
    assert_allclose(out, np.array([[4.0, 5.0], [9.0, 8.0]]).reshape(1, 2, 2, 1), call_repr("maxpool_forward", x))
    dout = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
    dx = learner.maxpool_backward(dout, cache)
    expected = np.array([[0.0, 0.0, 0.0, 0.0],
                         [1.0, 0.0, 0.0, 2.0],
                         [0.0, 0.0, 0.0, 0.0],
                         [0.0, 3.0, 4.0, 0.0]]).reshape(1, 4, 4, 1)
    assert_allclose(dx, expected, call_repr("maxpool_backward", dout) + " (each window's gradient goes to its maximum)")
