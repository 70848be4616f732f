"""Freeze TensorFlow's activations on fixed inputs into tf_golden.npz (used by the hidden tests).

    python hidden_tests/activations/make_tf_golden.py          # (re)write tf_golden.npz
    python hidden_tests/activations/make_tf_golden.py --check  # compare the file with the installed TF

TensorFlow's import alone takes most of the suite's 5 s budget, so the hidden suite reads the frozen values.
"""
import os
import sys
from pathlib import Path

import numpy as np

from graders.golden import write_or_check

GOLDEN = Path(__file__).with_name("tf_golden.npz")


def compute() -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    rng = np.random.default_rng(11)
    x = rng.normal(scale=3.0, size=(5, 6))
    x[np.abs(x) < 1e-3] = 0.5
    x[0, :3] = [0.0, 1000.0, -1000.0]
    t = tf.constant(x)
    funcs = {"sigmoid": tf.nn.sigmoid, "tanh": tf.nn.tanh, "relu": tf.nn.relu,
             "leaky_relu": lambda v: tf.nn.leaky_relu(v, alpha=0.2)}
    values = {"x": x}
    for name, f in funcs.items():
        with tf.GradientTape() as tape:
            tape.watch(t)
            y = f(t)
        values[name] = y.numpy()
        values[name + "_grad"] = tape.gradient(y, t).numpy()
    for axis in (-1, 0):
        values[f"softmax_{axis}"] = tf.nn.softmax(t, axis=axis).numpy()
    return values


if __name__ == "__main__":
    sys.exit(write_or_check(compute, GOLDEN, sys.argv[1:], "TensorFlow"))
