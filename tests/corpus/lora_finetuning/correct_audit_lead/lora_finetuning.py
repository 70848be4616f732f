"""Independent LoRA answer written from the statement (lead's audit)."""
import os
from pathlib import Path

import keras
import numpy as np
from keras import layers

DATA_DIR = Path(os.environ.get("KIT_DATA_DIR", Path(__file__).parent / "data"))


def load_pretrained():
    return keras.saving.load_model(DATA_DIR / "pretrained.keras", compile=False)


def _dense_layers(model):
    return [l for l in model.layers if isinstance(l, layers.Dense)]


def _targets(model, targets):
    names = [l.name for l in _dense_layers(model)]
    if targets is None:
        return set(names)
    for t in targets:
        if t not in names:
            raise ValueError(f"{t!r} is not a Dense layer of the model (Dense layers: {names})")
    return set(targets)


def lora_num_params(model, rank, targets=None):
    chosen = _targets(model, targets)
    total = 0
    for l in _dense_layers(model):
        if l.name in chosen:
            d_in, d_out = l.get_weights()[0].shape
            total += rank * (d_in + d_out)
    return int(total)


def add_lora(model, rank, alpha, targets=None, lr=1e-2):
    if rank < 1:
        raise ValueError("rank must be >= 1")
    if not alpha > 0:
        raise ValueError("alpha must be > 0")
    chosen = _targets(model, targets)
    inputs = keras.Input(shape=model.input_shape[1:])
    x = inputs
    for l in model.layers:
        if not isinstance(l, layers.Dense):
            x = l(x)
            continue
        W, b = l.get_weights()
        frozen = layers.Dense(W.shape[1], name=l.name, trainable=False)
        z = frozen(x)
        frozen.set_weights([W, b])
        if l.name in chosen:
            a = layers.Dense(rank, use_bias=False, name=f"{l.name}_lora_a",
                             kernel_initializer=keras.initializers.RandomNormal(stddev=0.02))(x)
            u = layers.Dense(W.shape[1], use_bias=False, name=f"{l.name}_lora_b", kernel_initializer="zeros")(a)
            u = layers.Rescaling(alpha / rank, name=f"{l.name}_lora_scale")(u)
            z = layers.Add(name=f"{l.name}_lora_add")([z, u])
        x = layers.Activation(l.activation, name=f"{l.name}_act")(z)
    new = keras.Model(inputs, x, name=model.name + "_lora")
    new.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="sparse_categorical_crossentropy",
                metrics=["accuracy"])
    return new


def merge_lora(model):
    names = [l.name for l in model.layers]
    out = keras.Sequential(name="merged")
    out.add(keras.Input(shape=model.input_shape[1:]))
    for l in model.layers:
        if not isinstance(l, layers.Dense) or "_lora_" in l.name:
            continue
        W, b = (np.array(w) for w in l.get_weights())
        if f"{l.name}_lora_a" in names:
            A = model.get_layer(f"{l.name}_lora_a").get_weights()[0]
            B = model.get_layer(f"{l.name}_lora_b").get_weights()[0]
            s = float(model.get_layer(f"{l.name}_lora_scale").scale)
            W = W + s * (A @ B)
        act = model.get_layer(f"{l.name}_act").activation
        d = layers.Dense(W.shape[1], activation=act, name=l.name)
        out.add(d)
        d.set_weights([W, b])
    return out
