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

In secure mode the description comes from the worker, where the submission runs
and can wrap the code that describes: it is a claim, checked by behaviour before
any test reads it (``estimator_spec`` on a handle):
- every node must be scikit-learn's own class, rebuilt by the judge from its params;
- CV splitters must give the judge's copy's folds on judge data;
- fitted leaves (a scaler, an imputer, a classifier) must transform/predict judge data
  like a judge copy carrying the described fitted attributes; fitted state the judge
  cannot check this way is removed from the spec;
- an unfitted estimator is fitted on judge data beside the judge's copy (so the live
  object ends up fitted) and both must give the same outputs.
A claim that fails a check fails the test, and its description is not used.
"""
from __future__ import annotations

import copy
import importlib
import inspect
import json
import numbers
from typing import Any, Iterator

import numpy as np

MAX_DEPTH = 12  # nested estimators deeper than this are shown by repr
MAX_ARRAY = 200_000  # arrays with more elements are summarised (shape and dtype only)
PROBE_SEED = 20252  # the judge's probe data are fixed: a verdict never depends on luck
METHODS = ("predict", "predict_proba", "decision_function", "transform")

try:
    from .errors import GradingSignal
except ImportError:  # the worker imports a stand-alone copy of this file, outside the package
    class GradingSignal(Exception):  # type: ignore[no-redef]
        """Stand-in: descriptions are only verified by the judge, never in the worker."""


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


def estimator_spec(obj: Any, probe: tuple[np.ndarray, np.ndarray | None] | None = None) -> dict:
    """Spec of a learner's estimator, live or behind a secure-mode handle.

    In secure mode the worker's description is checked by behaviour first (see the module's
    docstring); ``probe`` = (X, y) is judge data the estimator can be fitted on, when it is
    returned unfitted (a default classification set otherwise).
    """
    if _is_handle(obj):
        return verified_spec(obj, probe)
    return describe_live_estimator(obj)


# ------------------------------------------------------------------ secure mode: trust by behaviour

class DescriptionMismatch(AssertionError):
    """The worker's description of an estimator is not what the estimator does."""


def verified_spec(handle: Any, probe: tuple[np.ndarray, np.ndarray | None] | None = None) -> dict:
    """The worker's description of ``handle``, once the judge has checked it by behaviour."""
    claim = handle._grader_describe()
    if not is_spec(claim) or not isinstance(claim.get("class"), str):
        raise DescriptionMismatch("the sandboxed worker did not describe the returned object as a scikit-learn "
                                  "estimator; return scikit-learn's own estimators")
    spec = copy.deepcopy(claim)
    judge = build_estimator(spec)
    for node, remote in _pairs(spec, handle):
        if _is_splitter_spec(node):
            _check_splits(node, remote)
            node["_checked"] = True
        elif node.get("fitted") and not _has_spec(node["fitted"]) and not _has_spec(node["params"]):
            _check_fitted_leaf(node, remote)
    checked = _drop_unchecked_fitted(spec)
    if not spec.get("is_fitted"):
        _check_fit(judge, handle, probe)
    elif not checked:
        raise DescriptionMismatch(f"the judge could not check the returned fitted {spec['class_name']} by its "
                                  f"behaviour on judge data; return scikit-learn's own estimators")
    return spec


def build_estimator(spec: dict) -> Any:
    """A judge-side, unfitted copy of a described estimator or splitter: scikit-learn's own class,
    built from the described params, that describes itself exactly as claimed."""
    cls = _sklearn_class(spec)
    try:
        defaults = {name: p.default for name, p in inspect.signature(cls.__init__).parameters.items()
                    if p.default is not inspect.Parameter.empty}
        kwargs = {name: _decode(value) for name, value in spec["params"].items()
                  if name not in defaults or _json(_describe_value(defaults[name], 0)) != _json(value)}
        obj = cls(**kwargs)
        mine = describe_live_estimator(obj) if _is_estimator(obj) else _describe_splitter(obj, 0)
    except DescriptionMismatch:
        raise
    except Exception as exc:  # noqa: BLE001 - params that do not build the claimed class
        raise DescriptionMismatch(f"the returned {spec['class_name']} could not be rebuilt by the judge from its "
                                  f"description ({type(exc).__name__}: {str(exc)[:160]})") from None
    if _json(_structure(mine["params"])) != _json(_structure(spec["params"])):
        raise DescriptionMismatch(f"the returned {spec['class_name']}'s description does not match any "
                                  f"{spec['class_name']} the judge can build: use scikit-learn's own estimators "
                                  f"with plain parameter values")
    return obj


def _sklearn_class(spec: dict) -> type:
    module, _, name = str(spec.get("class", "")).rpartition(".")
    if not module.startswith("sklearn.") or name != spec.get("class_name"):
        raise DescriptionMismatch(f"the returned object is a {str(spec.get('class'))[:80]}, not one of "
                                  f"scikit-learn's own estimators")
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        cls = None
    if not isinstance(cls, type) or cls.__module__ != module:
        raise DescriptionMismatch(f"{str(spec['class'])[:80]} is not a scikit-learn class")
    return cls


