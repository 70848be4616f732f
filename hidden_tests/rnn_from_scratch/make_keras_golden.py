"""Freeze keras.layers.SimpleRNN / keras.layers.LSTM outputs and tf.GradientTape gradients, on copied
weights, into keras_golden.npz (used by the hidden tests).

    python hidden_tests/rnn_from_scratch/make_keras_golden.py          # (re)write keras_golden.npz
    python hidden_tests/rnn_from_scratch/make_keras_golden.py --check  # compare the file with the installed Keras

TensorFlow's import alone takes most of the suite's budget, so the hidden suite reads the frozen values.
Every case stores its inputs (x, h0, c0, W, U, b, dh) with Keras' outputs (the whole hidden sequence h and,
for the LSTM, the final cell state c_last) and the gradients of sum(dh * h) by automatic differentiation.
"""
import os
import sys
from pathlib import Path

import numpy as np

from graders.golden import write_or_check

GOLDEN = Path(__file__).with_name("keras_golden.npz")
N, T, D, H = 3, 7, 4, 5


def init_draws(d: int, h: int, seed: int) -> dict:
    """lstm_init as the statement spells it (Keras' default LSTM initialisation with numpy draws)."""
    rng = np.random.default_rng(seed)
    a = np.sqrt(6.0 / (d + 4 * h))
    w = rng.uniform(-a, a, size=(d, 4 * h))
    q, r = np.linalg.qr(rng.standard_normal((4 * h, h)))
    b = np.zeros(4 * h)
    b[h:2 * h] = 1.0
    return {"W": w, "U": (q * np.sign(np.diag(r))).T, "b": b}


def inputs() -> dict:
    cases = {}
    rng = np.random.default_rng(40)
    cases["rnn"] = {"x": rng.normal(size=(N, T, D)), "h0": rng.normal(size=(N, H)),
                    "W": 0.8 * rng.normal(size=(D, H)), "U": 0.8 * rng.normal(size=(H, H)),
                    "b": 0.8 * rng.normal(size=H), "dh": rng.normal(size=(N, T, H))}
    for name, seed in (("lstm_random", 41), ("lstm_init", 42)):
        rng = np.random.default_rng(seed)
        case = {"x": rng.normal(size=(N, T, D)), "h0": rng.normal(size=(N, H)), "c0": rng.normal(size=(N, H)),
                "W": 0.5 * rng.normal(size=(D, 4 * H)), "U": 0.5 * rng.normal(size=(H, 4 * H)),
                "b": 0.5 * rng.normal(size=4 * H), "dh": rng.normal(size=(N, T, H))}
        if name == "lstm_init":
            case.update(init_draws(D, H, seed))
        cases[name] = case
    return cases


def compute() -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    values = {}
    for name, case in inputs().items():
        lstm = name.startswith("lstm")
        if lstm:
            layer = keras.layers.LSTM(H, return_sequences=True, return_state=True, dtype="float64")
        else:
            layer = keras.layers.SimpleRNN(H, return_sequences=True, dtype="float64")
        layer.build((N, T, D))
        layer.set_weights([case["W"], case["U"], case["b"]])
        states = ["h0", "c0"] if lstm else ["h0"]
        watched = {k: tf.Variable(case[k]) for k in ["x", *states]}
        with tf.GradientTape() as tape:
            out = layer(watched["x"], initial_state=[watched[s] for s in states])
            seq = out[0] if lstm else out
            loss = tf.reduce_sum(tf.constant(case["dh"]) * seq)
        kernel, recurrent, bias = layer.trainable_weights
        grads = tape.gradient(loss, [watched[k] for k in watched] + [kernel, recurrent, bias])
        values.update({f"{name}/{k}": v for k, v in case.items()})
        values[f"{name}/h"] = seq.numpy()
        if lstm:
            values[f"{name}/c_last"] = out[2].numpy()
        for key, grad in zip([*watched, "W", "U", "b"], grads):
            values[f"{name}/grad_{key}"] = np.asarray(grad)
    return values


if __name__ == "__main__":
    sys.exit(write_or_check(compute, GOLDEN, sys.argv[1:], "Keras"))
