"""Correct, independently written: GAE as a discounted sum over each episode segment (no backward
recursion variable), Sequential-free model built from separate towers."""
import numpy as np


def td_targets(r, v_next, terminated, gamma):
    mask = 1.0 - np.asarray(terminated).astype(np.float64)
    return np.asarray(r, dtype=np.float64) + gamma * mask * np.asarray(v_next, dtype=np.float64)


def gae(r, v, v_last, terminated, truncated, gamma, lam):
    r = np.asarray(r, dtype=np.float64)
    v = np.asarray(v, dtype=np.float64)
    term = np.asarray(terminated).astype(bool)
    trunc = np.asarray(truncated).astype(bool)
    T = len(r)
    for t in range(T - 1):
        if trunc[t] and not term[t]:
            raise ValueError(f"truncated[{t}] is set before the end of the buffer")
    nxt = np.concatenate([v[1:], [v_last]])
    deltas = r + gamma * nxt * (~term) - v
    adv = np.zeros(T)
    for t in range(T):
        # sum over k >= t of (gamma*lam)^(k-t) delta_k, up to and including the end of t's episode
        total, factor, k = 0.0, 1.0, t
        while k < T:
            total += factor * deltas[k]
            if term[k]:
                break
            factor *= gamma * lam
            k += 1
        adv[t] = total
    return adv, adv + v


def build_actor_critic(obs_dim, n_actions):
    import keras

    x = keras.Input(shape=(obs_dim,))
    pi = keras.layers.Dense(32, activation="tanh")(x)
    pi = keras.layers.Dense(n_actions)(pi)
    pi = keras.layers.Softmax()(pi)
    vf = keras.layers.Dense(32, activation="tanh")(x)
    vf = keras.layers.Dense(1, activation=None)(vf)
    return keras.Model(inputs=x, outputs=[pi, vf])