def _decode(value: Any) -> Any:
    """A described parameter value back to a Python value (nested estimators rebuilt)."""
    if is_spec(value):
        return build_estimator(value)
    if isinstance(value, list):
        return [tuple(_decode(v)) if isinstance(v, list) else _decode(v) for v in value]
    if isinstance(value, dict):
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, str) and value.startswith("numpy."):
        found = getattr(np, value[len("numpy."):], None)
        return found if isinstance(found, type) or callable(found) else value
    return value


def _structure(value: Any) -> Any:
    """A description without fitted state: classes and params only (nested estimators included)."""
    if is_spec(value):
        return {"class": value.get("class"), "params": _structure(value["params"])}
    if isinstance(value, list):
        return [_structure(v) for v in value]
    if isinstance(value, dict):
        return {key: _structure(item) for key, item in value.items()}
    return value


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr)


def _has_spec(value: Any) -> bool:
    if is_spec(value):
        return True
    if isinstance(value, list):
        return any(_has_spec(v) for v in value)
    if isinstance(value, dict):
        return any(_has_spec(v) for v in value.values())
    return False


def _is_splitter_spec(node: dict) -> bool:
    return node.get("fitted") is None and not node.get("is_fitted") and \
        hasattr(_sklearn_class(node), "split") and not hasattr(_sklearn_class(node), "get_params")


def _pairs(spec: Any, remote: Any) -> Iterator[tuple[dict, Any]]:
    """(description node, the live object it describes) for every nested estimator, reached through
    the same attributes on the live object; a described estimator that is not there is a lie."""
    if is_spec(spec):
        if not _is_handle(remote):
            raise DescriptionMismatch(f"the description shows a {spec['class_name']} where the returned object "
                                      f"holds {type(remote).__name__}: the description is not the object")
        yield spec, remote
        for section in ("params", "fitted"):
            for name, value in (spec.get(section) or {}).items():
                if _has_spec(value):
                    yield from _pairs(value, _remote_attribute(remote, name, spec))
    elif isinstance(spec, list):
        if not isinstance(remote, (list, tuple)) or len(spec) != len(remote):
            raise DescriptionMismatch("the description's nested estimators do not match the returned object's")
        for item, child in zip(spec, remote):
            yield from _pairs(item, child)
    elif isinstance(spec, dict) and isinstance(remote, dict):
        for key, item in spec.items():
            if key in remote:
                yield from _pairs(item, remote[key])


def _drop_unchecked_fitted(spec: dict) -> int:
    """Remove fitted attributes no behaviour check vouched for (a composite keeps its nested
    estimators, checked on their own); returns how many nodes were checked."""
    nodes = [node for _, node in walk(spec)]
    checked = 0
    for node in nodes:
        if node.pop("_checked", False):
            checked += 1
            continue
        if node.get("fitted"):
            kept = {name: value for name, value in node["fitted"].items() if _has_spec(value)}
            node["fitted"] = kept or None
            node["is_fitted"] = bool(kept) and node.get("is_fitted", False)
    return checked


def _check_splits(node: dict, remote: Any) -> None:
    """The live splitter gives the judge's copy's folds on judge data."""
    judge = build_estimator(node)
    X = np.arange(60, dtype=float).reshape(30, 2)
    y = np.random.default_rng(PROBE_SEED).permutation(np.repeat([0, 1, 2], [15, 10, 5]))
    expected = [(np.asarray(a), np.asarray(b)) for a, b in judge.split(X, y)]
    folds = _remote_call(remote, "split", node, X, y)
    for train, test in expected:
        got = _remote_call(folds, "send", node, None)
        if not (isinstance(got, (list, tuple)) and len(got) == 2 and np.array_equal(np.asarray(got[0]), train)
                and np.array_equal(np.asarray(got[1]), test)):
            raise DescriptionMismatch(f"the returned {node['class_name']} does not split the judge's data like a "
                                      f"{node['class_name']} with the parameters it describes")


def _check_fitted_leaf(node: dict, remote: Any) -> None:
    """A judge copy carrying the described fitted attributes must transform/predict like the live one.

    The copy is fitted on judge data (for private state) and given the described public attributes;
    where two copies first fitted on different data disagree (private state that matters, as in
    OneHotEncoder), the node stays unchecked.
    """
    fitted = node["fitted"]
    width = fitted.get("n_features_in_")
    if not isinstance(width, int) or not 0 < width <= 1000:
        return
    rng = np.random.default_rng(PROBE_SEED)
    X = rng.normal(0.0, 10.0, (12, width))
    X_nan = X.copy()
    X_nan[rng.random(X.shape) < 0.3] = np.nan
    try:
        y = None if fitted.get("classes_") is None else np.resize(np.asarray(fitted["classes_"]), len(X))
        judge = _with_fitted(node, fitted, X, y)
        if not _same_outputs(judge, _with_fitted(node, fitted, np.round(X / 10.0) + 2.0, y), [X, X_nan]):
            return  # the data the copy was first fitted on still shows: private state matters here
    except DescriptionMismatch:
        raise
    except Exception:  # noqa: BLE001 - the judge cannot reproduce this fitted state: it stays unchecked
        return
    if _compare_outputs(judge, remote, [X, X_nan], node):
        node["_checked"] = True


