"""Reference solution: a small CNN image classifier in Keras 3."""
import random

import numpy as np


def build_cnn(input_shape, n_classes):
    import keras
    from keras import layers

    model = keras.Sequential([
        keras.Input(shape=tuple(input_shape)),
        # padding="same" keeps the spatial size, so two conv/pool stages fit even on 8x8 inputs
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss="sparse_categorical_crossentropy",  # integer labels
                  metrics=["accuracy"])
    return model


def train_cnn(model, X, y, epochs, seed):
    import keras

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    history = model.fit(np.asarray(X, dtype="float32"), np.asarray(y), epochs=int(epochs),
                        batch_size=32, shuffle=True, verbose=0)
    return {name: [float(v) for v in values] for name, values in history.history.items()}


def param_counts(input_shape, filters, kernel_size, units):
    height, width, channels = input_shape
    kh, kw = (kernel_size, kernel_size) if np.isscalar(kernel_size) else kernel_size
    # one kh x kw x channels kernel (+ 1 bias) per filter, shared by every position
    conv_params = (kh * kw * channels + 1) * filters
    # "valid" convolution, stride 1: the feature map shrinks by kernel_size - 1
    flat = height * width * filters
    dense_params = (flat + 1) * units
    return int(conv_params), int(dense_params)
