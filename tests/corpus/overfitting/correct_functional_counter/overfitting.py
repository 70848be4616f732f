"""Functional-API model; early stopping written as 'epochs since the last improvement'."""
import keras


def build_regularized_mlp(input_dim, n_classes, l2, dropout):
    def penalty():
        return keras.regularizers.L1L2(l1=0.0, l2=l2)

    inputs = keras.Input((input_dim,))
    x = inputs
    for width in (256, 256):
        x = keras.layers.Dense(width, kernel_regularizer=penalty())(x)
        x = keras.layers.Activation("relu")(x)
        x = keras.layers.Dropout(rate=dropout)(x)
    outputs = keras.layers.Dense(n_classes, activation="softmax", kernel_regularizer=penalty())(x)
    model = keras.Model(inputs, outputs)
    model.compile(keras.optimizers.Adam(learning_rate=0.001),
                  keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    return model


def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    losses = [float(v) for v in val_losses]
    if not losses:
        raise ValueError("no validation losses")
    best_value, best_epoch = losses[0], 0
    for epoch in range(1, len(losses)):
        if losses[epoch] + abs(min_delta) < best_value:
            best_value, best_epoch = losses[epoch], epoch
        elif epoch - best_epoch >= max(patience, 1):
            return epoch, best_epoch
    return len(losses) - 1, best_epoch


def make_callbacks(patience):
    stopper = keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True)
    return [stopper, keras.callbacks.TerminateOnNaN()]
