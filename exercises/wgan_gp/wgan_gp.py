"""WGAN-GP: the gradient penalty and the Wasserstein losses.

Run the visible tests with `python grade.py check wgan_gp`; the statement is README.md.
Contract:
* gradient_penalty(critic, real, fake, seed, lam=10.0) -> Python float
      eps ~ U[0, 1): ONE PER SAMPLE, shape (B, 1, ..., 1) (for images (B, 1, 1, 1)),
          drawn from seed (same seed -> same eps -> same penalty)
      x_hat = eps * real + (1 - eps) * fake
      penalty = lam * mean over samples of (||grad of critic(x_hat_i) w.r.t. x_hat_i||_2 - 1) ** 2
      where the norm runs over all non-batch axes.
  critic is a Keras model (B, ...) -> (B, 1), live or packed as {'config': ..., 'weights': [...]}:
  call as_model(critic) first.
* critic_loss(real_scores, fake_scores, penalty=0.0) -> float, the critic minimises it:
      mean(fake_scores) - mean(real_scores) + penalty
* generator_loss(fake_scores) -> float, the generator minimises it: -mean(fake_scores)
Scores are arrays of shape (B,) or (B, 1).
"""
import numpy as np
import keras
import tensorflow as tf


def gradient_penalty(critic, real, fake, seed, lam=10.0):
    """Gradient penalty of WGAN-GP (Gulrajani et al. 2017) at random interpolates -> float."""
    # TODO: critic = as_model(critic); eps per sample; tf.GradientTape with tape.watch(x_hat)
    raise NotImplementedError("gradient_penalty")


def critic_loss(real_scores, fake_scores, penalty=0.0):
    """The critic's Wasserstein loss (to minimise) plus the penalty -> float."""
    # TODO
    raise NotImplementedError("critic_loss")


def generator_loss(fake_scores):
    """The generator's Wasserstein loss (to minimise) -> float."""
    # TODO
    raise NotImplementedError("generator_loss")


# ----------------------------------------------------------------------------- given helper

def as_model(model):
    """A live keras.Model as is; a dict {'config': <Keras config>, 'weights': [arrays]} is rebuilt
    (standard layers only, safe mode) with those weights."""
    if isinstance(model, keras.Model):
        return model
    rebuilt = keras.saving.deserialize_keras_object(model["config"], safe_mode=True)
    rebuilt.set_weights([np.asarray(w) for w in model["weights"]])
    return rebuilt
