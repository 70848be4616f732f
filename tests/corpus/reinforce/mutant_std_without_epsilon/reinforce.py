"""Reference solution: REINFORCE (Monte-Carlo policy gradient) on CartPole-v1."""
import gymnasium as gym
import numpy as np


def discounted_returns(rewards, gamma):
    """G_t = r_t + gamma * G_{t+1}, computed backwards; float64 array of the same length."""
    rewards = np.asarray(rewards, dtype=float)
    returns = np.zeros_like(rewards)
    running = 0.0
    for t in range(rewards.size - 1, -1, -1):
        running = rewards[t] + gamma * running
        returns[t] = running
    return returns


def normalize(returns, eps=1e-8):
    """(G - mean) / (std + eps), population std (ddof=0)."""
    returns = np.asarray(returns, dtype=float)
    return (returns - returns.mean()) / returns.std()


def policy_loss(logp, returns, normalize=True):
    """-mean(log pi(a_t | s_t) * A_t), A = returns, standardised when normalize is True."""
    logp = np.asarray(logp, dtype=float)
    advantages = globals()["normalize"](returns) if normalize else np.asarray(returns, dtype=float)
    return float(-np.mean(logp * advantages))


def build_policy(obs_dim, n_actions, hidden=32):
    import keras

    return keras.Sequential([
        keras.Input(shape=(obs_dim,)),
        keras.layers.Dense(hidden, activation="tanh"),
        keras.layers.Dense(n_actions, activation="softmax"),
    ])


def train_reinforce(env_id, episodes, seed, gamma=0.99, lr=0.01):
    """Train a softmax policy with REINFORCE; returns (keras policy model, list of episode returns)."""
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    env = gym.make(env_id)
    env.action_space.seed(seed)
    obs_dim, n_actions = int(env.observation_space.shape[0]), int(env.action_space.n)
    model = build_policy(obs_dim, n_actions)
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function(input_signature=[tf.TensorSpec([None, obs_dim], tf.float32),
                                  tf.TensorSpec([None], tf.int32),
                                  tf.TensorSpec([None], tf.float32)])
    def update(states, actions, advantages):
        with tf.GradientTape() as tape:
            probs = model(states, training=True)
            taken = tf.gather(probs, actions, batch_dims=1)
            loss = -tf.reduce_mean(tf.math.log(taken + 1e-8) * advantages)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    episode_returns = []
    for episode in range(episodes):
        # Rollouts use a numpy copy of the weights: calling the Keras model once per step is ~50x slower.
        (w1, b1), (w2, b2) = [layer.get_weights() for layer in model.layers]
        obs, _ = env.reset(seed=seed * 100_000 + episode)
        states, actions, rewards = [], [], []
        while True:
            logits = np.tanh(obs @ w1 + b1) @ w2 + b2
            p = np.exp(logits - logits.max())
            a = int(rng.choice(n_actions, p=p / p.sum()))
            states.append(obs)
            actions.append(a)
            obs, r, terminated, truncated, _ = env.step(a)
            rewards.append(r)
            if terminated or truncated:
                break
        advantages = normalize(discounted_returns(rewards, gamma))
        update(np.asarray(states, np.float32), np.asarray(actions, np.int32), advantages.astype(np.float32))
        episode_returns.append(float(sum(rewards)))
    env.close()
    return model, episode_returns
