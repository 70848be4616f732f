"""REINFORCE (Monte-Carlo policy gradient) on gymnasium's CartPole-v1.

Run the visible tests with `python grade.py check reinforce`.
Use the current gymnasium API: `obs, info = env.reset(seed=...)` and
`obs, reward, terminated, truncated, info = env.step(action)`.
Import TensorFlow/Keras inside train_reinforce (importing it costs seconds).
"""
import gymnasium as gym
import numpy as np


def discounted_returns(rewards, gamma):
    """Reward-to-go of one episode: G_t = r_t + gamma * G_{t+1}, G_T = 0.

    rewards: sequence of T numbers. Returns a float64 array of shape (T,).
    """
    # TODO: accumulate backwards
    raise NotImplementedError("discounted_returns")


def policy_loss(logp, returns, normalize=True):
    """REINFORCE loss of one episode, as a Python float.

    logp: (T,) log pi(a_t | s_t) of the actions taken; returns: (T,) reward-to-go G_t.
    A = (G - mean(G)) / (std(G) + 1e-8) with the population std (np.std) when normalize is True,
    A = G otherwise. loss = -mean(logp * A).
    """
    # TODO
    raise NotImplementedError("policy_loss")


def train_reinforce(env_id, episodes, seed):
    """Train a policy network with REINFORCE for `episodes` episodes of gym.make(env_id).

    Returns (policy_model, episode_returns):
    - policy_model: a keras.Model of standard layers, input (None, obs_dim) float32 observations,
      output (None, n_actions) action probabilities (softmax);
    - episode_returns: list of the `episodes` undiscounted training returns.
    Seed keras.utils.set_random_seed(seed), env.reset(seed=...) and your sampling RNG from `seed`.
    """
    # TODO: sample episodes with the current policy, then one gradient step per episode on policy_loss
    raise NotImplementedError("train_reinforce")
