"""A small convolutional image classifier in Keras 3.

Run the visible tests with `python grade.py check cnn_classifier`.
Images are NHWC float32 arrays scaled to [0, 1]; labels are integer class ids 0..C-1.
"""
import numpy as np


def build_cnn(input_shape, n_classes):
    """A compiled Keras CNN classifier.

    input_shape: (height, width, channels), e.g. (8, 8, 1); it must work for 8x8 images too.
    Returns a model with a Conv2D, then a pooling layer, then a Dense softmax output, in that order:
    (None, height, width, channels) -> (None, n_classes) class probabilities (rows sum to 1),
    compiled for INTEGER labels, with at most 100,000 parameters for (8, 8, 1) and 10 classes.
    """
    # TODO: stack Conv2D / pooling layers, Flatten, Dense layers; compile the model
    raise NotImplementedError("build_cnn")


def train_cnn(model, X, y, epochs, seed):
    """Train `model` in place on X (N, H, W, C) float32 and integer labels y (N,).

    Seed Python, numpy and Keras with `seed` first. Returns the Keras history as a plain dict
    {metric name: list of floats, one per epoch}, e.g. {"loss": [...], "accuracy": [...]}.
    """
    # TODO: seed everything, fit the model, return its history as a dict of lists
    raise NotImplementedError("train_cnn")


def param_counts(input_shape, filters, kernel_size, units):
    """Parameter counts of Conv2D(filters, kernel_size) -> Flatten -> Dense(units), without Keras.

    input_shape: (H, W, C); kernel_size: an int k (a k x k kernel) or a tuple (kh, kw).
    The convolution uses padding="valid", stride 1 and a bias; the Dense layer has a bias.
    Returns (conv_params, dense_params) as Python ints.
    """
    # TODO: count the kernel weights and biases of each layer
    raise NotImplementedError("param_counts")
