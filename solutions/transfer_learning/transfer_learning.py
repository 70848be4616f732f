"""Reference solution: transfer learning from a CNN pretrained on digits 0-4."""
import os
from pathlib import Path

DATA_DIR = Path(os.environ.get("KIT_DATA_DIR", Path(__file__).parent / "data"))


def load_base():
    """The pretrained feature extractor: (None, 12, 12, 1) images in [0, 1] -> (None, 288) features."""
    import keras

    return keras.saving.load_model(DATA_DIR / "base.keras", compile=False)


def build_transfer_model(base, n_classes):
    import keras
    from keras import layers

    base.trainable = False  # freeze every weight of the pretrained base
    inputs = keras.Input(shape=base.input_shape[1:])
    features = base(inputs, training=False)  # keep the base in inference mode, even when unfrozen later
    outputs = layers.Dense(n_classes, activation="softmax", name="head")(features)
    model = keras.Model(inputs, outputs, name="transfer")
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _base_of(model):
    import keras

    return next(layer for layer in model.layers if isinstance(layer, keras.Model))


def unfreeze_top(model, n_layers, lr=1e-5):
    import keras

    base = _base_of(model)
    base.trainable = True  # has no effect on the layers' flags when the base is already trainable,
    with_weights = [layer for layer in base.layers if layer.weights]
    first_unfrozen = max(len(with_weights) - n_layers, 0)
    for index, layer in enumerate(with_weights):  # so set every weighted layer's flag, both ways
        layer.trainable = index >= first_unfrozen
    # trainable flags take effect for training only after compile(); a small lr keeps the
    # pretrained features from being wiped out by the first large gradients
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
