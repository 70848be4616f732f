"""Correct, written differently: the scaling is applied to the input of A, the copies are frozen after
they are built, the adapter branch uses glorot_uniform, and merge reads the scale from the layer config."""
import os
from pathlib import Path

import numpy as np

DATA_DIR = Path(os.environ.get("KIT_DATA_DIR", Path(__file__).parent / "data"))


def load_pretrained():
    import keras

    return keras.saving.load_model(DATA_DIR / "pretrained.keras", compile=False)


def _targets(model, targets):
    import keras

    names = {layer.name: layer for layer in model.layers if isinstance(layer, keras.layers.Dense)}
    wanted = list(names) if targets is None else list(targets)
    for name in wanted:
        if name not in names:
            raise ValueError(f"{name} is not a Dense layer")
    return names, set(wanted)


def lora_num_params(model, rank, targets=None):
    names, wanted = _targets(model, targets)
    total = 0
    for name in wanted:
        d_in, d_out = names[name].get_weights()[0].shape
        total += rank * d_in + rank * d_out
    return int(total)


def add_lora(model, rank, alpha, targets=None, lr=1e-2):
    import keras

    if rank < 1 or int(rank) != rank:
        raise ValueError("rank must be an integer >= 1")
    if alpha <= 0:
        raise ValueError("alpha must be > 0")
    names, wanted = _targets(model, targets)
    x = inputs = keras.Input((model.input_shape[-1],))
    for layer in model.layers:
        if not isinstance(layer, keras.layers.Dense):
            continue
        kernel, bias = layer.get_weights()
        frozen = keras.layers.Dense(kernel.shape[1], activation=None, name=layer.name)
        pre = frozen(x)
        frozen.set_weights([kernel, bias])
        frozen.trainable = False
        if layer.name in wanted:
            scaled = keras.layers.Rescaling(alpha / rank, name=layer.name + "_scale_in")(x)
            low = keras.layers.Dense(int(rank), use_bias=False, name=layer.name + "_lora_a")(scaled)
            up = keras.layers.Dense(kernel.shape[1], use_bias=False, kernel_initializer="zeros",
                                    name=layer.name + "_lora_b")(low)
            pre = keras.layers.Add()([pre, up])
        x = keras.layers.Activation(keras.activations.serialize(layer.activation), name=layer.name + "_act")(pre)
    out = keras.Model(inputs, x)
    out.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="sparse_categorical_crossentropy")
    return out


def merge_lora(model):
    import keras

    x = inputs = keras.Input((model.input_shape[-1],))
    for act in [layer for layer in model.layers if layer.name.endswith("_act")]:
        name = act.name[: -len("_act")]
        kernel, bias = model.get_layer(name).get_weights()
        kernel = kernel.astype(np.float64)
        names = [layer.name for layer in model.layers]
        if name + "_lora_a" in names:
            scale = model.get_layer(name + "_scale_in").get_config()["scale"]
            a = model.get_layer(name + "_lora_a").get_weights()[0].astype(np.float64)
            b = model.get_layer(name + "_lora_b").get_weights()[0].astype(np.float64)
            kernel = kernel + scale * np.einsum("ir,ro->io", a, b)
        dense = keras.layers.Dense(kernel.shape[1], activation=act.get_config()["activation"], name=name)
        x = dense(x)
        dense.set_weights([kernel.astype("float32"), bias])
    return keras.Model(inputs, x)
