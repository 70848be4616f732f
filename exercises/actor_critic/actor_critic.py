"""Actor-critic building blocks: TD targets, GAE, and a two-headed Keras network.

Run the visible tests with `python grade.py check actor_critic`.
Import Keras inside build_actor_critic (importing TensorFlow costs seconds).
"""
import numpy as np


def td_targets(r, v_next, terminated, gamma):
    """One-step TD targets for the critic.

    r, v_next, terminated: arrays of the same shape (T,); v_next[t] is V of the state reached by step t
    (for a truncated step: the value of the final observation). Returns float64
    r + gamma * v_next, with no bootstrap (target = r) where terminated is True.
    """
    # TODO
    raise NotImplementedError("td_targets")


def gae(r, v, v_last, terminated, truncated, gamma, lam):
    """Generalised advantage estimation over T consecutive steps of ONE environment.

    r, v, terminated, truncated: shape (T,); v[t] = V(s_t); v_last = V(s_T), the value of the
    observation returned by the last step. Episodes may TERMINATE anywhere in the buffer (the next row
    starts a new episode); a TRUNCATION (without termination) may only be the last step (raise
    ValueError otherwise). A step with both flags set counts as terminated.
      next value:  V(s_{t+1}) = v[t+1] for t < T-1, v_last for t = T-1
      delta_t = r_t + gamma * V(s_{t+1}) * (1 - terminated_t) - v_t
      A_t     = delta_t + gamma * lam * (1 - terminated_t) * A_{t+1},   A_T = 0
    Returns (advantages, returns), float64 arrays of shape (T,), returns = advantages + v.
    """
    # TODO
    raise NotImplementedError("gae")


def build_actor_critic(obs_dim, n_actions):
    """A keras.Model with input (None, obs_dim) and two outputs, in this order:
    policy probabilities (None, n_actions) (softmax) and state value (None, 1) (linear).
    Standard Keras layers only."""
    # TODO: a functional model: keras.Model(inputs, [policy, value])
    raise NotImplementedError("build_actor_critic")
