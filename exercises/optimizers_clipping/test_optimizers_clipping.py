"""Visible tests for optimizers_clipping: `python grade.py check optimizers_clipping`."""
import numpy as np

from graders.asserts import assert_allclose, assert_scalar_close, call_repr


def test_clip_by_value_small_example(learner):
    g = np.array([-3.0, 0.5, 2.0])
    assert_allclose(learner.clip_by_value(g, 1.0), [-1.0, 0.5, 1.0], call_repr("clip_by_value", g, 1.0))


def test_clip_by_norm_keeps_direction(learner):
    g = np.array([3.0, 4.0])  # norm 5
    assert_allclose(learner.clip_by_norm(g, 1.0), [0.6, 0.8], call_repr("clip_by_norm", g, 1.0), rtol=1e-9)
    assert_allclose(learner.clip_by_norm(g, 10.0), [3.0, 4.0], call_repr("clip_by_norm", g, 10.0), rtol=1e-9)


def test_clip_by_global_norm_small_example(learner):
    grads = [np.array([3.0]), np.array([4.0])]  # global norm 5
    clipped, norm = learner.clip_by_global_norm(grads, 2.5)
    call = call_repr("clip_by_global_norm", grads, 2.5)
    assert_scalar_close(norm, 5.0, call + " global_norm", rtol=1e-9)
    assert_allclose(clipped[0], [1.5], call + " clipped[0]", rtol=1e-9)
    assert_allclose(clipped[1], [2.0], call + " clipped[1]", rtol=1e-9)


def test_sgd_momentum_first_steps(learner):
    w, g, v = np.array([1.0]), np.array([2.0]), np.zeros(1)
    w1, v1 = learner.sgd_momentum_step(w, g, v, 0.1, 0.9)
    call = call_repr("sgd_momentum_step", w, g, v, 0.1, 0.9)
    assert_allclose(v1, [-0.2], call + " v_new", rtol=1e-9)
    assert_allclose(w1, [0.8], call + " w_new", rtol=1e-9)
    w2, v2 = learner.sgd_momentum_step(w1, g, v1, 0.1, 0.9)
    call = call_repr("sgd_momentum_step", w1, g, v1, 0.1, 0.9)
    assert_allclose(v2, [-0.38], call + " v_new", rtol=1e-9)
    assert_allclose(w2, [0.42], call + " w_new", rtol=1e-9)


def test_adam_first_step_moves_by_about_lr(learner):
    # after bias correction the first step is lr * g / (|g| + tiny), whatever the size of g
    w, m, v = np.zeros(3), np.zeros(3), np.zeros(3)
    g = np.array([0.05, -5.0, 200.0])
    w1, m1, v1 = learner.adam_step(w, g, m, v, 1, lr=0.01)
    call = call_repr("adam_step", w, g, m, v, 1, lr=0.01)
    assert_allclose(m1, 0.1 * g, call + " m_new", rtol=1e-9)
    assert_allclose(v1, 0.001 * g ** 2, call + " v_new", rtol=1e-9)
    assert_allclose(w1, [-0.01, 0.01, -0.01], call + " w_new", rtol=1e-3)
