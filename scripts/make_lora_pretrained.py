"""Build exercises/lora_finetuning/data/pretrained.keras: a small MLP pretrained on upright digits.

    python scripts/make_lora_pretrained.py            # writes the file (deterministic weights)
    python scripts/make_lora_pretrained.py --check    # rebuilds in memory, compares with the shipped file

The scikit-learn digits (8x8, pixels / 16, flattened to 64 features) are split once with a fixed
seed: one half (`pretraining_data`) trains the model on the ten classes, the other half is the
LoRA exercise's new task (`new_task_data`): the same ten classes, but every image mirrored left to
right, as if a new scanner read the pages from the back. The pretrained model scores about 0.4 on
the mirrored digits; a LoRA fine-tune on ten examples per class brings it back. The exercise's
hidden tests import `new_task_data` from here. Same seed, same TensorFlow version, same weights
(op determinism is switched on).

    (None, 64) -> hidden1 Dense(64, relu) -> hidden2 Dense(64, relu) -> output Dense(10, softmax)
    8,970 parameters: hidden1 4,160, hidden2 4,160, output 650
"""
import argparse
import os
import random
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

SEED = 0
SPLIT_SEED = 0
EPOCHS = 30
HIDDEN = 64
OUT = Path(__file__).resolve().parents[1] / "exercises" / "lora_finetuning" / "data" / "pretrained.keras"


def _digits():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    order = np.random.default_rng(SPLIT_SEED).permutation(len(y))
    return (X / 16.0).astype("float32")[order], y[order].astype("int64")


def mirror(X):
    """Flip flattened 8x8 images left to right: (N, 64) -> (N, 64)."""
    return np.asarray(X).reshape(-1, 8, 8)[:, :, ::-1].reshape(-1, 64).copy()


def pretraining_data():
    """The half of the digits the model was pretrained on (upright): X (898, 64) float32, y (898,) int."""
    X, y = _digits()
    half = len(y) // 2
    return X[:half], y[:half]


def new_task_data():
    """The other half, mirrored left to right: X (899, 64) float32 in [0, 1], y (899,) labels 0-9."""
    X, y = _digits()
    half = len(y) // 2
    return mirror(X[half:]), y[half:]


def build_model():
    import keras
    from keras import layers

    return keras.Sequential([
        keras.Input(shape=(64,)),
        layers.Dense(HIDDEN, activation="relu", name="hidden1"),
        layers.Dense(HIDDEN, activation="relu", name="hidden2"),
        layers.Dense(10, activation="softmax", name="output"),
    ], name="digits_mlp")


def pretrain():
    import keras
    import tensorflow as tf

    random.seed(SEED)
    np.random.seed(SEED)
    keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    X, y = pretraining_data()
    model = build_model()
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(X, y, epochs=EPOCHS, batch_size=32, verbose=0)
    X_new, y_new = new_task_data()
    mirrored = float(np.mean(np.argmax(model.predict(X_new, verbose=0), axis=1) == y_new))
    print(f"pretrained on {len(y)} upright digits: training accuracy {history.history['accuracy'][-1]:.3f}; "
          f"accuracy on the {len(y_new)} mirrored digits of the new task {mirrored:.3f}")
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare a fresh run with the shipped file")
    args = parser.parse_args()
    model = pretrain()
    if args.check:
        import keras

        shipped = keras.saving.load_model(OUT, compile=False)
        same = all(np.array_equal(a, b) for a, b in zip(model.get_weights(), shipped.get_weights()))
        print("identical weights" if same else "DIFFERENT weights")
        raise SystemExit(0 if same else 1)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    shipped = build_model()  # uncompiled: no optimizer state in the file
    shipped.set_weights(model.get_weights())
    shipped.save(OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {model.count_params():,} parameters)")


if __name__ == "__main__":
    main()
