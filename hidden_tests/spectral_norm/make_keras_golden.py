"""Freeze keras.layers.SpectralNormalization's outputs and vector_u into keras_golden.npz (for the hidden tests).

    python hidden_tests/spectral_norm/make_keras_golden.py          # (re)write keras_golden.npz
    python hidden_tests/spectral_norm/make_keras_golden.py --check  # compare the file with the installed Keras

TensorFlow's import alone takes more than the suite's 5 s budget, so the hidden suite reads the frozen values
(inputs included). Everything is float64. Keras 3 assigns W / sigma back into the wrapped layer's kernel on every
training call; power iteration is scale-invariant, so its outputs and vector_u still equal those of a layer that
keeps the raw W (the exercise's layer), call after call.
"""
import os
import sys
from pathlib import Path

import numpy as np

from graders.golden import write_or_check

GOLDEN = Path(__file__).with_name("keras_golden.npz")
DENSE_CASES = {"dense1": (7, 5, 1, 8, 4), "dense3": (12, 6, 3, 5, 3)}  # name: (in, units, power_iterations, calls, batch)


def compute() -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    values = {}
    rng = np.random.default_rng(1802)  # Miyato et al., arXiv:1802.05957
    for name, (m, n, iterations, calls, batch) in DENSE_CASES.items():
        layer = keras.layers.SpectralNormalization(keras.layers.Dense(n, dtype="float64"),
                                                   power_iterations=iterations, dtype="float64")
        layer.build((None, m))
        w, b = rng.normal(size=(m, n)), rng.normal(size=n)
        u0 = rng.normal(scale=0.02, size=(1, n))  # the scale of Keras' own TruncatedNormal(stddev=0.02)
        x = rng.normal(size=(batch, m))
        layer.layer.kernel.assign(w)
        layer.layer.bias.assign(b)
        layer.vector_u.assign(u0)
        outputs, us = [], []
        for _ in range(calls):
            outputs.append(np.asarray(layer(x, training=True)))
            us.append(np.asarray(layer.vector_u.value)[0])
        values |= {f"{name}_w": w, f"{name}_b": b, f"{name}_u0": u0[0], f"{name}_x": x,
                   f"{name}_n_iter": np.array(iterations), f"{name}_y": np.stack(outputs), f"{name}_u": np.stack(us)}
    conv = keras.layers.SpectralNormalization(keras.layers.Conv2D(4, 3, dtype="float64"), power_iterations=2,
                                              dtype="float64")
    conv.build((None, 6, 6, 2))
    kernel, u0 = rng.normal(size=(3, 3, 2, 4)), rng.normal(scale=0.02, size=(1, 4))
    conv.layer.kernel.assign(kernel)
    conv.layer.bias.assign(np.zeros(4))
    conv.vector_u.assign(u0)
    conv(rng.normal(size=(1, 6, 6, 2)), training=True)
    values |= {"conv_w": kernel, "conv_u0": u0[0], "conv_n_iter": np.array(2),
               "conv_w_sn": np.asarray(conv.layer.kernel.value), "conv_u": np.asarray(conv.vector_u.value)[0]}
    return values


if __name__ == "__main__":
    sys.exit(write_or_check(compute, GOLDEN, sys.argv[1:], "Keras"))
