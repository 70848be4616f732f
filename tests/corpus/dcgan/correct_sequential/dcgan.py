"""Independent correct implementation: functional UpSampling2D + Conv2D generator (ReLU, batch-norm),
discriminator step first and then the generator step against the updated discriminator,
losses written with tf.nn.sigmoid_cross_entropy_with_logits."""
import numpy as np
import keras
import tensorflow as tf


def sample_noise(n, latent_dim, seed):
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def as_optimizer(optimizer):
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return optimizer
    return keras.optimizers.get(optimizer)


def as_model(model):
    if isinstance(model, keras.Model):
        return model
    net = keras.saving.deserialize_keras_object(model["config"], safe_mode=True)
    net.set_weights(list(model["weights"]))
    return net


def build_generator(latent_dim):
    z = keras.Input((latent_dim,))
    x = keras.layers.Dense(7 * 7 * 32, use_bias=False)(z)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Reshape((7, 7, 32))(x)
    x = keras.layers.UpSampling2D()(x)
    x = keras.layers.Conv2D(32, 3, padding="same", use_bias=False)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.UpSampling2D()(x)
    images = keras.layers.Conv2D(1, 3, padding="same", activation="tanh")(x)
    return keras.Model(z, images)


def build_discriminator():
    images = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(16, 3, strides=2, padding="same")(images)
    x = keras.layers.LeakyReLU(0.2)(x)
    x = keras.layers.Conv2D(32, 3, strides=2, padding="same")(x)
    x = keras.layers.LeakyReLU(0.2)(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    logit = keras.layers.Dense(1)(x)
    return keras.Model(images, logit)


def _xent(labels_value, logits):
    labels = tf.fill(tf.shape(logits), labels_value)
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits))


def train_step(g, d, real, g_opt, d_opt, seed):
    g_opt = as_optimizer(g_opt)
    d_opt = as_optimizer(d_opt)
    real = tf.constant(np.asarray(real, np.float32))
    z = tf.constant(sample_noise(int(real.shape[0]), int(g.input_shape[-1]), seed))
    fake = g(z, training=True)
    with tf.GradientTape() as tape:
        d_loss = _xent(1.0, d(real, training=True)) + _xent(0.0, d(fake, training=True))
    d_opt.apply_gradients(zip(tape.gradient(d_loss, d.trainable_variables), d.trainable_variables))
    with tf.GradientTape() as tape:
        g_loss = _xent(1.0, d(g(z, training=True), training=True))
    g_opt.apply_gradients(zip(tape.gradient(g_loss, g.trainable_variables), g.trainable_variables))
    return float(d_loss.numpy()), float(g_loss.numpy())
