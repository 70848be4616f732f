"""Reference solution: a masked BiLSTM token tagger and a masked token accuracy."""
import numpy as np


def build_tagger(vocab_size, n_tags, seq_len):
    """int ids (None, seq_len), 0 = padding -> tag probabilities (None, seq_len, n_tags).

    Embedding(mask_zero=True) creates the padding mask; Bidirectional(LSTM) and Dense pass
    it on, so Keras drops padded positions from the loss (and from compiled metrics).
    """
    import keras

    model = keras.Sequential([
        keras.Input(shape=(seq_len,), dtype="int32"),
        keras.layers.Embedding(vocab_size, 32, mask_zero=True),
        keras.layers.Bidirectional(keras.layers.LSTM(32, return_sequences=True)),
        keras.layers.Dense(n_tags, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def masked_accuracy(y_true, y_pred, mask):
    """Share of real tokens (mask true) whose argmax tag equals the true tag.

    y_true (B, T) int, y_pred (B, T, n_tags) scores, mask (B, T) bool or 0/1.
    """
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    mask = np.asarray(mask).astype(bool)
    if y_pred.shape[:-1] != y_true.shape or mask.shape != y_true.shape:
        raise ValueError(f"shapes do not match: y_true {y_true.shape}, y_pred {y_pred.shape}, mask {mask.shape}")
    n_real = int(mask.sum())
    if n_real == 0:
        raise ValueError("the mask selects no tokens; accuracy is undefined")
    correct = (y_pred.argmax(axis=-1) == y_true) & mask
    return float(correct.sum() / n_real)
