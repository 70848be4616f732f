"""Reference solution: tabular Q-learning on gymnasium's FrozenLake."""
import gymnasium as gym
import numpy as np


def epsilon_greedy(q_row, eps, seed):
    """With probability eps a uniformly random action, otherwise a greedy one (ties broken at random)."""
    rng = np.random.default_rng(seed)
    q_row = np.asarray(q_row, dtype=float)
    if rng.random() < eps:
        return int(rng.integers(q_row.size))
    best = np.flatnonzero(q_row == q_row.max())
    return int(best[rng.integers(best.size)])


def q_update(Q, s, a, r, s2, terminated, alpha, gamma):
    """One Q-learning step on a copy of Q: move Q[s, a] toward r + gamma * max Q[s2] (no bootstrap if terminated)."""
    Q = np.array(Q, dtype=float)
    target = r if terminated else r + gamma * np.max(Q[s2])
    Q[s, a] += alpha * (target - Q[s, a])
    return Q


def train_q_learning(env_id, episodes, seed, **env_kwargs):
    """Train a Q-table with epsilon-greedy exploration; returns Q of shape (n_states, n_actions)."""
    alpha, gamma = 0.1, 0.99
    eps_start, eps_end = 1.0, 0.05
    decay_episodes = max(1, int(0.6 * episodes))

    env = gym.make(env_id, **env_kwargs)
    env.action_space.seed(seed)
    rng = np.random.default_rng(seed)
    n_actions = env.action_space.n
    Q = np.zeros((env.observation_space.n, n_actions))

    for episode in range(episodes):
        eps = max(eps_end, eps_start - (eps_start - eps_end) * episode / decay_episodes)
        s, _ = env.reset(seed=seed + episode)
        while True:
            if rng.random() < eps:
                a = int(rng.integers(n_actions))
            else:
                best = np.flatnonzero(Q[s] == Q[s].max())
                a = int(best[rng.integers(best.size)])
            s2, r, terminated, truncated, _ = env.step(a)
            done = terminated or truncated
            target = r if done else r + gamma * Q[s2].max()
            Q[s, a] += alpha * (target - Q[s, a])
            if terminated or truncated:
                break
            s = s2
    env.close()
    return Q
