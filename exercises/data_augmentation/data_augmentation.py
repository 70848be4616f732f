"""Label-preserving image augmentation with Keras 3 preprocessing layers.

Run the visible tests with `python grade.py check data_augmentation`.
Images are NHWC arrays (N, H, W, C) of any size and channel count.
"""
import numpy as np


def build_augmenter(seed):
    """A Keras model of preprocessing layers, starting with keras.Input(shape=(None, None, None)).

    In training mode: a random horizontal (left-right) flip with probability 1/2 and a random
    rotation of at most +-15 degrees. At inference (training=False) it returns its input unchanged,
    and it holds no weights. Every random layer gets `seed`, so the same seed gives the same
    augmentations (and another seed other ones).
    """
    # TODO: stack the random preprocessing layers
    raise NotImplementedError("build_augmenter")


def augment_batch(images, labels, seed):
    """Augment one batch: returns (augmented_images, labels).

    augmented_images has the shape and dtype of `images` (integer images are rounded and clipped
    into their dtype's range; float results stay within [min(0, images.min()), images.max()]);
    image i is the augmented version of images[i]. labels come back unchanged, in the same order.
    """
    # TODO: apply build_augmenter(seed) in training mode; keep dtype and labels
    raise NotImplementedError("augment_batch")
