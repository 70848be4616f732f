"""DCGAN on 28x28x1 images scaled to [-1, 1]: generator, discriminator and one training step.

Run the visible tests with `python grade.py check dcgan`; the statement is README.md.
Contract:
* build_generator(latent_dim): (None, latent_dim) -> (None, 28, 28, 1), values in [-1, 1] (tanh);
* build_discriminator(): (None, 28, 28, 1) -> (None, 1), one raw LOGIT per image (no sigmoid);
* train_step(g, d, real, g_opt, d_opt, seed) -> (d_loss, g_loss), two Python floats. With
      z = sample_noise(len(real), latent_dim, seed)      # one latent batch for both updates
      fake = g(z, training=True)
      d_loss = BCE(1, d(real)) + BCE(0, d(fake))         # binary cross-entropy on logits, batch means
      g_loss = BCE(1, d(fake))                           # non-saturating generator loss
  update d with d_opt (gradient of d_loss w.r.t. d's variables) and g with g_opt (gradient of g_loss
  w.r.t. g's variables); return the losses computed before the updates. g_opt / d_opt may be live
  optimizers or config dicts: turn them into optimizers with as_optimizer().
Standard Keras layers only (the grader rebuilds your models from their configs).
"""
import numpy as np
import keras
import tensorflow as tf
from keras import layers


def build_generator(latent_dim):
    """Keras model (None, latent_dim) -> (None, 28, 28, 1) in [-1, 1]. Not compiled."""
    # TODO: Dense -> Reshape to 7x7 -> upsample twice (Conv2DTranspose, stride 2) -> tanh
    raise NotImplementedError("build_generator")


def build_discriminator():
    """Keras model (None, 28, 28, 1) -> (None, 1) logits. Not compiled."""
    # TODO: strided Conv2D layers -> Flatten -> Dense(1) with no activation
    raise NotImplementedError("build_discriminator")


def train_step(g, d, real, g_opt, d_opt, seed):
    """One update of d and one of g on the batch real (B, 28, 28, 1) float32 -> (d_loss, g_loss)."""
    # TODO: g_opt, d_opt = as_optimizer(g_opt), as_optimizer(d_opt); tf.GradientTape; apply_gradients
    raise NotImplementedError("train_step")


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
