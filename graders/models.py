"""Keras models across the judge boundary, and architecture checks that teach.

A model returned by learner code is a live ``keras.Model`` in local mode and a
handle to one (``graders.secure.RemoteHandle``) in secure mode. Tests never
touch either directly: they ask for its *spec* (config, per-layer summary,
weights, compile settings) or for a judge-side copy rebuilt from that spec in
Keras safe mode, so the same test runs unchanged in both modes and quality
figures are always measured by the judge on its own data.

    spec = model_spec(model)
    assert_layer_sequence(spec, ["Conv2D", "MaxPooling2D", "Flatten", "Dense"], call="build_cnn((8, 8, 1), 3)")
    judge_model = rebuild(model)           # safe-mode copy with the same weights
    accuracy = (judge_model.predict(X_held_out).argmax(1) == y_held_out).mean()

TensorFlow is imported lazily, only when a spec is built or a model rebuilt.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def _is_handle(obj: Any) -> bool:
    return hasattr(obj, "_grader_describe")


def describe_live_model(model: Any) -> dict:
    """The spec of a live Keras model (runs wherever the model lives)."""
    import keras

    if isinstance(model, keras.callbacks.Callback):
        return describe_live_callback(model)
    if not isinstance(model, keras.Model):
        raise TypeError(f"expected a keras.Model, got {type(model).__name__}")
    layers = []
    for layer in model.layers:
        try:
            out_shape = list(layer.output.shape)
        except (AttributeError, ValueError):
            out_shape = None
        layers.append({
            "name": layer.name,
            "class_name": type(layer).__name__,
            "trainable": bool(layer.trainable),
            "output_shape": out_shape,
            "config": keras.saving.serialize_keras_object(layer)["config"],
            "n_params": int(layer.count_params()) if layer.built else 0,
            "n_trainable": int(sum(np.prod(w.shape) for w in layer.trainable_weights)),
        })
    compiled = None
    if getattr(model, "compiled", False) or getattr(model, "optimizer", None) is not None:
        try:
            compiled = model.get_compile_config()
        except Exception:  # noqa: BLE001 - a model compiled with objects that do not serialise
            compiled = {"optimizer": None, "loss": None}
    optimizer = getattr(model, "optimizer", None)
    return {
        "class_name": type(model).__name__,
        "config": keras.saving.serialize_keras_object(model),
        "layers": layers,
        "input_shape": _shape(getattr(model, "input_shape", None)),
        "output_shape": _shape(getattr(model, "output_shape", None)),
        "n_params": int(model.count_params()),
        "n_trainable": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
        "compiled": compiled,
        "learning_rate": float(np.asarray(optimizer.learning_rate)) if optimizer is not None else None,
        "weights": [np.asarray(w) for w in model.get_weights()],
        "losses": [float(np.asarray(loss)) for loss in model.losses],
    }


def _shape(shape: Any) -> Any:
    if shape is None:
        return None
    if isinstance(shape, tuple) and shape and isinstance(shape[0], tuple):
        return [list(s) for s in shape]
    return list(shape)


def describe_live_callback(callback: Any) -> dict:
    """A Keras callback's class and its plain-data settings (monitor, patience, restore_best_weights, ...)."""
    settings = {name: value for name, value in vars(callback).items()
                if not name.startswith("_") and (value is None or type(value) in (bool, int, float, str))}
    return {"class_name": type(callback).__name__, "settings": settings}


def callback_spec(callback: Any) -> dict:
    """Spec of a learner's Keras callback, live or behind a secure-mode handle."""
    if _is_handle(callback):
        return callback._grader_describe()
    return describe_live_callback(callback)


def model_spec(model: Any) -> dict:
    """Spec of a learner's model, live or behind a secure-mode handle."""
    if _is_handle(model):
        return model._grader_describe()
    return describe_live_model(model)


def rebuild(model_or_spec: Any):
    """A judge-side copy: built from config in safe mode (standard layers only), same weights."""
    import keras

    spec = model_or_spec if isinstance(model_or_spec, dict) else model_spec(model_or_spec)
    try:
        model = keras.saving.deserialize_keras_object(spec["config"], safe_mode=True)
    except Exception as exc:  # noqa: BLE001 - any failure means it is not a standard, safe model
        raise AssertionError(f"the returned model could not be rebuilt from its config in Keras safe mode "
                             f"({type(exc).__name__}: {str(exc)[:200]}); use standard Keras layers only, "
                             f"no Lambda or custom layers") from None
    model.set_weights(spec["weights"])
    return model


# ------------------------------------------------------------------ architecture assertions

def layer_classes(spec: dict) -> list[str]:
    return [layer["class_name"] for layer in spec["layers"]]


def assert_layer_sequence(spec: dict, expected: list[str | tuple[str, ...]], call: str,
                          ignore: tuple[str, ...] = ("InputLayer",)) -> None:
    """The expected layer types appear in this order (other layers may sit between them).

    An entry may be a tuple of alternatives, e.g. ("MaxPooling2D", "AveragePooling2D").
    """
    got = [c for c in layer_classes(spec) if c not in ignore]
    names = [w if isinstance(w, str) else " or ".join(w) for w in expected]
    position = 0
    for wanted, name in zip(expected, names):
        options = (wanted,) if isinstance(wanted, str) else tuple(wanted)
        while position < len(got) and got[position] not in options:
            position += 1
        if position == len(got):
            raise AssertionError(f"called {call}; layers are {got}, expected {names} in this order "
                                 f"(missing or out of place: {name})")
        position += 1


def assert_output_shape(spec: dict, expected: tuple, call: str) -> None:
    got = tuple(spec["output_shape"]) if spec["output_shape"] is not None else None
    if got != tuple(expected):
        raise AssertionError(f"called {call}; the model's output shape is {got}, expected {tuple(expected)}")


def assert_input_shape(spec: dict, expected: tuple, call: str) -> None:
    got = tuple(spec["input_shape"]) if spec["input_shape"] is not None else None
    if got != tuple(expected):
        raise AssertionError(f"called {call}; the model's input shape is {got}, expected {tuple(expected)}")


def assert_activation(spec: dict, layer_index: int, expected: str, call: str) -> None:
    layer = spec["layers"][layer_index]
    got = layer["config"].get("activation")
    if got != expected:
        raise AssertionError(f"called {call}; layer {layer_index} ({layer['class_name']} '{layer['name']}') "
                             f"has activation {got!r}, expected {expected!r}")


def assert_param_budget(spec: dict, maximum: int, call: str) -> None:
    if spec["n_params"] > maximum:
        raise AssertionError(f"called {call}; the model has {spec['n_params']:,} parameters, "
                             f"the budget is {maximum:,}")


def compiled_loss(spec: dict) -> Any:
    return (spec.get("compiled") or {}).get("loss")


def assert_compiled(spec: dict, call: str) -> dict:
    if not spec.get("compiled"):
        raise AssertionError(f"called {call}; the model is not compiled - call model.compile(...) before returning it")
    return spec["compiled"]
