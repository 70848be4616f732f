"""DCGAN on 28x28x1 images in [-1, 1]: generator, discriminator (one logit) and one training step.

Reference solution. Contract (see the README):
* build_generator(latent_dim): (None, latent_dim) -> (None, 28, 28, 1), tanh output in [-1, 1];
* build_discriminator(): (None, 28, 28, 1) -> (None, 1) raw logit (no sigmoid);
* train_step(g, d, real, g_opt, d_opt, seed) -> (d_loss, g_loss) as Python floats, where, with
  z = sample_noise(len(real), latent_dim, seed) and fake = g(z):
      d_loss = BCE(1, d(real)) + BCE(0, d(fake))      (BCE on logits, each a batch mean)
      g_loss = BCE(1, d(fake))                         (the non-saturating generator loss)
  and d_opt / g_opt each apply one update to d / g.
"""
import numpy as np
import keras
import tensorflow as tf
from keras import layers


def build_generator(latent_dim):
    """Dense -> 7x7 -> 14x14 -> 28x28 with transposed convolutions; tanh output."""
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        layers.Dense(7 * 7 * 64, use_bias=False),
        layers.BatchNormalization(),
        layers.LeakyReLU(0.2),
        layers.Reshape((7, 7, 64)),
        layers.Conv2DTranspose(32, 4, strides=2, padding="same", use_bias=False),   # 14x14
        layers.BatchNormalization(),
        layers.LeakyReLU(0.2),
        layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),  # 28x28
    ], name="generator")


def build_discriminator():
    """Strided convolutions down to one logit (no sigmoid: the loss works on logits)."""
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 4, strides=2, padding="same"),
        layers.LeakyReLU(0.2),
        layers.Dropout(0.3),
        layers.Conv2D(64, 4, strides=2, padding="same"),
        layers.LeakyReLU(0.2),
        layers.Dropout(0.3),
        layers.Flatten(),
        layers.Dense(1),
    ], name="discriminator")


_bce = keras.losses.BinaryCrossentropy(from_logits=True)


def train_step(g, d, real, g_opt, d_opt, seed):
    """One simultaneous update of d and g; returns (d_loss, g_loss) before the update."""
    g_opt, d_opt = as_optimizer(g_opt), as_optimizer(d_opt)
    real = tf.convert_to_tensor(np.asarray(real, dtype=np.float32))
    z = sample_noise(real.shape[0], g.input_shape[-1], seed)
    with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
        fake = g(z, training=True)
        real_logits = d(real, training=True)
        fake_logits = d(fake, training=True)
        d_loss = _bce(tf.ones_like(real_logits), real_logits) + _bce(tf.zeros_like(fake_logits), fake_logits)
        g_loss = _bce(tf.zeros_like(fake_logits), fake_logits)
    d_grads = d_tape.gradient(d_loss, d.trainable_variables)
    g_grads = g_tape.gradient(g_loss, g.trainable_variables)
    d_opt.apply_gradients(zip(d_grads, d.trainable_variables))
    g_opt.apply_gradients(zip(g_grads, g.trainable_variables))
    return float(d_loss), float(g_loss)


# ----------------------------------------------------------------------------- given helpers

def sample_noise(n, latent_dim, seed):
    """The latent batch of a step: n standard-normal vectors, float32, reproducible from seed."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def as_optimizer(optimizer):
    """A live Keras optimizer as is; a name ('adam') or a config dict
    ({'class_name': 'Adam', 'config': {'learning_rate': 2e-4, 'beta_1': 0.5}}) -> a new optimizer."""
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return optimizer
    return keras.optimizers.get(optimizer)


def as_model(model):
    """A live keras.Model as is; a dict {'config': <Keras config>, 'weights': [arrays]} is rebuilt
    (standard layers only, safe mode) with those weights."""
    if isinstance(model, keras.Model):
        return model
    rebuilt = keras.saving.deserialize_keras_object(model["config"], safe_mode=True)
    rebuilt.set_weights([np.asarray(w) for w in model["weights"]])
    return rebuilt
