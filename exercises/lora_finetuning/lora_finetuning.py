"""LoRA: low-rank adapters around the frozen Dense layers of a pretrained model.

Run the visible tests with `python grade.py check lora_finetuning`.
Inputs are (N, 64) float32 in [0, 1]: scikit-learn 8x8 digits (pixels / 16), flattened.
Labels are integer class ids 0..9. Build everything from standard Keras layers (no Lambda,
no custom layer classes): the grader rebuilds your models from their config and weights.
"""
import os
from pathlib import Path

import keras
import numpy as np
from keras import layers

DATA_DIR = Path(os.environ.get("KIT_DATA_DIR", Path(__file__).parent / "data"))


def load_pretrained():
    """Given: the pretrained digit classifier (a keras.Sequential named 'digits_mlp').

    (None, 64) -> hidden1 Dense(64, relu) -> hidden2 Dense(64, relu) -> output Dense(10, softmax).
    It was trained on upright digits by scripts/make_lora_pretrained.py.
    """
    return keras.saving.load_model(DATA_DIR / "pretrained.keras", compile=False)


def lora_num_params(model, rank: int, targets: list[str] | None = None) -> int:
    """The number of parameters LoRA of rank `rank` adds to `model`: rank * (d_in + d_out) per adapted
    Dense layer. targets=None adapts every Dense layer; an unknown name raises ValueError."""
    # TODO: sum over the adapted Dense layers
    raise NotImplementedError("lora_num_params")


def add_lora(model, rank: int, alpha: float, targets: list[str] | None = None, lr: float = 1e-2):
    """A new compiled model: every targeted Dense layer of `model` frozen, plus a trainable low-rank update.

    Layer NAME computes activation(x @ W + b + (alpha / rank) * (x @ A) @ B) with W, b frozen (the
    pretrained weights), A in a Dense layer 'NAME_lora_a' (d_in -> rank, no bias, random init) and B in a
    Dense layer 'NAME_lora_b' (rank -> d_out, no bias, zeros). Compile with Adam(lr) for integer labels.
    ValueError for rank < 1, alpha <= 0 or a target that is not a Dense layer of the model.
    """
    # TODO: rebuild the model layer by layer with frozen copies of the pretrained layers and the adapters
    raise NotImplementedError("add_lora")


def merge_lora(model):
    """A new model of Dense layers only (the pretrained names, units and activations) whose kernels are
    W + (alpha / rank) * A @ B; biases unchanged. `model` (from add_lora) is left as it is."""
    # TODO: fold each adapter into its layer's kernel
    raise NotImplementedError("merge_lora")
