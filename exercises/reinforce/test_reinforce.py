"""Visible tests for reinforce: `python grade.py check reinforce`.

The hidden tests also train your agent (300 episodes) and let the judge play the returned policy.
"""
import numpy as np

from graders.asserts import assert_allclose, assert_scalar_close, call_repr


def test_discounted_returns_small_example(learner):
    rewards = np.array([1.0, 1.0, 1.0])
    call = call_repr("discounted_returns", rewards, 0.9)
    assert_allclose(learner.discounted_returns(rewards, 0.9), [2.71, 1.9, 1.0], call, rtol=1e-12)


def test_discounted_returns_gamma_zero_is_rewards(learner):
    rewards = np.array([3.0, -1.0, 2.0])
    call = call_repr("discounted_returns", rewards, 0.0)
    assert_allclose(learner.discounted_returns(rewards, 0.0), rewards, call)


def test_policy_loss_without_normalisation(learner):
    logp = np.log(np.array([0.5, 0.5]))
    returns = np.array([1.0, 3.0])
    call = call_repr("policy_loss", logp, returns, normalize=False)
    assert_scalar_close(learner.policy_loss(logp, returns, normalize=False), 2.0 * np.log(2.0), call, rtol=1e-9)


def test_policy_loss_normalised_returns(learner):
    logp = np.log(np.array([0.8, 0.4]))
    returns = np.array([1.0, 3.0])        # normalised: [-1, 1]
    call = call_repr("policy_loss", logp, returns, normalize=True)
    assert_scalar_close(learner.policy_loss(logp, returns, normalize=True),
                        -(np.log(0.8) * -1 + np.log(0.4) * 1) / 2, call, rtol=1e-6)


def test_train_reinforce_returns_a_policy_model(learner):
    from graders.models import model_spec

    model, returns = learner.train_reinforce("CartPole-v1", 3, 0)
    spec = model_spec(model)
    assert tuple(spec["output_shape"]) == (None, 2), f"output shape {spec['output_shape']}, expected (None, 2)"
    assert len(returns) == 3, f"got {len(returns)} episode returns for 3 episodes"
