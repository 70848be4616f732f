"""Visible tests for losses: `python grade.py check losses`."""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_finite, assert_scalar_close, call_repr


def test_mse_small_example(learner):
    y, p = np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0])
    assert_scalar_close(learner.mse(y, p), 4.0 / 3.0, call_repr("mse", y, p))
    assert_allclose(learner.mse_grad(y, p), [0.0, 0.0, 4.0 / 3.0], call_repr("mse_grad", y, p),
                    why="the derivative of the mean of (p - y)**2 is 2 (p - y) / N")


def test_binary_cross_entropy_small_example(learner):
    y, p = np.array([1.0, 0.0]), np.array([0.8, 0.4])
    assert_scalar_close(learner.binary_cross_entropy(y, p), -(np.log(0.8) + np.log(0.6)) / 2,
                        call_repr("binary_cross_entropy", y, p))
    assert_allclose(learner.binary_cross_entropy_grad(y, p), [-1 / 0.8 / 2, 1 / 0.6 / 2],
                    call_repr("binary_cross_entropy_grad", y, p))


@pytest.mark.points(2)
def test_binary_cross_entropy_finite_at_0_and_1(learner):
    y, p = np.array([0.0, 1.0]), np.array([1.0, 0.0])
    assert_finite(learner.binary_cross_entropy(y, p), call_repr("binary_cross_entropy", y, p),
                  "log(0) is -inf: clip p into [eps, 1 - eps]")


def test_logits_form_small_example(learner):
    y, z = np.array([1.0, 0.0]), np.array([0.0, 0.0])
    assert_scalar_close(learner.binary_cross_entropy_with_logits(y, z), np.log(2.0),
                        call_repr("binary_cross_entropy_with_logits", y, z))
    assert_allclose(learner.binary_cross_entropy_with_logits_grad(y, z), [-0.25, 0.25],
                    call_repr("binary_cross_entropy_with_logits_grad", y, z), why="(sigmoid(z) - y) / N")


@pytest.mark.points(2)
def test_logits_form_large_logits(learner):
    y, z = np.array([0.0, 1.0]), np.array([1000.0, -1000.0])
    got = assert_finite(learner.binary_cross_entropy_with_logits(y, z),
                        call_repr("binary_cross_entropy_with_logits", y, z), "exp(1000) overflows")
    assert_scalar_close(got, 1000.0, call_repr("binary_cross_entropy_with_logits", y, z))


def test_categorical_cross_entropy_small_example(learner):
    y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    p = np.array([[0.2, 0.7, 0.1], [0.5, 0.25, 0.25]])
    assert_scalar_close(learner.categorical_cross_entropy(y, p), -(np.log(0.7) + np.log(0.5)) / 2,
                        call_repr("categorical_cross_entropy", y, p), why="sum over classes, mean over rows")
    assert_allclose(learner.categorical_cross_entropy_grad(y, p), [[0, -1 / 0.7 / 2, 0], [-1 / 0.5 / 2, 0, 0]],
                    call_repr("categorical_cross_entropy_grad", y, p))


def test_hinge_small_example(learner):
    y, s = np.array([1.0, -1.0, 1.0]), np.array([2.0, 0.5, 0.2])
    assert_scalar_close(learner.hinge(y, s), (0.0 + 1.5 + 0.8) / 3, call_repr("hinge", y, s))
    assert_allclose(learner.hinge_grad(y, s), [0.0, 1 / 3, -1 / 3], call_repr("hinge_grad", y, s))
