"""Assertion helpers for test authors; their messages speak to the learner.

    assert_allclose(got, expected, call=call_repr("softmax", x))
    -> "called softmax(x of shape (2, 3)); got shape (3,), expected (2, 3)"

They accept only real data: an object that merely claims to be equal to
everything (a custom ``__eq__``) or an array of the wrong kind fails.
"""
from __future__ import annotations

import contextlib
import numbers
import re
from dataclasses import dataclass
from typing import Any, Iterator

import numpy as np

from .errors import GradingSignal
from .feedback import clean_framework_error
from .i18n import _


def describe(value: Any) -> str:
    """A short description of a value, for messages."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} {value.dtype}"
    if isinstance(value, (list, tuple)) and len(value) > 6:
        return f"{type(value).__name__} of length {len(value)}"
    if isinstance(value, (numbers.Number, str, bool, type(None), list, tuple)):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    return f"a {type(value).__name__}"


def call_repr(name: str, *args: Any, **kwargs: Any) -> str:
    """'softmax(x of shape (2, 3), axis=0)': arrays are described by shape only."""
    def one(value: Any, label: str | None = None) -> str:
        if isinstance(value, np.ndarray):
            return f"{label or 'array'} of shape {value.shape}" + ("" if value.dtype == np.float64 else f" {value.dtype}")
        return f"{label}={describe(value)}" if label else describe(value)
    parts = [one(a, "x" if i == 0 and isinstance(a, np.ndarray) else None) for i, a in enumerate(args)]
    parts += [one(v, k) if not isinstance(v, np.ndarray) else f"{k} of shape {v.shape}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def as_array(value: Any, call: str, what: str = "result") -> np.ndarray:
    """The value as a numeric numpy array, or an AssertionError that says why not."""
    if isinstance(value, (np.ndarray, numbers.Number, list, tuple)) and not isinstance(value, (str, bytes)):
        try:
            array = np.asarray(value)
        except (ValueError, TypeError):
            array = None
        if array is not None and array.dtype.kind in "biuf":
            return array
    raise AssertionError(_("called {call}; the {what} is {got}, expected a numeric numpy array").format(
        call=call, what=what, got=describe(value)))


def assert_shape(got: Any, shape: tuple, call: str, what: str = "result") -> np.ndarray:
    array = as_array(got, call, what)
    if array.shape != tuple(shape):
        raise AssertionError(_("called {call}; got shape {got}, expected {expected}").format(
            call=call, got=array.shape, expected=tuple(shape)))
    return array


def assert_finite(got: Any, call: str, why: str = "") -> np.ndarray:
    array = as_array(got, call)
    if not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0]
        hint = f" - {why}" if why else ""
        raise AssertionError(_("called {call}; got {got} at index {index}{hint}").format(
            call=call, got=array[tuple(bad)], index=tuple(int(i) for i in bad), hint=hint))
    return array


def assert_allclose(got: Any, expected: Any, call: str, rtol: float = 1e-7, atol: float = 0.0,
                    why: str = "", show_expected: bool = True) -> np.ndarray:
    """Shape, kind (float stays float) and values within ``atol + rtol * |expected|``.

    ``why`` names the mistake this check is for; ``show_expected=False`` keeps the
    trusted value out of the message (hidden tests that must not leak it).
    """
    expected = np.asarray(expected)
    array = assert_shape(got, expected.shape, call)
    if expected.dtype.kind == "f" and array.dtype.kind != "f":
        raise AssertionError(_("called {call}; got dtype {dtype}, expected floating point values").format(
            call=call, dtype=array.dtype))
    if expected.dtype.kind == "f" and np.all(np.isfinite(expected)):
        assert_finite(array, call, why)
    close = np.isclose(array, expected, rtol=rtol, atol=atol, equal_nan=True)
    if not np.all(close):
        index = tuple(int(i) for i in np.argwhere(~close)[0])
        where = _(" at index {index}").format(index=index) if array.ndim else ""
        diff = float(np.max(np.abs(np.where(close, 0.0, array.astype(float) - expected.astype(float)))))
        shown = (_(", expected {expected!r} (largest difference {diff:.3g},").format(expected=expected[index], diff=diff)
                 if show_expected else _(" (outside the"))
        hint = f" - {why}" if why else ""
        raise AssertionError(_("called {call}; got {got!r}{where}{shown} tolerance atol={atol:g}, rtol={rtol:g}){hint}")
                             .format(call=call, got=array[index], where=where, shown=shown, atol=atol, rtol=rtol,
                                     hint=hint))
    return array


def assert_equal(got: Any, expected: Any, call: str, why: str = "", show_expected: bool = True) -> np.ndarray:
    """Exact equality of integer/bool arrays (indices, labels, masks)."""
    expected = np.asarray(expected)
    array = assert_shape(got, expected.shape, call)
    diff = array != expected
    if np.any(diff):
        index = tuple(int(i) for i in np.argwhere(diff)[0]) if array.ndim else ()
        where = _(" at index {index}").format(index=index) if array.ndim else ""
        shown = _(", expected {expected!r}").format(expected=expected[index]) if show_expected else ""
        hint = f" - {why}" if why else ""
        raise AssertionError(_("called {call}; got {got!r}{where}{shown}{hint}").format(
            call=call, got=array[index], where=where, shown=shown, hint=hint))
    return array


def assert_scalar_close(got: Any, expected: float, call: str, rtol: float = 1e-7, atol: float = 0.0,
                        why: str = "", show_expected: bool = True) -> float:
    """A single real number (a Python or numpy scalar, or a 0-d array)."""
    array = as_array(got, call)
    if array.shape not in ((), (1,)):
        raise AssertionError(_("called {call}; got shape {got}, expected a single number").format(
            call=call, got=array.shape))
    assert_allclose(array.reshape(()), np.asarray(expected, dtype=float), call, rtol, atol, why, show_expected)
    return float(array)


def centred_difference(f, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Numerical gradient of a scalar function ``f`` at ``x`` (float64)."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        up = f(x)
        x[index] = old - h
        down = f(x)
        x[index] = old
        grad[index] = (up - down) / (2 * h)
    return grad


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(|a| + |b|, tiny): the usual gradient-check figure."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))


@dataclass
class Raised:
    """What ``expect_raises`` caught: ``value`` is the exception (set when the block ends)."""

    value: BaseException | None = None


def _names(exc_type: type | tuple) -> str:
    types = exc_type if isinstance(exc_type, tuple) else (exc_type,)
    return " or ".join(t.__name__ for t in types)


@contextlib.contextmanager
def expect_raises(exc_type: type | tuple, call: str, why: str, match: str | None = None) -> Iterator[Raised]:
    """The block must raise ``exc_type`` (a subclass is fine); otherwise an AssertionError that teaches.

        with expect_raises(ValueError, call_repr("auc", x, y), "x must be monotonic"):
            learner.auc(x, y)

    ``match``: a regular expression ``re.search`` must find in the message. Grading signals
    (timeouts, memory, crashes) pass through untouched.
    """
    raised = Raised()
    expected = _names(exc_type)
    try:
        yield raised
    except GradingSignal:
        raise
    except exc_type as exc:
        raised.value = exc
        if match is not None and not re.search(match, str(exc)):
            raise AssertionError(_("called {call}; raised {name}: {message}, but the message should mention "
                                   "{match!r} ({why})").format(call=call, name=type(exc).__name__,
                                                              message=clean_framework_error(str(exc)), match=match,
                                                              why=why)) from exc
        return
    except Exception as exc:  # noqa: BLE001 - the wrong exception is the learner's mistake to explain
        message = clean_framework_error(str(exc))
        raise AssertionError(_("called {call}; raised {name}{message} instead of {expected} ({why})").format(
            call=call, name=type(exc).__name__, message=": " + message if message else "", expected=expected,
            why=why)) from exc
    raise AssertionError(_("called {call}; expected {expected} ({why}), but it returned normally").format(
        call=call, expected=expected, why=why))
