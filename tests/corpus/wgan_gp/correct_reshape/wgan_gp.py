"""Independent correct implementation: flatten each sample, watch the interpolates, tf.norm per row."""
import numpy as np
import keras
import tensorflow as tf


def as_model(model):
    if isinstance(model, keras.Model):
        return model
    net = keras.saving.deserialize_keras_object(model["config"], safe_mode=True)
    net.set_weights(list(model["weights"]))
    return net


def gradient_penalty(critic, real, fake, seed, lam=10.0):
    net = as_model(critic)
    real = tf.constant(real, dtype=tf.float32)
    fake = tf.constant(fake, dtype=tf.float32)
    batch = int(real.shape[0])
    u = np.random.default_rng(seed).random(batch).astype(np.float32)
    eps = tf.reshape(tf.constant(u), [batch] + [1] * (len(real.shape) - 1))
    mixed = fake + eps * (real - fake)
    with tf.GradientTape() as tape:
        tape.watch(mixed)
        out = tf.reduce_sum(net(mixed))
    g = tf.reshape(tape.gradient(out, mixed), [batch, -1])
    slopes = tf.norm(g, axis=1)
    return float(lam) * float(tf.reduce_mean((slopes - 1.0) ** 2).numpy())


def critic_loss(real_scores, fake_scores, penalty=0.0):
    real_scores = np.ravel(np.asarray(real_scores, dtype=float))
    fake_scores = np.ravel(np.asarray(fake_scores, dtype=float))
    return float(fake_scores.sum() / fake_scores.size - real_scores.sum() / real_scores.size + penalty)


def generator_loss(fake_scores):
    fake_scores = np.ravel(np.asarray(fake_scores, dtype=float))
    return -float(fake_scores.sum() / fake_scores.size)
