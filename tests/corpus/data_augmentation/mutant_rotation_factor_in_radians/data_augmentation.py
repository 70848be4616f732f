"""Reference solution: label-preserving image augmentation with Keras preprocessing layers."""
import numpy as np

MAX_DEGREES = 15.0


def build_augmenter(seed):
    import keras
    from keras import layers

    return keras.Sequential([
        keras.Input(shape=(None, None, None)),  # any height, width and channel count
        layers.RandomFlip("horizontal", seed=seed),
        # RandomRotation's factor is a fraction of a full turn (2*pi), not degrees
        layers.RandomRotation(np.radians(MAX_DEGREES), fill_mode="reflect", seed=seed),
    ], name="augmenter")


def augment_batch(images, labels, seed):
    images = np.asarray(images)
    augmenter = build_augmenter(seed)
    # random layers augment only in training mode; predict() or training=False is the identity
    out = np.asarray(augmenter(images.astype("float32"), training=True))
    if np.issubdtype(images.dtype, np.integer):
        info = np.iinfo(images.dtype)
        out = np.clip(np.round(out), info.min, info.max)
    return out.astype(images.dtype), np.array(labels, copy=True)
