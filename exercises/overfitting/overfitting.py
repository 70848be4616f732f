"""Fighting overfitting in Keras 3: L2 weight penalties, dropout and early stopping.

Run the visible tests with `python grade.py check overfitting`.
"""


def build_regularized_mlp(input_dim, n_classes, l2, dropout):
    """A compiled MLP: (None, input_dim) -> (None, n_classes) softmax probabilities.

    Architecture: Dense(256, relu) -> Dropout(dropout) -> Dense(256, relu) -> Dropout(dropout)
    -> Dense(n_classes, softmax). Every Dense kernel (hidden and output) carries an L2 penalty
    l2 * sum(w ** 2) that shows up in model.losses; biases are not penalised. `dropout` is the
    fraction of units dropped. Compile with Adam(1e-3) for integer labels.
    """
    # TODO: build the layers with kernel_regularizer and Dropout, then compile
    raise NotImplementedError("build_regularized_mlp")


def early_stopping_epoch(val_losses, patience, min_delta=0.0):
    """When keras.callbacks.EarlyStopping(monitor="val_loss", patience, min_delta) would stop.

    val_losses: the validation loss after each epoch (epoch 0 first).
    Returns (stop_epoch, best_epoch), 0-based: stop_epoch is the last epoch that runs (the last
    index of val_losses if patience never runs out), best_epoch the epoch whose weights
    restore_best_weights=True would restore. An epoch improves when val_loss < best - min_delta
    (strictly); patience=0 behaves like patience=1.
    Raises ValueError for an empty list.
    """
    # TODO: replay Keras' rule epoch by epoch
    raise NotImplementedError("early_stopping_epoch")


def make_callbacks(patience):
    """A list of Keras callbacks for model.fit: early stopping on the validation loss that
    keeps the best weights, with the given patience."""
    # TODO
    raise NotImplementedError("make_callbacks")
