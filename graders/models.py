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

In secure mode the worker's description of a model is hostile input (the
submission runs in the worker and can wrap the code that describes it). So a
handle's spec is never the worker's word: the judge rebuilds the model in safe
mode, checks by behaviour that the copy computes what the live model computes
on judge-chosen inputs (and, when the model claims to be compiled, that both
give the same loss on judge-chosen targets), and describes its own copy. A
model that cannot be rebuilt, or whose description lies, fails every test that
uses it.

TensorFlow is imported lazily, only when a spec is built or a model rebuilt.
"""
from __future__ import annotations

from typing import Any

import numpy as np

try:
    from .errors import GradingSignal
except ImportError:  # the worker imports a stand-alone copy of this file, outside the package
    class GradingSignal(Exception):  # type: ignore[no-redef]
        """Stand-in: descriptions are only verified by the judge, never in the worker."""

PROBE_ROWS = 8  # judge-chosen inputs per behaviour check
PROBE_SEED = 20251  # the judge's probes are fixed, so a verdict never depends on luck
RTOL, ATOL = 1e-3, 1e-4  # the same computation in two processes (graph vs eager) agrees far closer than this


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
    """Spec of a learner's model: of the live model locally, of the judge's verified copy in secure mode."""
    if not _is_handle(model):
        return describe_live_model(model)
    judge, claim, probe = _verified_copy(model)
    spec = describe_live_model(judge)
    spec["compiled"], spec["learning_rate"] = _verified_compile(judge, claim, model, probe)
    return spec


def rebuild(model_or_spec: Any):
    """A judge-side copy: built from config in safe mode (standard layers only), same weights.

    For a secure-mode handle the copy is checked against the live model by behaviour first.
    """
    if _is_handle(model_or_spec):
        return _verified_copy(model_or_spec)[0]
    spec = model_or_spec if isinstance(model_or_spec, dict) else describe_live_model(model_or_spec)
    return _rebuild_from(spec)


def _rebuild_from(spec: Any):
    import keras

    try:
        model = _deserialize_model(spec["config"])
        if not isinstance(model, keras.Model):
            raise TypeError(f"the config describes a {type(model).__name__}, not a keras.Model")
        model.set_weights(spec["weights"])
    except Exception as exc:  # noqa: BLE001 - any failure means it is not a standard, safe model
        raise AssertionError(f"the returned model could not be rebuilt from its config in Keras safe mode "
                             f"({type(exc).__name__}: {str(exc)[:200]}); use standard Keras layers only, "
                             f"no Lambda or custom layers") from None
    return model


def _deserialize_model(config: Any):
    """The model a serialized config describes, in safe mode. A model compiled with the learner's own loss
    (a soft Dice, say) cannot be compiled here: it is rebuilt uncompiled, since the architecture and weights
    are what the judge evaluates (in secure mode ``_verified_compile`` judges the compile settings)."""
    import keras

    try:
        return keras.saving.deserialize_keras_object(config, safe_mode=True)
    except Exception:  # noqa: BLE001 - retried without the compile settings, else reported by the caller
        if not isinstance(config, dict) or "compile_config" not in config:
            raise
    return keras.saving.deserialize_keras_object({k: v for k, v in config.items() if k != "compile_config"},
                                                 safe_mode=True)


# ------------------------------------------------------------------ secure mode: trust by behaviour

class DescriptionMismatch(AssertionError):
    """The worker's description of a model does not behave like the model itself."""


def _verified_copy(handle: Any) -> tuple[Any, dict, Any]:
    """(judge's safe-mode copy, the worker's claim, the probe inputs) once the copy behaves like the live model."""
    claim = handle._grader_describe()
    if not isinstance(claim, dict) or "config" not in claim or "weights" not in claim:
        raise DescriptionMismatch("the sandboxed worker did not describe the returned model (config and weights); "
                                  "return a keras.Model built from standard Keras layers")
    judge = _rebuild_from(claim)
    probe = _probe_inputs(judge, claim)
    expected = _flat(judge(probe, training=False))
    try:
        got = _flat(handle.predict_on_batch(probe))
    except GradingSignal:  # a timeout, crash or protocol violation keeps its own status
        raise
    except Exception as exc:  # noqa: BLE001 - learner code raised; the copy cannot be checked
        raise DescriptionMismatch(f"the returned model could not be checked: model.predict_on_batch on the judge's "
                                  f"inputs raised {type(exc).__name__}: {str(exc)[:160]}") from None
    if not _same(got, expected):
        raise DescriptionMismatch(
            "the returned model does not compute what its config and weights describe (the judge's safe-mode copy "
            "and the model itself disagree on the judge's inputs); the grader cannot evaluate it - return a plain "
            "keras.Model of standard layers, without Lambda, custom layers or patched methods")
    return judge, claim, probe


