"""An independent correct solution: Kim (2014) style, three parallel convolution widths
(functional API), dropout, a loss object and Keras' default Adam."""
import numpy as np


def build_vectorizer(texts, vocab_size, seq_len):
    from keras import layers

    vec = layers.TextVectorization(max_tokens=vocab_size, output_sequence_length=seq_len)
    vec.adapt(list(texts), batch_size=256)
    return vec


def build_text_cnn(vocab_size, seq_len, embed_dim, n_classes):
    import keras
    from keras import layers

    ids = keras.Input((seq_len,), dtype="int32", name="ids")
    emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)(ids)
    pooled = []
    for width in (2, 3, 4):
        h = layers.Conv1D(32, width, padding="same", activation="relu")(emb)
        pooled.append(layers.GlobalMaxPooling1D()(h))
    h = layers.Concatenate()(pooled)
    h = layers.Dropout(0.2)(h)
    probs = layers.Dense(n_classes, activation="softmax")(h)
    model = keras.Model(ids, probs)
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    return model
