"""Build exercises/transfer_learning/data/base.keras: a small CNN pretrained on digits 0-4.

    python scripts/make_transfer_base.py            # writes the file (deterministic weights)
    python scripts/make_transfer_base.py --check    # rebuilds in memory, compares with the shipped file

The base is the feature extractor only (no classifier on top, like include_top=False):
8x8x1 images scaled to [0, 1] -> conv1 -> pool1 -> conv2 -> pool2 -> flatten (128 features).
It is trained with a temporary Dropout + Dense(5, softmax) head on every scikit-learn digit
labelled 0-4; the transfer_learning exercise reuses it for digits 5-9. Same seed, same
TensorFlow version, same weights (op determinism is switched on).
"""
import argparse
import os
import random
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

SEED = 0
EPOCHS = 40
OUT = Path(__file__).resolve().parents[1] / "exercises" / "transfer_learning" / "data" / "base.keras"


def digits_0_to_4():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    keep = y < 5
    return (X[keep] / 16.0).astype("float32").reshape(-1, 8, 8, 1), y[keep]


def build_base():
    import keras
    from keras import layers

    return keras.Sequential([
        keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1"),
        layers.MaxPooling2D(2, name="pool1"),
        layers.Conv2D(32, 3, padding="same", activation="relu", name="conv2"),
        layers.MaxPooling2D(2, name="pool2"),
        layers.Flatten(name="flatten"),
    ], name="digits_base")


def pretrain():
    import keras
    import tensorflow as tf

    random.seed(SEED)
    np.random.seed(SEED)
    keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    X, y = digits_0_to_4()
    base = build_base()
    classifier = keras.Sequential([base, keras.layers.Dropout(0.3), keras.layers.Dense(5, activation="softmax")])
    classifier.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                       metrics=["accuracy"])
    history = classifier.fit(X, y, epochs=EPOCHS, batch_size=32, verbose=0)
    print(f"pretrained on {len(y)} digits 0-4: final training accuracy {history.history['accuracy'][-1]:.3f}")
    return base


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare a fresh run with the shipped file")
    args = parser.parse_args()
    base = pretrain()
    if args.check:
        import keras

        shipped = keras.saving.load_model(OUT, compile=False)
        same = all(np.array_equal(a, b) for a, b in zip(base.get_weights(), shipped.get_weights()))
        print("identical weights" if same else "DIFFERENT weights")
        raise SystemExit(0 if same else 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    base.save(OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {base.count_params():,} parameters)")


if __name__ == "__main__":
    main()
