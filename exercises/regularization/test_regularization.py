"""Visible tests for regularization: `python grade.py check regularization`."""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_scalar_close, assert_shape, call_repr


def test_penalties_small_example(learner):
    ws = [np.array([1.0, -2.0]), np.array([[3.0]])]
    assert_scalar_close(learner.l1_penalty(ws, 0.1), 0.1 * (1 + 2 + 3), "l1_penalty([[1, -2], [[3]]], lam=0.1)")
    assert_scalar_close(learner.l2_penalty(ws, 0.1), 0.1 * (1 + 4 + 9), "l2_penalty([[1, -2], [[3]]], lam=0.1)")


def test_penalty_grads_small_example(learner):
    ws = [np.array([0.0, 2.0, -3.0])]
    l1 = learner.l1_penalty_grad(ws, 0.5)
    assert_allclose(l1[0], [0.0, 0.5, -0.5], "l1_penalty_grad([[0, 2, -3]], lam=0.5)[0] (subgradient 0 at w == 0)")
    l2 = learner.l2_penalty_grad(ws, 0.5)
    assert_allclose(l2[0], [0.0, 2.0, -3.0], "l2_penalty_grad([[0, 2, -3]], lam=0.5)[0] (d/dw of 0.5 * w**2)")


def test_dropout_is_identity_at_eval(learner):
    x = np.arange(6.0).reshape(2, 3)
    out, mask = learner.dropout_forward(x, 0.5, training=False, seed=0)
    assert_allclose(out, x, call_repr("dropout_forward", x, 0.5, training=False, seed=0))
    assert_shape(mask, x.shape, call_repr("dropout_forward", x, 0.5, training=False, seed=0), what="mask")


def test_dropout_training_scales_kept_units(learner):
    x = np.ones((4, 5))
    out, mask = learner.dropout_forward(x, 0.5, training=True, seed=1)
    call = call_repr("dropout_forward", x, 0.5, training=True, seed=1)
    mask = assert_shape(mask, x.shape, call, what="mask").astype(bool)
    assert_allclose(out, np.where(mask, 2.0, 0.0), call + " (kept units are divided by 1 - p)")
    dx = learner.dropout_backward(np.ones((4, 5)), mask, 0.5)
    assert_allclose(dx, np.where(mask, 2.0, 0.0), "dropout_backward(ones, mask, 0.5) with the mask forward returned")


@pytest.mark.points(2)
def test_batchnorm_training_small_example(learner):
    x = np.array([[1.0], [3.0]])  # batch mean 2, batch variance 1 (divide by N)
    running = {"mean": np.array([0.0]), "var": np.array([0.0])}
    out, new = learner.batchnorm_forward(x, np.ones(1), np.zeros(1), running, True, momentum=0.9, eps=0.0)
    call = "batchnorm_forward(x=[[1], [3]], gamma=1, beta=0, running zeros, training=True, momentum=0.9, eps=0)"
    assert_allclose(out, [[-1.0], [1.0]], call)
    assert_allclose(new["mean"], [0.2], call + ", new running mean")
    assert_allclose(new["var"], [0.1], call + ", new running var")
