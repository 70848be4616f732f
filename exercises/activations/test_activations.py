"""Visible tests for activations: `python grade.py check activations`."""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_finite, assert_shape, call_repr


def test_sigmoid_of_zero_is_half(learner):
    x = np.zeros(3)
    assert_allclose(learner.sigmoid(x), np.full(3, 0.5), call_repr("sigmoid", x))


def test_relu_small_example(learner):
    x = np.array([-2.0, 0.0, 3.0])
    assert_allclose(learner.relu(x), [0.0, 0.0, 3.0], call_repr("relu", x))


def test_softmax_rows_sum_to_one(learner):
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    out = learner.softmax(x)
    assert_allclose(np.sum(out, axis=-1), np.ones(2), call_repr("softmax", x) + " summed over the last axis", atol=1e-9)
    assert_allclose(out[1], np.full(3, 1 / 3), call_repr("softmax", x) + " row 1")


@pytest.mark.points(2)
def test_softmax_large_inputs_stay_finite(learner):
    x = np.array([[1000.0, 1000.0]])
    call = call_repr("softmax", x)
    out = assert_shape(learner.softmax(x), x.shape, call)
    assert_finite(out, call, "exp(1000) overflows; look at how softmax is made numerically stable")
    assert_allclose(out, [[0.5, 0.5]], call)


def test_gradients_small_example(learner):
    x = np.array([-1.0, 0.0, 2.0])
    s = 1 / (1 + np.exp(-x))
    assert_allclose(learner.sigmoid_grad(x), s * (1 - s), call_repr("sigmoid_grad", x))
    assert_allclose(learner.tanh_grad(x), 1 - np.tanh(x) ** 2, call_repr("tanh_grad", x))
    assert_allclose(learner.relu_grad(x), [0.0, 0.0, 1.0], call_repr("relu_grad", x))
    assert_allclose(learner.leaky_relu_grad(x, alpha=0.1), [0.1, 0.1, 1.0],
                    call_repr("leaky_relu_grad", x, alpha=0.1))


def test_leaky_relu_uses_alpha(learner):
    x = np.array([-2.0, 3.0])
    assert_allclose(learner.leaky_relu(x, alpha=0.2), [-0.4, 3.0], call_repr("leaky_relu", x, alpha=0.2))


def test_softmax_along_axis_0(learner):
    x = np.array([[1.0, 5.0, 0.0], [1.0, 2.0, 0.0]])
    out = learner.softmax(x, axis=0)
    assert_allclose(np.sum(out, axis=0), np.ones(3), call_repr("softmax", x, axis=0) + " summed over axis 0",
                    atol=1e-9)
    assert_allclose(out[:, 0], [0.5, 0.5], call_repr("softmax", x, axis=0) + " column 0")


def test_sigmoid_large_inputs(learner):
    x = np.array([-1000.0, -40.0, 40.0, 1000.0])
    out = assert_finite(learner.sigmoid(x), call_repr("sigmoid", x), "look at how sigmoid avoids overflow")
    assert_allclose(out, [0.0, np.exp(-40.0), 1.0, 1.0], call_repr("sigmoid", x), rtol=1e-6, atol=0,
                    why="sigmoid(-40) is about 4.2e-18: tiny, but not 0")
