"""Text classification with a 1-D CNN (Keras 3): a vectorizer and a Kim-style text CNN.

Run the visible tests with `python grade.py check text_cnn`.
The grader adapts your vectorizer on training sentences, vectorizes held-out sentences with it,
trains the compiled model you return and measures its accuracy itself (see README).
"""
import csv
import os
from pathlib import Path

import numpy as np


def load_corpus():
    """(texts, labels) of the shipped sentiment corpus: a list of str and an int array (1 = positive).

    Given helper: reads data/sentiment.tsv (4,000 short English sentences, CC0, written for this kit).
    """
    data_dir = Path(os.environ.get("KIT_DATA_DIR", Path(__file__).parent / "data"))
    with open(data_dir / "sentiment.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row["text"] for row in rows], np.array([int(row["label"]) for row in rows])


def build_vectorizer(texts, vocab_size, seq_len):
    """A keras.layers.TextVectorization adapted on `texts` (and nothing else).

    Calling it on an array of n strings returns int ids of shape (n, seq_len): lower-cased,
    punctuation stripped, 0 = padding (at the end), 1 = out-of-vocabulary, every id < vocab_size,
    sentences longer than seq_len cut at seq_len.
    """
    import keras  # noqa: F401

    # TODO
    raise NotImplementedError("build_vectorizer")


def build_text_cnn(vocab_size, seq_len, embed_dim, n_classes):
    """A compiled model: int ids (None, seq_len) -> class probabilities (None, n_classes).

    Layers in this order: Embedding(vocab_size, embed_dim) -> Conv1D -> GlobalMaxPooling1D ->
    Dense(n_classes, softmax). Compile it for integer labels 0 .. n_classes - 1.
    """
    import keras  # noqa: F401

    # TODO
    raise NotImplementedError("build_text_cnn")
