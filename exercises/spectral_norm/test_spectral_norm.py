"""Visible tests for spectral_norm: `python grade.py check spectral_norm`."""
import math

import numpy as np

from graders.asserts import assert_allclose, assert_scalar_close, call_repr

W = np.array([[3.0, 0.0], [0.0, 1.0]])  # singular values 3 and 1
U0 = np.array([1.0, 1.0])


def test_one_iteration_by_hand(learner):
    sigma, u, v = learner.power_iteration(W, U0)
    call = call_repr("power_iteration", w=W, u=U0)
    # v = W u / |W u| = [3, 1] / sqrt(10); u = W^T v / |W^T v| = [9, 1] / sqrt(82); sigma = v^T W u = sqrt(8.2)
    assert_allclose(v, np.array([3.0, 1.0]) / math.sqrt(10), call + ", v", rtol=1e-9)
    assert_allclose(u, np.array([9.0, 1.0]) / math.sqrt(82), call + ", u", rtol=1e-9)
    assert_scalar_close(sigma, math.sqrt(8.2), call + ", sigma", rtol=1e-9,
                        why="one iteration's estimate, below the true 3 (the Frobenius norm would be sqrt(10))")


def test_continuing_from_the_returned_u(learner):
    _, u, _ = learner.power_iteration(W, U0)
    sigma, _, _ = learner.power_iteration(W, u)
    expected = math.sqrt(6562 / 730)  # v = [27, 1] / sqrt(730), |W^T v| = sqrt(6562 / 730)
    assert_scalar_close(sigma, expected, "power_iteration(W, u) with u from a first call", rtol=1e-9)
    sigma2, _, _ = learner.power_iteration(W, U0, n_iter=2)
    assert_scalar_close(sigma2, expected, call_repr("power_iteration", w=W, u=U0, n_iter=2), rtol=1e-9,
                        why="two iterations from [1, 1] = one iteration, then one more from the returned u")


def test_many_iterations_reach_the_largest_singular_value(learner):
    sigma, _, _ = learner.power_iteration(W, U0, n_iter=50)
    assert_scalar_close(sigma, 3.0, call_repr("power_iteration", w=W, u=U0, n_iter=50), rtol=1e-9)


def test_spectral_normalize(learner):
    w_sn, _, sigma = learner.spectral_normalize(W, U0)
    call = call_repr("spectral_normalize", w=W, u=U0)
    assert_scalar_close(sigma, math.sqrt(8.2), call + ", sigma", rtol=1e-9)
    assert_allclose(w_sn, W / math.sqrt(8.2), call + ", w / sigma", rtol=1e-9)


def test_layer_keeps_u_between_training_calls(learner):
    layer = learner.SpectralDense(W, np.zeros(2), u=U0)
    x = np.array([[1.0, 1.0]])
    assert_allclose(layer.forward(x), np.array([[3.0, 1.0]]) / math.sqrt(8.2), "first forward(x)", rtol=1e-9)
    assert_allclose(layer.u, np.array([9.0, 1.0]) / math.sqrt(82), "layer.u after the first forward", rtol=1e-9)
    expected = np.array([[3.0, 1.0]]) / math.sqrt(6562 / 730)
    assert_allclose(layer.forward(x, training=False), expected, "forward(x, training=False) after it", rtol=1e-9,
                    why="the iteration continues from the stored u")
    assert_allclose(layer.u, np.array([9.0, 1.0]) / math.sqrt(82), "layer.u after forward(x, training=False)",
                    rtol=1e-9, why="evaluation does not change the stored u")


def test_backward_shapes_and_bias(learner):
    rng = np.random.default_rng(0)
    layer = learner.SpectralDense(rng.normal(size=(4, 3)), rng.normal(size=3))
    x, grad_out = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))
    layer.forward(x)
    dx, dw, db = layer.backward(grad_out)
    assert_allclose(db, grad_out.sum(axis=0), "backward(grad_out), db", rtol=1e-9)
    assert np.shape(dx) == (5, 4) and np.shape(dw) == (4, 3), \
        f"backward(grad_out): got dx {np.shape(dx)} and dw {np.shape(dw)}, expected (5, 4) and (4, 3)"
