"""Freeze keras.losses values and tf.GradientTape gradients into keras_golden.npz (used by the hidden tests).

    python hidden_tests/losses/make_keras_golden.py          # (re)write keras_golden.npz
    python hidden_tests/losses/make_keras_golden.py --check  # compare the file with the installed Keras

TensorFlow's import alone takes most of the suite's 5 s budget, so the hidden suite reads the frozen values.
Keras losses return one value per sample (a mean over the last axis); the mean over the batch is the
kit's convention, so both the loss and the gradient below are taken of that batch mean.
"""
import os
import sys
from pathlib import Path

import numpy as np

from graders.golden import write_or_check

GOLDEN = Path(__file__).with_name("keras_golden.npz")


def inputs() -> dict:
    rng = np.random.default_rng(2024)
    logits = rng.normal(scale=2.0, size=(6, 4))
    p_soft = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y_onehot = np.eye(4)[rng.integers(0, 4, size=6)]
    y01 = rng.integers(0, 2, size=(6, 4)).astype(np.float64)
    p = rng.uniform(0.02, 0.98, size=(6, 4))
    p_edge = p.copy()
    p_edge[0] = [0.0, 1.0, 0.0, 1.0]
    y_edge = y01.copy()
    y_edge[0] = [1.0, 0.0, 0.0, 1.0]
    z = rng.normal(scale=4.0, size=(6, 4))
    z_edge = z.copy()
    z_edge[0] = [1000.0, -1000.0, 1000.0, -1000.0]
    y_pm1 = 2.0 * y01 - 1.0
    s = rng.normal(scale=1.5, size=(6, 4))
    return {"y_reg": rng.normal(size=(6, 4)), "p_reg": rng.normal(size=(6, 4)), "y01": y01, "p": p,
            "y_edge": y_edge, "p_edge": p_edge, "z": z, "z_edge": z_edge, "y_onehot": y_onehot,
            "p_soft": p_soft, "y_pm1": y_pm1, "s": s}


def compute() -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    v = inputs()
    cases = {
        "mse": (keras.losses.mean_squared_error, "y_reg", "p_reg"),
        "bce": (keras.losses.binary_crossentropy, "y01", "p"),
        "bce_edge": (keras.losses.binary_crossentropy, "y_edge", "p_edge"),
        "bce_logits": (lambda y, z: keras.losses.binary_crossentropy(y, z, from_logits=True), "y01", "z"),
        "bce_logits_edge": (lambda y, z: keras.losses.binary_crossentropy(y, z, from_logits=True), "y01", "z_edge"),
        "cce": (keras.losses.categorical_crossentropy, "y_onehot", "p_soft"),
        "hinge": (keras.losses.hinge, "y_pm1", "s"),
    }
    out = dict(v)
    out["keras_epsilon"] = np.array(keras.config.epsilon())
    for name, (f, ky, kp) in cases.items():
        pred = tf.constant(v[kp])
        with tf.GradientTape() as tape:
            tape.watch(pred)
            loss = tf.reduce_mean(f(tf.constant(v[ky]), pred))
        out[name] = np.array(float(loss.numpy()))
        out[name + "_grad"] = tape.gradient(loss, pred).numpy()
    return out


if __name__ == "__main__":
    sys.exit(write_or_check(compute, GOLDEN, sys.argv[1:], "Keras"))
