"""scikit-learn estimators across the judge boundary, and structure checks that teach.

An estimator returned by learner code is a live object in local mode and a
handle to one (``graders.secure.RemoteHandle``) in secure mode. Tests never
read its attributes directly: they ask for its *spec*, a JSON-able nested
description that is the same in both modes, and they may call its methods
with numpy data (``fit``, ``transform``, ``predict``, ``score``) to probe
behaviour.

    spec = estimator_spec(search)
    assert_estimator_class(spec, "GridSearchCV", call="build_search(0)")
    cv = spec["params"]["cv"]                       # a StratifiedKFold, described the same way
    scalers = find_estimators(spec, "StandardScaler")

A description (``describe_live_estimator``) is a dict:

    {"class": "sklearn.preprocessing._data.StandardScaler",   # dotted class path
     "class_name": "StandardScaler",
     "params": {...},        # get_params(deep=False); nested estimators, pipelines'
                             # steps, column transformers' transformers described recursively
     "fitted": {...} | None, # public fitted attributes (names ending in "_"), None if there are none
     "is_fitted": bool}      # sklearn's check_is_fitted (a Pipeline is fitted when its last step is)

Values are JSON data: None, bool, int, float (NaN allowed, as Python's json
writes it), str, lists (tuples and numpy arrays become lists) and dicts with
str keys. Estimators and CV splitters (objects with ``split`` and
``get_n_splits``) become nested descriptions; classes and functions become
their dotted names ("numpy.float64"); anything else becomes its ``repr``.
"""
from __future__ import annotations

import inspect
import numbers
from typing import Any, Iterator

import numpy as np

MAX_DEPTH = 12  # nested estimators deeper than this are shown by repr
MAX_ARRAY = 200_000  # arrays with more elements are summarised (shape and dtype only)


def _is_handle(obj: Any) -> bool:
    return hasattr(obj, "_grader_describe")


def _is_estimator(obj: Any) -> bool:
    return hasattr(obj, "get_params") and not isinstance(obj, type)


def _is_splitter(obj: Any) -> bool:
    return hasattr(obj, "split") and hasattr(obj, "get_n_splits") and not isinstance(obj, type)


def _dotted(obj: Any) -> str:
    module = getattr(obj, "__module__", None) or ""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or type(obj).__name__
    return f"{module}.{name}" if module else name


def _describe_array(array: np.ndarray, depth: int) -> Any:
    if array.size > MAX_ARRAY:
        return {"array_summary": {"shape": list(array.shape), "dtype": str(array.dtype)}}
    if isinstance(array, np.ma.MaskedArray):
        array = array.astype(object).filled(None) if array.dtype.kind == "O" else array.filled(np.nan)
    if array.dtype.kind in "biufUS":
        if array.dtype.kind == "S":
            array = array.astype(str)
        return array.tolist()
    return [_describe_value(item, depth) for item in array.tolist()] if array.ndim else \
        _describe_value(array.item(), depth)


