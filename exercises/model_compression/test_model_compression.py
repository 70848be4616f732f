"""Visible tests for model_compression: `python grade.py check model_compression`."""
import numpy as np
import pytest

from graders.asserts import assert_allclose, assert_equal, call_repr


@pytest.mark.clause("C1", "C2")
def test_prune_half(learner):
    w = np.array([[0.5, -3.0], [0.1, 2.0]])
    pruned, mask = learner.magnitude_prune(w, 0.5)
    call = call_repr("magnitude_prune", w, sparsity=0.5)
    assert_equal(mask, [[False, True], [False, True]], call + " mask")
    assert_allclose(pruned, [[0.0, -3.0], [0.0, 2.0]], call + " pruned weights")


@pytest.mark.clause("C4", "C5", "C6")
def test_quantize_small_example(learner):
    w = np.array([-1.0, 0.0, 2.0])
    q, scale, zero_point = learner.quantize_int8(w)
    call = call_repr("quantize_int8", w)
    assert_allclose(np.float64(scale), 3.0 / 255, call + " scale")
    assert int(zero_point) == -43, f"called {call}; zero_point {zero_point}, expected round(-128 - (-1) / scale) = -43"
    assert_equal(q, np.array([-128, -43, 127], dtype=np.int8), call + " q")
    back = learner.dequantize(q, scale, zero_point)
    assert_allclose(back, w, call_repr("dequantize", q, scale=scale, zero_point=zero_point), atol=scale / 2)


@pytest.mark.clause("C8")
@pytest.mark.points(2)
def test_distillation_hard_term_only(learner):
    student = np.array([[2.0, 0.0], [0.0, 1.0]])
    teacher = np.array([[5.0, -5.0], [0.0, 0.0]])
    y = np.array([0, 1])
    expected = np.mean(np.log1p(np.exp([-2.0, -1.0])))  # cross-entropy with the labels
    call = call_repr("distillation_loss", student, teacher_logits=teacher, y=y, T=2.0, alpha=1.0)
    assert_allclose(np.float64(learner.distillation_loss(student, teacher, y, 2.0, 1.0)), expected, call, rtol=1e-9,
                    why="alpha = 1 keeps only the mean cross-entropy with the true labels")


@pytest.mark.clause("C8")
def test_distillation_same_logits_no_soft_loss(learner):
    z = np.array([[1.0, 2.0, 3.0]])
    call = call_repr("distillation_loss", z, teacher_logits=z, y=[2], T=3.0, alpha=0.0)
    assert_allclose(np.float64(learner.distillation_loss(z, z, np.array([2]), 3.0, 0.0)), 0.0, call, atol=1e-12,
                    why="KL(p || p) = 0")
