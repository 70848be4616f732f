"""Transfer learning from a small CNN pretrained on digits 0-4.

Run the visible tests with `python grade.py check transfer_learning`.
Images are (N, 12, 12, 1) float32 in [0, 1]: an 8x8 digit pasted at a random position on a
12x12 canvas. Labels are integer class ids 0..C-1.
"""
import os
from pathlib import Path

DATA_DIR = Path(os.environ.get("KIT_DATA_DIR", Path(__file__).parent / "data"))


def load_base():
    """Given: the pretrained feature extractor (a keras.Sequential named 'digits_base').

    (None, 12, 12, 1) -> conv1 -> pool1 -> conv2 -> pool2 -> flatten -> (None, 288) features.
    It was trained on digits 0-4 by scripts/make_transfer_base.py; it has no classifier on top.
    """
    import keras

    return keras.saving.load_model(DATA_DIR / "base.keras", compile=False)


def build_transfer_model(base, n_classes):
    """A compiled classifier: the frozen pretrained `base`, then a new Dense softmax head.

    (None, 12, 12, 1) -> (None, n_classes) probabilities. Only the head is trainable; the base
    keeps its pretrained weights. Compile with Adam(1e-3) for integer labels.
    """
    # TODO: freeze the base, add the head, compile
    raise NotImplementedError("build_transfer_model")


def unfreeze_top(model, n_layers, lr=1e-5):
    """Prepare `model` (from build_transfer_model) for fine-tuning and return it.

    Make the top `n_layers` base layers that hold weights trainable (pooling/flatten layers hold
    none and do not count; n_layers=0 leaves only the head trainable; n_layers larger than their
    number unfreezes them all), keep the lower ones frozen, and recompile with Adam(lr) for integer labels.
    """
    # TODO: choose the trainable layers, then recompile with the small learning rate
    raise NotImplementedError("unfreeze_top")
