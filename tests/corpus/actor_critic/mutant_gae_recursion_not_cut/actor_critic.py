"""Reference solution: TD targets, generalised advantage estimation and a two-headed actor-critic network."""
import numpy as np


def td_targets(r, v_next, terminated, gamma):
    """One-step TD targets r + gamma * V(s'), without bootstrap where the step terminated."""
    r = np.asarray(r, dtype=float)
    v_next = np.asarray(v_next, dtype=float)
    terminated = np.asarray(terminated, dtype=bool)
    return r + gamma * np.where(terminated, 0.0, v_next)


def gae(r, v, v_last, terminated, truncated, gamma, lam):
    """Generalised advantage estimation over T consecutive steps of one environment.

    Returns (advantages, returns), both float64 of shape (T,), returns = advantages + v.
    """
    r = np.asarray(r, dtype=float)
    v = np.asarray(v, dtype=float)
    terminated = np.asarray(terminated, dtype=bool)
    truncated = np.asarray(truncated, dtype=bool)
    T = r.shape[0]
    if not (v.shape == terminated.shape == truncated.shape == (T,)):
        raise ValueError(f"r, v, terminated and truncated must all have shape ({T},)")
    if np.any(truncated[:-1] & ~terminated[:-1]):
        raise ValueError("truncated before the last step: the value of that episode's final observation is not "
                         "in the buffer; end the rollout at a truncation and pass that value as v_last")
    v_next = np.append(v[1:], float(v_last))
    advantages = np.zeros(T)
    running = 0.0
    for t in range(T - 1, -1, -1):
        bootstrap = 0.0 if terminated[t] else gamma * v_next[t]
        delta = r[t] + bootstrap - v[t]
        running = delta + gamma * lam * running
        advantages[t] = running
    return advantages, advantages + v


def build_actor_critic(obs_dim, n_actions, hidden=64):
    """A shared trunk with two heads: policy probabilities (None, n_actions) and state value (None, 1)."""
    import keras

    obs = keras.Input(shape=(obs_dim,), name="obs")
    h = keras.layers.Dense(hidden, activation="relu")(obs)
    h = keras.layers.Dense(hidden, activation="relu")(h)
    policy = keras.layers.Dense(n_actions, activation="softmax", name="policy")(h)
    value = keras.layers.Dense(1, name="value")(h)
    return keras.Model(obs, [policy, value], name="actor_critic")
