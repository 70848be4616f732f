"""Reference solution: L2 + dropout regularisation and early stopping in Keras 3."""
HIDDEN_UNITS = (256, 256)


def build_regularized_mlp(input_dim, n_classes, l2, dropout):
    import keras
    from keras import layers, regularizers

    model = keras.Sequential([keras.Input(shape=(input_dim,))])
    for units in HIDDEN_UNITS:
        model.add(layers.Dense(units, activation="relu", kernel_regularizer=regularizers.L2(l2)))
        model.add(layers.Dropout(dropout))  # rate = fraction of units DROPPED (not kept)
    model.add(layers.Dense(n_classes, activation="softmax", kernel_regularizer=regularizers.L2(l2)))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    if len(val_losses) == 0:
        raise ValueError("val_losses is empty: there is no epoch to stop at")
    min_delta = abs(min_delta)
    best, best_epoch, wait = None, 0, 0
    for epoch, current in enumerate(val_losses):
        wait += 1
        # an improvement must beat the best value so far by more than min_delta
        if best is None or current + min_delta < best:
            best, best_epoch, wait = current, epoch, 0
            continue
        if wait == patience and epoch > 0:
            return epoch, best_epoch
    return len(val_losses) - 1, best_epoch


def make_callbacks(patience):
    import keras

    return [keras.callbacks.EarlyStopping(monitor="val_loss", mode="min", patience=patience,
                                          restore_best_weights=True)]
