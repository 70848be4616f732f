"""Build exercises/transfer_learning/data/base.keras: a small CNN pretrained on digits 0-4.

    python scripts/make_transfer_base.py            # writes the file (deterministic weights)
    python scripts/make_transfer_base.py --check    # rebuilds in memory, compares with the shipped file

Images: a scikit-learn digit (8x8, pixels / 16) pasted at a random position on a 12x12 black
canvas (`place_on_canvas`), so that the digits are not centred, as objects in photos are not.
The base is the feature extractor only (no classifier on top, like include_top=False):
(12, 12, 1) -> conv1 -> pool1 -> conv2 -> pool2 -> flatten (288 features). It is trained with a
temporary Dropout + Dense(5, softmax) head on COPIES randomly placed copies of every digit
labelled 0-4; the transfer_learning exercise reuses it for digits 5-9 (its hidden tests import
`digits` and `place_on_canvas` from here). Same seed, same TensorFlow version, same weights (op
determinism is switched on).
"""
import argparse
import os
import random
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

SEED = 0
EPOCHS = 20
COPIES = 3
CANVAS = 12
OUT = Path(__file__).resolve().parents[1] / "exercises" / "transfer_learning" / "data" / "base.keras"


def digits(classes):
    """scikit-learn digits of the given classes: (N, 8, 8) float32 in [0, 1] and their labels."""
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    keep = np.isin(y, list(classes))
    return (X[keep] / 16.0).astype("float32").reshape(-1, 8, 8), y[keep]


def place_on_canvas(images, seed, canvas=CANVAS):
    """Paste each 8x8 image at a random (row, column) offset on a black canvas: (N, canvas, canvas, 1)."""
    rng = np.random.default_rng(seed)
    out = np.zeros((len(images), canvas, canvas, 1), dtype="float32")
    offsets = rng.integers(0, canvas - 8 + 1, size=(len(images), 2))
    for i, (row, col) in enumerate(offsets):
        out[i, row:row + 8, col:col + 8, 0] = images[i]
    return out


def build_base():
    import keras
    from keras import layers

    return keras.Sequential([
        keras.Input(shape=(CANVAS, CANVAS, 1)),
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
    images, labels = digits(range(5))
    X = np.concatenate([place_on_canvas(images, SEED + copy) for copy in range(COPIES)])
    y = np.tile(labels, COPIES)
    base = build_base()
    classifier = keras.Sequential([base, keras.layers.Dropout(0.3), keras.layers.Dense(5, activation="softmax")])
    classifier.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                       metrics=["accuracy"])
    history = classifier.fit(X, y, epochs=EPOCHS, batch_size=32, verbose=0)
    print(f"pretrained on {len(y)} placed digits 0-4: final training accuracy {history.history['accuracy'][-1]:.3f}")
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
