"""Visible tests for wgan_gp: `python grade.py check wgan_gp`."""
import numpy as np

from graders.asserts import assert_scalar_close
from graders.models import model_spec


def linear_critic(w):
    """Flatten -> Dense(1) with weights w, packed as data: the learner's as_model() rebuilds it."""
    import keras
    model = keras.Sequential([keras.Input((len(w),)), keras.layers.Dense(1)])
    model.set_weights([np.asarray(w, np.float32).reshape(-1, 1), np.zeros(1, np.float32)])
    spec = model_spec(model)
    return {"config": spec["config"], "weights": spec["weights"]}


def test_penalty_of_a_linear_critic(learner):
    # the gradient of w.x is w everywhere: ||w|| = 5, so the penalty is 10 * (5 - 1)^2 = 160
    real = np.ones((4, 2), np.float32)
    fake = np.zeros((4, 2), np.float32)
    got = learner.gradient_penalty(linear_critic([3.0, 4.0]), real, fake, 0)
    assert_scalar_close(got, 160.0, "gradient_penalty(critic with w=[3, 4], real, fake, seed=0)", rtol=1e-4)


def test_penalty_is_zero_for_unit_gradient(learner):
    real = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    got = learner.gradient_penalty(linear_critic([0.6, 0.8]), real, -real, 1)
    assert_scalar_close(got, 0.0, "gradient_penalty(critic with w=[0.6, 0.8], real, fake, seed=1)", atol=1e-4)


def test_losses_small_example(learner):
    real, fake = np.array([1.0, 3.0]), np.array([0.0, -2.0])
    assert_scalar_close(learner.critic_loss(real, fake), -3.0, "critic_loss([1, 3], [0, -2])")
    assert_scalar_close(learner.generator_loss(fake), 1.0, "generator_loss([0, -2])")
