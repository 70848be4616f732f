"""Correct, written differently: a Gaussian A (as in the LoRA paper), the scaling between A and B, the
model assembled from a list of specs, and merge_lora that never multiplies A by B: it probes each
layer's pre-activation affine map with the identity matrix (kernel = f(I) - f(0), bias = f(0))."""
import os
from pathlib import Path

import numpy as np

DATA_DIR = Path(os.environ.get("KIT_DATA_DIR", Path(__file__).parent / "data"))


def load_pretrained():
    import keras

    return keras.saving.load_model(DATA_DIR / "pretrained.keras", compile=False)


def _specs(model, targets):
    import keras

    specs = [(layer.name, layer.get_weights(), layer.get_config()["activation"]) for layer in model.layers
             if isinstance(layer, keras.layers.Dense)]
    known = [name for name, _, _ in specs]
    chosen = known if targets is None else targets
    bad = sorted(set(chosen) - set(known))
    if bad:
        raise ValueError(f"unknown target layer(s) {bad}")
    return specs, frozenset(chosen)


def lora_num_params(model, rank, targets=None):
    specs, chosen = _specs(model, targets)
    return int(np.sum([rank * sum(weights[0].shape) for name, weights, _ in specs if name in chosen]))


def add_lora(model, rank, alpha, targets=None, lr=1e-2):
    import keras
    from keras import layers

    if not (isinstance(rank, (int, np.integer)) and rank >= 1):
        raise ValueError("rank: a positive integer")
    if not (alpha > 0):
        raise ValueError("alpha: a positive number")
    specs, chosen = _specs(model, targets)
    inputs = keras.Input(shape=(specs[0][1][0].shape[0],))
    h = inputs
    for name, (kernel, bias), activation in specs:
        linear = layers.Dense(kernel.shape[1], trainable=False, name=name)
        parts = [linear(h)]
        if name in chosen:
            a = layers.Dense(rank, use_bias=False, kernel_initializer=keras.initializers.RandomNormal(stddev=0.02),
                             name=name + "_lora_a")(h)
            a = layers.Rescaling(alpha / rank, name=name + "_lora_scaling")(a)
            parts.append(layers.Dense(kernel.shape[1], use_bias=False, kernel_initializer="zeros",
                                      name=name + "_lora_b")(a))
        z = layers.Add(name=name + "_pre")(parts) if len(parts) > 1 else parts[0]
        h = layers.Activation(activation, name=name + "_out")(z)
    lora = keras.Model(inputs, h)
    for name, weights, _ in specs:  # the pretrained values, once the whole graph is built
        lora.get_layer(name).set_weights(weights)
    lora.compile(keras.optimizers.Adam(learning_rate=lr), keras.losses.SparseCategoricalCrossentropy())
    return lora


def _pre_activation(model, name, x):
    """The layer's pre-activation on the batch x, computed eagerly by the model's own layers."""
    out = np.asarray(model.get_layer(name)(x), dtype=np.float64)
    names = {layer.name for layer in model.layers}
    if name + "_lora_a" in names:
        a = model.get_layer(name + "_lora_a")(x)
        a = model.get_layer(name + "_lora_scaling")(a)
        out = out + np.asarray(model.get_layer(name + "_lora_b")(a), dtype=np.float64)
    return out


def merge_lora(model):
    import keras
    from keras import layers

    inputs = keras.Input(shape=model.input_shape[1:])
    h = inputs
    for act in [layer for layer in model.layers if layer.name.endswith("_out")]:
        name = act.name[:-4]
        d_in = model.get_layer(name).get_weights()[0].shape[0]
        zero = _pre_activation(model, name, np.zeros((1, d_in), dtype=np.float32))
        kernel = _pre_activation(model, name, np.eye(d_in, dtype=np.float32)) - zero
        bias = model.get_layer(name).get_weights()[1]
        dense = layers.Dense(kernel.shape[1], activation=act.get_config()["activation"], name=name)
        h = dense(h)
        dense.set_weights([kernel.astype(np.float32), bias])
    return keras.Model(inputs, h)