def _with_fitted(node: dict, fitted: dict, X: np.ndarray, y: np.ndarray | None) -> Any:
    """A judge copy fitted on ``X`` whose public fitted attributes are then set to ``fitted``."""
    judge = build_estimator(node).fit(X, y)
    for name, value in fitted.items():
        setattr(judge, name, np.asarray(value) if isinstance(value, list) else value)
    return judge


def _same_outputs(a: Any, b: Any, inputs: list[np.ndarray]) -> bool:
    for X in inputs:
        one, two = _outputs(a, X) or {}, _outputs(b, X) or {}
        if one.keys() != two.keys() or not all(
                one[m].shape == two[m].shape and np.allclose(one[m].astype(float), two[m].astype(float),
                                                             rtol=1e-9, atol=1e-12, equal_nan=True)
                for m in one):
            return False
    return True


def _check_fit(judge: Any, handle: Any, probe: tuple[np.ndarray, np.ndarray | None] | None) -> None:
    """Fitted on the same judge data, the live estimator and the judge's copy give the same outputs."""
    from sklearn.base import clone, is_regressor

    X, y = probe if probe is not None else _default_probe(is_regressor(judge))
    name = type(judge).__name__
    try:
        first, second = clone(judge).fit(X, y), clone(judge).fit(X, y)
    except Exception as exc:  # noqa: BLE001
        raise DescriptionMismatch(f"the judge could not fit the {name} the returned object describes on its data "
                                  f"({type(exc).__name__}: {str(exc)[:120]})") from None
    _remote_call(handle, "fit", {"class_name": name}, X, y)
    once, again = _outputs(first, X) or {}, _outputs(second, X) or {}
    deterministic = all(np.allclose(once[m], again[m], equal_nan=True) for m in once)
    if deterministic and not _compare_outputs(first, handle, [X], {"class_name": name}):
        raise DescriptionMismatch(f"the judge could not compare the returned {name} with its description")


def _outputs(estimator: Any, X: np.ndarray) -> dict[str, np.ndarray] | None:
    found = {}
    for method in METHODS:
        try:
            value = getattr(estimator, method)(X)
        except Exception:  # noqa: BLE001 - not available, or not for this data
            continue
        if hasattr(value, "toarray"):  # sparse output cannot cross the boundary: not compared
            continue
        found[method] = np.asarray(value)
    return found or None


def _compare_outputs(judge: Any, remote: Any, inputs: list[np.ndarray], node: dict) -> bool:
    """Every output the judge's copy gives must come out the same from the live object; True if any did."""
    compared = False
    for X in inputs:
        for method, expected in (_outputs(judge, X) or {}).items():
            got = np.asarray(_remote_call(remote, method, node, X))
            same = got.shape == expected.shape and (
                np.array_equal(got, expected) if expected.dtype.kind not in "fc" else
                np.allclose(got.astype(float), expected.astype(float), rtol=1e-6, atol=1e-9, equal_nan=True))
            if not same:
                raise DescriptionMismatch(f"the returned {node['class_name']} does not behave like the "
                                          f"{node['class_name']} it describes ({method} differs on the judge's data)")
            compared = True
    return compared


def _remote_attribute(remote: Any, name: str, node: dict) -> Any:
    """``remote.name``: every described parameter is an attribute of a scikit-learn estimator."""
    try:
        return getattr(remote, name)
    except GradingSignal:
        raise
    except Exception as exc:  # noqa: BLE001
        raise DescriptionMismatch(f"the returned {node['class_name']} has no attribute {name!r} although its "
                                  f"description lists it ({type(exc).__name__})") from None


def _remote_call(remote: Any, method: str, node: dict, *args: Any) -> Any:
    """``remote.method(*args)``; any failure of the live object is a mismatch."""
    try:
        return getattr(remote, method)(*args)
    except GradingSignal:
        raise
    except Exception as exc:  # noqa: BLE001 - the judge's copy could do it, the live object could not
        raise DescriptionMismatch(f"the returned {node['class_name']} does not behave like the {node['class_name']} "
                                  f"it describes ({method} raised {type(exc).__name__}: {str(exc)[:120]})") from None


def _default_probe(regression: bool) -> tuple[np.ndarray, np.ndarray]:
    """60 rows, 4 features: 3 balanced classes (or a linear target), shifted apart so models learn."""
    rng = np.random.default_rng(PROBE_SEED)
    y = rng.permutation(np.arange(60) % 3)
    X = rng.normal(size=(60, 4)) + y[:, None] * np.array([1.0, -0.5, 0.0, 0.25])
    return (X, X @ np.array([1.0, -2.0, 0.5, 0.0]) + rng.normal(0, 0.1, 60)) if regression else (X, y)


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