def _describe_value(value: Any, depth: int) -> Any:
    """A JSON-able description of one parameter or fitted attribute."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.generic):
        return _describe_value(value.item(), depth)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray):
        return _describe_array(value, depth)
    if isinstance(value, (list, tuple)):
        return [_describe_value(item, depth) for item in value]
    if isinstance(value, dict):
        return {str(key): _describe_value(item, depth) for key, item in value.items()}
    if isinstance(value, np.dtype):
        return str(value)
    if isinstance(value, type) or inspect.isfunction(value) or inspect.isbuiltin(value):
        return _dotted(value)
    if depth < MAX_DEPTH and _is_estimator(value):
        return describe_live_estimator(value, _depth=depth + 1)
    if depth < MAX_DEPTH and _is_splitter(value):
        return _describe_splitter(value, depth + 1)
    text = repr(value)
    return text if len(text) <= 500 else text[:497] + "..."


def _describe_splitter(splitter: Any, depth: int) -> dict:
    """A CV splitter (KFold, StratifiedKFold, ...): its constructor arguments."""
    params = {}
    try:
        signature = inspect.signature(type(splitter).__init__)
    except (TypeError, ValueError):
        signature = None
    if signature is not None:
        for name, parameter in signature.parameters.items():
            if name == "self" or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                continue
            if hasattr(splitter, name):
                params[name] = _describe_value(getattr(splitter, name), depth)
    return {"class": _dotted(type(splitter)), "class_name": type(splitter).__name__,
            "params": params, "fitted": None, "is_fitted": False}


def _fitted_attributes(estimator: Any, depth: int) -> dict | None:
    """Public attributes set by fit (sklearn's convention: the name ends with '_')."""
    try:
        names = sorted(vars(estimator))
    except TypeError:
        return None
    fitted = {name: _describe_value(getattr(estimator, name), depth) for name in names
              if name.endswith("_") and not name.startswith("_") and not callable(getattr(estimator, name))}
    return fitted or None


def describe_live_estimator(obj: Any, _depth: int = 0) -> dict:
    """The spec of a live scikit-learn estimator (runs wherever the estimator lives)."""
    if not _is_estimator(obj):
        if _is_splitter(obj):
            return _describe_splitter(obj, _depth)
        raise TypeError(f"expected a scikit-learn estimator (an object with get_params), got {type(obj).__name__}")
    params = obj.get_params(deep=False)
    return {
        "class": _dotted(type(obj)),
        "class_name": type(obj).__name__,
        "params": {str(name): _describe_value(value, _depth) for name, value in sorted(params.items())},
        "fitted": _fitted_attributes(obj, _depth),
        "is_fitted": _is_fitted(obj),
    }


def _is_fitted(estimator: Any) -> bool:
    try:
        from sklearn.exceptions import NotFittedError
        from sklearn.utils.validation import check_is_fitted
    except ImportError:  # pragma: no cover - scikit-learn is a kit dependency
        return False
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    except Exception:  # noqa: BLE001 - an estimator whose fitted-check itself fails
        return False
    return True


def estimator_spec(obj: Any) -> dict:
    """Spec of a learner's estimator, live or behind a secure-mode handle."""
    if _is_handle(obj):
        return obj._grader_describe()
    return describe_live_estimator(obj)


# ------------------------------------------------------------------ walking a spec

def is_spec(node: Any) -> bool:
    """True for a nested estimator or splitter description."""
    return isinstance(node, dict) and "class_name" in node and "params" in node


def walk(spec: Any, path: str = "") -> Iterator[tuple[str, dict]]:
    """Every estimator/splitter description inside ``spec`` (itself included), with a readable path.

    Parameters are visited before fitted attributes, so for a fitted Pipeline
    its steps come in order; a fitted ColumnTransformer shows both its template
    transformers (``params``, unfitted) and the fitted clones (``fitted.transformers_``).
    """
    if is_spec(spec):
        yield path or spec["class_name"], spec
        here = path or spec["class_name"]
        for name, value in spec["params"].items():
            yield from walk(value, f"{here}.{name}")
        for name, value in (spec.get("fitted") or {}).items():
            yield from walk(value, f"{here}.{name}")
    elif isinstance(spec, list):
        for index, item in enumerate(spec):
            yield from walk(item, f"{path}[{index}]")
    elif isinstance(spec, dict):
        for key, item in spec.items():
            yield from walk(item, f"{path}[{key!r}]")


def find_estimators(spec: dict, class_name: str | tuple[str, ...], fitted: bool | None = None) -> list[dict]:
    """Descriptions of every nested estimator of that class (or classes); ``fitted`` filters."""
    names = (class_name,) if isinstance(class_name, str) else tuple(class_name)
    found = []
    for _, node in walk(spec):
        if node["class_name"] in names:
            if fitted is None or bool(node.get("is_fitted")) == fitted:
                found.append(node)
    return found


def pipeline_steps(spec: dict) -> list[tuple[str, dict]]:
    """(name, description) of each step of a Pipeline spec."""
    if spec.get("class_name") != "Pipeline":
        raise AssertionError(f"expected a Pipeline, got a {spec.get('class_name')}")
    return [(step[0], step[1]) for step in spec["params"]["steps"]]


def column_transformers(spec: dict, fitted: bool = False) -> list[tuple[str, Any, Any]]:
    """(name, description or 'drop'/'passthrough', columns) of a ColumnTransformer spec.

    ``fitted=True`` reads the fitted clones (``transformers_``) instead of the templates.
    """
    if spec.get("class_name") != "ColumnTransformer":
        raise AssertionError(f"expected a ColumnTransformer, got a {spec.get('class_name')}")
    source = (spec.get("fitted") or {}).get("transformers_") if fitted else spec["params"]["transformers"]
    if source is None:
        raise AssertionError("the ColumnTransformer is not fitted")
    return [(entry[0], entry[1], entry[2]) for entry in source]


def class_names(spec: dict) -> list[str]:
    """Class names of every estimator inside ``spec``, in walk order."""
    return [node["class_name"] for _, node in walk(spec)]


# ------------------------------------------------------------------ assertions

def assert_estimator_class(spec: Any, expected: str | tuple[str, ...], call: str, why: str = "") -> dict:
    names = (expected,) if isinstance(expected, str) else tuple(expected)
    if not is_spec(spec):
        raise AssertionError(f"called {call}; got {_short(spec)}, expected a scikit-learn {' or '.join(names)}")
    if spec["class_name"] not in names:
        hint = f" - {why}" if why else ""
        raise AssertionError(f"called {call}; got a {spec['class_name']}, expected a {' or '.join(names)}{hint}")
    if not spec["class"].startswith("sklearn."):
        raise AssertionError(f"called {call}; got {spec['class']}, expected scikit-learn's own "
                             f"{spec['class_name']} (not a subclass or look-alike)")
    return spec


def assert_contains(spec: dict, class_name: str | tuple[str, ...], call: str, why: str = "",
                    **params: Any) -> dict:
    """Some nested estimator of that class has these parameter values; returns the first match."""
    names = (class_name,) if isinstance(class_name, str) else tuple(class_name)
    candidates = find_estimators(spec, names)
    hint = f" - {why}" if why else ""
    if not candidates:
        raise AssertionError(f"called {call}; no {' or '.join(names)} inside the returned "
                             f"{spec.get('class_name')}{hint}")
    for node in candidates:
        if all(node["params"].get(key) == value for key, value in params.items()):
            return node
    wanted = ", ".join(f"{k}={v!r}" for k, v in params.items())
    got = ", ".join(f"{k}={candidates[0]['params'].get(k)!r}" for k in params)
    raise AssertionError(f"called {call}; found {candidates[0]['class_name']}({got}), expected "
                         f"{candidates[0]['class_name']}({wanted}){hint}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
