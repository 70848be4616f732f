"""Correct, independently written: explicit loops, an agent class, exponential epsilon decay."""
import random

import gymnasium as gym
import numpy as np


def epsilon_greedy(q_row, eps, seed):
    rng = np.random.default_rng(seed)
    values = [float(v) for v in q_row]
    u = rng.uniform()
    if u < eps:
        return int(rng.integers(0, len(values)))
    top = max(values)
    ties = [i for i, v in enumerate(values) if v == top]
    if len(ties) == 1:
        return ties[0]
    return ties[int(rng.integers(0, len(ties)))]


def q_update(Q, s, a, r, s2, terminated, alpha, gamma):
    new = [list(map(float, row)) for row in np.asarray(Q)]
    future = 0.0
    if not terminated:
        future = max(new[s2])
    td_error = r + gamma * future - new[s][a]
    new[s][a] = new[s][a] + alpha * td_error
    return np.array(new)


class Agent:
    def __init__(self, n_states, n_actions, seed, alpha=0.15, gamma=0.98):
        self.Q = np.zeros((n_states, n_actions))
        self.alpha, self.gamma = alpha, gamma
        self.rng = np.random.default_rng(seed + 1)

    def act(self, s, eps):
        return epsilon_greedy(self.Q[s], eps, self.rng)

    def learn(self, s, a, r, s2, terminated):
        self.Q = q_update(self.Q, s, a, r, s2, terminated, self.alpha, self.gamma)


def train_q_learning(env_id, episodes, seed, **env_kwargs):
    random.seed(seed)
    env = gym.make(env_id, **env_kwargs)
    env.action_space.seed(seed)
    agent = Agent(env.observation_space.n, env.action_space.n, seed)
    eps = 1.0
    first = True
    for _ in range(episodes):
        state, _ = env.reset(seed=seed) if first else env.reset()
        first = False
        finished = False
        while not finished:
            action = agent.act(state, eps)
            nxt, reward, terminated, truncated, _ = env.step(action)
            agent.learn(state, action, reward, nxt, terminated)
            state = nxt
            finished = terminated or truncated
        eps = max(0.02, eps * 0.997)
    return agent.Q
