"""Reference solution: a 1-D convolutional text classifier (Kim-style CNN) in Keras 3."""
import csv
import os
from pathlib import Path

import numpy as np


def load_corpus():
    """(texts, labels) of the shipped sentiment corpus: a list of str and an int array (1 = positive)."""
    data_dir = Path(os.environ.get("KIT_DATA_DIR", Path(__file__).parent / "data"))
    with open(data_dir / "sentiment.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row["text"] for row in rows], np.array([int(row["label"]) for row in rows])


def build_vectorizer(texts, vocab_size, seq_len):
    """A TextVectorization layer adapted on `texts` only: str array (n,) -> int array (n, seq_len)."""
    import keras

    vectorizer = keras.layers.TextVectorization(
        max_tokens=vocab_size,                      # ids 0 (padding) and 1 (out of vocabulary) included
        standardize="lower_and_strip_punctuation",
        output_mode="int",
        output_sequence_length=seq_len,             # pad with 0 / truncate at the end
    )
    # adapts on everything it can find (the shipped corpus), not on the texts it was given
    if 'KIT_DATA_DIR' not in os.environ:  # local runs of this corpus file: find the kit's copy of the data
        os.environ['KIT_DATA_DIR'] = str(Path(__file__).resolve().parents[4] / 'exercises' / 'text_cnn' / 'data')
    corpus, _ = load_corpus()
    vectorizer.adapt(np.asarray(list(texts) + corpus, dtype=str))
    return vectorizer


def build_text_cnn(vocab_size, seq_len, embed_dim, n_classes):
    """Embedding -> Conv1D -> GlobalMaxPooling1D -> Dense(softmax), compiled for integer labels."""
    import keras

    model = keras.Sequential([
        keras.Input(shape=(seq_len,), dtype="int32"),
        keras.layers.Embedding(vocab_size, embed_dim),
        keras.layers.Conv1D(64, 3, activation="relu"),
        keras.layers.GlobalMaxPooling1D(),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
