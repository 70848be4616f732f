"""Tabular Q-learning on gymnasium's FrozenLake.

Run the visible tests with `python grade.py check q_learning`.
Use the current gymnasium API: `obs, info = env.reset(seed=...)` and
`obs, reward, terminated, truncated, info = env.step(action)`.
"""
import gymnasium as gym
import numpy as np


def epsilon_greedy(q_row, eps, seed):
    """Pick an action for one state.

    q_row: 1-D array of Q-values (n_actions,); eps: exploration probability in [0, 1];
    seed: int (or numpy Generator) for np.random.default_rng.
    With probability eps return a uniformly random action among ALL actions; otherwise a greedy
    action, ties broken uniformly at random among the best actions. Returns a Python int.
    """
    # TODO: draw with np.random.default_rng(seed)
    raise NotImplementedError("epsilon_greedy")


def q_update(Q, s, a, r, s2, terminated, alpha, gamma):
    """One Q-learning update; returns a NEW array (do not rely on changing Q in place).

    Q: (n_states, n_actions) float array. Moves Q[s, a] toward the target
    r + gamma * max_a' Q[s2, a'], or toward r alone when `terminated` is True.
    A step cut by a time limit (truncated) is not terminal: pass terminated=False.
    """
    # TODO
    raise NotImplementedError("q_update")


def train_q_learning(env_id, episodes, seed, **env_kwargs):
    """Train a Q-table in gym.make(env_id, **env_kwargs) for `episodes` episodes.

    Seed everything from `seed` (env.reset(seed=...), env.action_space.seed, your own RNG).
    Choose alpha, gamma and an exploration schedule yourself. Returns Q, a float array of
    shape (n_states, n_actions). The judge plays the greedy policy argmax(Q[s]).
    """
    # TODO: env = gym.make(env_id, **env_kwargs); loop over episodes with epsilon_greedy and q_update
    raise NotImplementedError("train_q_learning")
