"""Functional API, average pooling, a separate softmax layer; counts by explicit loops."""
import random

import keras
import numpy as np


def build_cnn(input_shape, n_classes):
    inputs = keras.Input(tuple(input_shape))
    x = keras.layers.Conv2D(24, (3, 3), padding="same", activation="relu")(inputs)
    x = keras.layers.Conv2D(24, (3, 3), padding="same", activation="relu")(x)
    x = keras.layers.AveragePooling2D((2, 2))(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(0.2)(x)
    x = keras.layers.Dense(n_classes)(x)
    outputs = keras.layers.Activation("softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    return model


def train_cnn(model, X, y, epochs, seed):
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    fit = model.fit(np.asarray(X, np.float32), np.asarray(y, np.int64), epochs=epochs, batch_size=16, verbose=0)
    return {key: list(map(float, values)) for key, values in fit.history.items()}


def param_counts(input_shape, filters, kernel_size, units):
    h, w, c = (int(v) for v in input_shape)
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    kh, kw = kernel_size
    conv = 0
    for _ in range(filters):
        conv += kh * kw * c  # one kernel per filter, reused at every position
        conv += 1            # its bias
    positions = 0
    for row in range(h - kh + 1):
        for col in range(w - kw + 1):
            positions += 1
    dense = 0
    for _ in range(units):
        dense += positions * filters + 1
    return conv, dense
