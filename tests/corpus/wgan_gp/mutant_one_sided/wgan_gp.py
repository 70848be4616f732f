"""WGAN-GP: the gradient penalty and the Wasserstein losses.

Reference solution. Contract (see the README):
* gradient_penalty(critic, real, fake, seed, lam=10.0) -> float
      eps ~ U[0, 1), one per sample, shape (B, 1, ..., 1) (for images (B, 1, 1, 1)), drawn from seed
      x_hat = eps * real + (1 - eps) * fake
      penalty = lam * mean_i (||d critic(x_hat_i) / d x_hat_i||_2 - 1)^2   (norm over all non-batch axes)
* critic_loss(real_scores, fake_scores, penalty=0.0) = mean(fake) - mean(real) + penalty  (minimised)
* generator_loss(fake_scores) = -mean(fake)                                              (minimised)
"""
import numpy as np
import keras
import tensorflow as tf


def gradient_penalty(critic, real, fake, seed, lam=10.0):
    critic = as_model(critic)
    real = np.asarray(real, dtype=np.float32)
    fake = np.asarray(fake, dtype=np.float32)
    if real.shape != fake.shape:
        raise ValueError(f"real and fake must have the same shape, got {real.shape} and {fake.shape}")
    eps_shape = (real.shape[0],) + (1,) * (real.ndim - 1)
    eps = np.random.default_rng(seed).uniform(0.0, 1.0, size=eps_shape).astype(np.float32)
    x_hat = tf.convert_to_tensor(eps * real + (1.0 - eps) * fake)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=True)
    grads = tape.gradient(scores, x_hat)
    axes = list(range(1, real.ndim))
    norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=axes) + 1e-12)
    return float(lam * tf.reduce_mean(tf.square(tf.nn.relu(norms - 1.0))))


def critic_loss(real_scores, fake_scores, penalty=0.0):
    return float(np.mean(fake_scores) - np.mean(real_scores) + penalty)


def generator_loss(fake_scores):
    return float(-np.mean(fake_scores))


# ----------------------------------------------------------------------------- given helper

def as_model(model):
    """A live keras.Model as is; a dict {'config': <Keras config>, 'weights': [arrays]} is rebuilt
    (standard layers only, safe mode) with those weights."""
    if isinstance(model, keras.Model):
        return model
    rebuilt = keras.saving.deserialize_keras_object(model["config"], safe_mode=True)
    rebuilt.set_weights([np.asarray(w) for w in model["weights"]])
    return rebuilt
