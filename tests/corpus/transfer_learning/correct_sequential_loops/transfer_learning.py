"""Sequential head with dropout; freezing and unfreezing layer by layer."""
import os
from pathlib import Path

import keras

DATA_DIR = Path(os.environ.get("KIT_DATA_DIR", Path(__file__).parent / "data"))


def load_base():
    return keras.saving.load_model(DATA_DIR / "base.keras", compile=False)


def _compile(model, learning_rate):
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["sparse_categorical_accuracy"])


def build_transfer_model(base, n_classes):
    for layer in base.layers:
        layer.trainable = False
    model = keras.Sequential([base, keras.layers.Dropout(0.2), keras.layers.Dense(n_classes, activation="softmax")])
    _compile(model, 1e-3)
    return model


def unfreeze_top(model, n_layers, lr=2e-5):
    base = model.layers[0]
    remaining = n_layers
    for layer in reversed(base.layers):
        if not layer.weights:
            continue
        layer.trainable = remaining > 0
        remaining -= 1
    _compile(model, lr)
    return model
