"""Time-series forecasting with an LSTM (Keras 3).

Run the visible tests with `python grade.py check lstm_forecasting`.
Conventions: a series is a 1-D float array; a model maps windows (batch, window, 1) to the
next value (batch, 1). The grader trains the compiled model you return itself (see README).
"""
import numpy as np


def make_windows(series, window, horizon=1):
    """Supervised pairs from a 1-D series.

    X[i] = series[i : i + window]            -> X has shape (n, window, 1), float32
    y[i] = series[i + window + horizon - 1]   -> y has shape (n, 1), float32
    for i = 0 .. n - 1 with n = len(series) - window - horizon + 1. The target is never
    inside its own window. Raise ValueError if window < 1, horizon < 1 or n < 1.
    Example: make_windows([0, 1, 2, 3, 4], 3) -> X[:, :, 0] = [[0, 1, 2], [1, 2, 3]], y = [[3], [4]]
    """
    # TODO
    raise NotImplementedError("make_windows")


def build_lstm(window, units):
    """A compiled Keras model: input (None, window, 1) -> LSTM(units) -> Dense(1) -> (None, 1).

    Compile it with the mean squared error loss and an optimizer of your choice.
    """
    import keras  # noqa: F401  (import inside the function: the module stays light)

    # TODO
    raise NotImplementedError("build_lstm")


def forecast(model, history, steps):
    """Recursive multi-step forecast: returns a float array of shape (steps,).

    Start from the last `window` values of `history` (window = model.input_shape[1]),
    predict the next value, append the prediction, slide the window by one, repeat.
    """
    # TODO
    raise NotImplementedError("forecast")