def _verified_compile(judge: Any, claim: dict, handle: Any, probe: Any) -> tuple[dict | None, float | None]:
    """(compile config, learning rate) the judge can stand behind: the live model must give the
    loss the claimed compile settings give on the judge's copy, for judge-chosen targets."""
    import keras

    compiled = claim.get("compiled")
    if not compiled:
        return None, None
    try:
        config = keras.saving.deserialize_keras_object(compiled, safe_mode=True)
        config.update(run_eagerly=True, jit_compile=False)
        judge.compile(**config)
    except Exception:  # noqa: BLE001 - a custom loss: only the fact that it is compiled can be checked
        judge = None
    outputs = _flat(judge(probe, training=False)) if judge is not None else None
    for targets in _target_candidates(outputs, probe, claim):
        expected = None
        if judge is not None:
            try:
                expected = _first(judge.test_on_batch(probe, targets))
            except Exception:  # noqa: BLE001 - targets that do not fit this loss; try the next kind
                continue
        try:
            got = _first(handle.test_on_batch(probe, targets))
        except GradingSignal:
            raise
        except Exception as exc:  # noqa: BLE001
            if expected is None:
                continue
            raise DescriptionMismatch(f"the returned model's compile settings are not what its description says "
                                      f"(test_on_batch raised {type(exc).__name__} on targets its claimed loss "
                                      f"accepts); compile it with a standard Keras loss and optimizer") from None
        if expected is not None and not _same([np.float64(got)], [np.float64(expected)]):
            raise DescriptionMismatch(f"the returned model's loss on the judge's data is {got:.6g}, but the compile "
                                      f"settings it describes give {expected:.6g}: the description does not match "
                                      f"the model")
        if judge is None:
            return {"optimizer": None, "loss": None}, None  # compiled (shown by behaviour); settings unknown
        optimizer = judge.optimizer
        return judge.get_compile_config(), float(np.asarray(optimizer.learning_rate))
    raise DescriptionMismatch("the returned model says it is compiled, but it could not be evaluated on the judge's "
                              "data (test_on_batch failed); compile it with a standard Keras loss")


def _all_layers(layer: Any) -> list:
    found = []
    for child in getattr(layer, "layers", []) or []:
        found.append(child)
        found.extend(_all_layers(child))
    return found


def _probe_inputs(judge: Any, claim: dict) -> Any:
    """Judge-chosen inputs that fit the model: token ids below the smallest vocabulary where it
    embeds, uniform [0, 1) values otherwise; unknown lengths become 8."""
    import keras

    rng = np.random.default_rng(PROBE_SEED)
    try:
        shapes = [(tuple(t.shape), str(t.dtype)) for t in judge.inputs]
    except (AttributeError, ValueError):
        shapes = []
    if not shapes:
        declared = claim.get("input_shape")
        if not declared:
            raise AssertionError("the returned model has no input shape, so the judge cannot check it: "
                                 "start it with keras.Input(shape=...)")
        declared = declared if isinstance(declared[0], list) else [declared]
        shapes = [(tuple(shape), "float32") for shape in declared]
    vocab = min((int(layer.input_dim) for layer in _all_layers(judge) if isinstance(layer, keras.layers.Embedding)),
                default=None)
    arrays = []
    for shape, dtype in shapes:
        concrete = (PROBE_ROWS,) + tuple(8 if d is None else int(d) for d in shape[1:])
        if vocab is not None or "int" in dtype:
            values = rng.integers(0, vocab or 10, concrete)
            arrays.append(values.astype(np.int32 if "int" in dtype else np.float32))
        else:
            arrays.append(rng.random(concrete, dtype=np.float32))
    return arrays[0] if len(arrays) == 1 else arrays


def _target_candidates(outputs: list[np.ndarray] | None, probe: Any, claim: dict) -> list[Any]:
    """Targets of two kinds for a loss check: distributions shaped like the outputs, and integer labels."""
    rng = np.random.default_rng(PROBE_SEED + 1)
    if outputs is None:
        shape = claim.get("output_shape") or []
        shapes = [shape] if shape and not isinstance(shape[0], list) else shape
        outputs = [np.zeros((PROBE_ROWS,) + tuple(8 if d is None else int(d) for d in s[1:]), np.float32)
                   for s in shapes]
    dense, sparse = [], []
    for out in outputs:
        values = rng.random(out.shape).astype(np.float32) + 0.05
        dense.append(values / values.sum(axis=-1, keepdims=True) if out.ndim > 1 and out.shape[-1] > 1 else values)
        width = out.shape[-1] if out.ndim > 1 else 2
        sparse.append(rng.integers(0, max(width, 2), out.shape[:-1] if out.ndim > 1 else out.shape))
    pack = (lambda items: items[0]) if len(outputs) == 1 else list
    return [pack(dense), pack(sparse)]


def _flat(value: Any) -> list[np.ndarray] | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return [a for key in sorted(value) for a in _flat(value[key])]
    if isinstance(value, (list, tuple)):
        return [a for item in value for a in _flat(item)]
    return [np.asarray(value, dtype=np.float64)]


def _first(value: Any) -> float:
    if isinstance(value, dict):
        value = value.get("loss", next(iter(value.values())))
    if isinstance(value, (list, tuple)):
        value = value[0]
    return float(np.asarray(value))


def _same(got: list, expected: list) -> bool:
    """Same number of arrays, same shapes, values within the tolerance (scaled by the largest expected value)."""
    if len(got) != len(expected):
        return False
    for a, b in zip(got, expected):
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        scale = max(1.0, float(np.nanmax(np.abs(b)))) if b.size and not np.all(np.isnan(b)) else 1.0
        if a.shape != b.shape or not np.allclose(a, b, rtol=RTOL, atol=ATOL * scale, equal_nan=True):
            return False
    return True


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
