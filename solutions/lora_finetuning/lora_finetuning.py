"""Reference solution: LoRA adapters around the frozen Dense layers of a pretrained model."""
import os
from pathlib import Path

import keras
import numpy as np
from keras import layers

DATA_DIR = Path(os.environ.get("KIT_DATA_DIR", Path(__file__).parent / "data"))


def load_pretrained():
    """The pretrained digit classifier: (None, 64) pixels in [0, 1] -> (None, 10) softmax probabilities."""
    return keras.saving.load_model(DATA_DIR / "pretrained.keras", compile=False)


def _dense_layers(model, targets):
    """The model's Dense layers in order, and the names of those that get an adapter."""
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    names = [layer.name for layer in dense]
    if targets is None:
        return dense, set(names)
    unknown = [name for name in targets if name not in names]
    if unknown:
        raise ValueError(f"no Dense layer named {unknown[0]!r}; the model's Dense layers are {names}")
    return dense, set(targets)


def lora_num_params(model, rank, targets=None):
    dense, chosen = _dense_layers(model, targets)
    # A is (d_in, r) and B is (r, d_out): r * (d_in + d_out) instead of d_in * d_out
    return sum(rank * (layer.kernel.shape[0] + layer.kernel.shape[1]) for layer in dense if layer.name in chosen)


def add_lora(model, rank, alpha, targets=None, lr=1e-2):
    if isinstance(rank, bool) or not isinstance(rank, (int, np.integer)) or rank < 1:
        raise ValueError(f"rank must be a positive integer, got {rank!r}")
    if not alpha > 0:
        raise ValueError(f"alpha must be positive, got {alpha!r}")
    dense, chosen = _dense_layers(model, targets)
    inputs = keras.Input(shape=model.input_shape[1:])
    h = inputs
    for layer in dense:
        d_out = layer.kernel.shape[1]
        # the pretrained layer without its activation, frozen with its pretrained weights
        base = layers.Dense(d_out, name=layer.name, trainable=False)
        z = base(h)
        base.set_weights(layer.get_weights())
        if layer.name in chosen:
            a = layers.Dense(rank, use_bias=False, kernel_initializer="he_uniform", name=f"{layer.name}_lora_a")(h)
            b = layers.Dense(d_out, use_bias=False, kernel_initializer="zeros", name=f"{layer.name}_lora_b")(a)
            delta = layers.Rescaling(alpha / rank, name=f"{layer.name}_lora_scale")(b)
            z = layers.Add(name=f"{layer.name}_lora_add")([z, delta])  # before the activation
        h = layers.Activation(layer.activation, name=f"{layer.name}_activation")(z)
    lora = keras.Model(inputs, h, name=f"{model.name}_lora")
    lora.compile(optimizer=keras.optimizers.Adam(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return lora


def merge_lora(model):
    inputs = keras.Input(shape=model.input_shape[1:])
    h = inputs
    for activation in (layer for layer in model.layers if isinstance(layer, layers.Activation)):
        name = activation.name.removesuffix("_activation")
        kernel, bias = (np.asarray(w, dtype=np.float64) for w in model.get_layer(name).get_weights())
        if any(layer.name == f"{name}_lora_a" for layer in model.layers):
            a = np.asarray(model.get_layer(f"{name}_lora_a").get_weights()[0], dtype=np.float64)
            b = np.asarray(model.get_layer(f"{name}_lora_b").get_weights()[0], dtype=np.float64)
            scale = float(model.get_layer(f"{name}_lora_scale").scale)
            kernel = kernel + scale * (a @ b)  # (d_in, r) @ (r, d_out): the kernel's own layout
        merged = layers.Dense(kernel.shape[1], activation=activation.activation, name=name)
        h = merged(h)
        merged.set_weights([kernel.astype(np.float32), bias.astype(np.float32)])
    return keras.Model(inputs, h, name=model.name.removesuffix("_lora"))
