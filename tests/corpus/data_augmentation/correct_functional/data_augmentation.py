"""Augmentation with the functional API: rotate first, then flip; zero fill outside the image."""
import keras
import numpy as np


def build_augmenter(seed):
    inputs = keras.Input(shape=(None, None, None))
    turned = keras.layers.RandomRotation(factor=(-1 / 24, 1 / 24), fill_mode="constant", fill_value=0.0,
                                         seed=seed)(inputs)
    flipped = keras.layers.RandomFlip(mode="horizontal", seed=seed + 1)(turned)
    return keras.Model(inputs, flipped, name="augment")


def augment_batch(images, labels, seed):
    source = np.asarray(images)
    result = keras.ops.convert_to_numpy(build_augmenter(seed)(keras.ops.cast(source, "float32"), training=True))
    if source.dtype.kind in "ui":
        lo, hi = np.iinfo(source.dtype).min, np.iinfo(source.dtype).max
        result = np.rint(result).clip(lo, hi)
    return result.astype(source.dtype), labels
