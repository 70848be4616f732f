"""An independent correct solution: loop-built windows, two stacked tanh LSTMs with Keras'
default Adam, a forecast that rolls a fixed-size numpy buffer and calls the model directly."""
import numpy as np


def make_windows(series, window, horizon=1):
    s = np.asarray(series, dtype=np.float32).ravel()
    if window <= 0 or horizon <= 0:
        raise ValueError("window and horizon must be positive")
    xs, ys = [], []
    last_start = len(s) - window - horizon
    if last_start < 0:
        raise ValueError("series too short")
    for start in range(last_start + 1):
        xs.append(s[start:start + window])
        ys.append([s[start + window - 1 + horizon]])
    return np.array(xs, dtype=np.float32).reshape(-1, window, 1), np.array(ys, dtype=np.float32)


def build_lstm(window, units):
    from keras import Sequential, layers, losses

    model = Sequential([
        layers.Input((window, 1)),
        layers.LSTM(units, return_sequences=True),
        layers.LSTM(units // 2 or 1),
        layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss=losses.mean_squared_error)
    return model


def forecast(model, history, steps):
    window = int(model.input_shape[1])
    buf = np.array(history, dtype=np.float32)[-window:].copy()
    preds = np.empty(steps, dtype=np.float32)
    for k in range(steps):
        preds[k] = np.asarray(model(buf[None, :, None], training=False)).item()
        buf = np.roll(buf, -1)
        buf[-1] = preds[k]
    return preds
