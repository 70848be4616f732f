"""Sequence labelling (one tag per token) with padding masks (Keras 3).

Run the visible tests with `python grade.py check sequence_labeling`.
Conventions: token id 0 is padding (sentences are padded at the end to seq_len); tags are
integers 0 .. n_tags - 1; the tag stored at a padded position is meaningless and must not
count, neither in the loss nor in the accuracy. The grader trains the compiled model you
return itself (see README).
"""
import numpy as np


def build_tagger(vocab_size, n_tags, seq_len):
    """A compiled model: int ids (None, seq_len) -> tag probabilities (None, seq_len, n_tags).

    Padding (id 0) must be masked so that it is ignored by the recurrent layer and the loss.
    Compile it for integer tags of shape (batch, seq_len).
    """
    import keras  # noqa: F401

    # TODO
    raise NotImplementedError("build_tagger")


def masked_accuracy(y_true, y_pred, mask):
    """Token accuracy over real tokens only.

    y_true: (B, T) int tags; y_pred: (B, T, n_tags) scores (the predicted tag is the argmax);
    mask: (B, T) bool or 0/1, true for real tokens. Returns a float in [0, 1]: correct real tokens
    divided by the number of real tokens. Raises ValueError if the mask selects no token or the
    shapes do not match.
    """
    # TODO
    raise NotImplementedError("masked_accuracy")
