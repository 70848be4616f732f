"""Reference solution: LSTM one-step-ahead forecasting of a univariate series."""
import numpy as np


def make_windows(series, window, horizon=1):
    """Supervised pairs from a 1-D series.

    X[i] = series[i : i + window]              (shape (window, 1))
    y[i] = series[i + window + horizon - 1]     (shape (1,))
    for i = 0 .. len(series) - window - horizon.
    """
    series = np.asarray(series, dtype=np.float32)
    if series.ndim != 1:
        raise ValueError(f"series must be 1-D, got shape {series.shape}")
    if window < 1 or horizon < 1:
        raise ValueError("window and horizon must be at least 1")
    n = len(series) - window - horizon + 1
    if n < 1:
        raise ValueError(f"a series of length {len(series)} holds no window of {window} "
                         f"plus a target {horizon} step(s) ahead")
    starts = np.arange(n)
    X = series[starts[:, None] + np.arange(window)]
    y = series[starts + window + horizon - 1]
    return X[..., None], y[:, None]


def build_lstm(window, units):
    """(None, window, 1) -> LSTM(units, tanh) -> Dense(1), compiled with MSE."""
    import keras

    model = keras.Sequential([
        keras.Input(shape=(window, 1)),
        keras.layers.LSTM(units, activation="relu"),
        keras.layers.Dense(1),
    ])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="mse", metrics=["mae"])
    return model


def forecast(model, history, steps):
    """Recursive multi-step forecast: predict one step, append it, slide the window."""
    window = model.input_shape[1]
    buffer = list(np.asarray(history, dtype=np.float32)[-window:])
    if len(buffer) < window:
        raise ValueError(f"history has {len(buffer)} values, the model needs a window of {window}")
    out = []
    for _ in range(steps):
        x = np.asarray(buffer[-window:], dtype=np.float32).reshape(1, window, 1)
        next_value = float(np.asarray(model.predict_on_batch(x))[0, 0])   # traced once, fast per call
        out.append(next_value)
        buffer.append(next_value)
    return np.asarray(out, dtype=np.float32)
