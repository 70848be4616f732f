"""What crosses the judge/worker boundary: validated JSON, never pickle.

Values are encoded as JSON with tagged objects:
    {"__nd__": [dtype, shape, base64]}   numpy array (bool/int/uint/float/complex/str dtypes only)
    {"__np__": [dtype, value]}           numpy scalar
    {"__tuple__": [...]}, {"__dict__": [[key, value], ...]}
    {"__handle__": id, "type": name}     an object that stays in the worker
    {"__callback__": id}                 a judge-side function the worker may call back
Messages are framed as a 4-byte big-endian length and a UTF-8 JSON body.

This module has no package-relative imports: the worker runs it from a copy.
"""
from __future__ import annotations

import base64
import json
import math
import os
import struct
from typing import Any, Callable

import numpy as np

MAX_MESSAGE = 512 * 1024 * 1024
MAX_DEPTH = 64
ARRAY_KINDS = "biufcU"


class WireError(ValueError):
    """A message broke the protocol."""


def _encode_array(array: np.ndarray) -> dict:
    if array.dtype.kind not in ARRAY_KINDS:
        raise TypeError(f"cannot send an array of dtype {array.dtype} (object arrays are not data)")
    array = np.ascontiguousarray(array)
    return {"__nd__": [array.dtype.str, list(array.shape), base64.b64encode(array.tobytes()).decode("ascii")]}


def encode(value: Any, on_object: Callable[[Any], dict] | None = None, depth: int = 0) -> Any:
    """A JSON-able form of ``value``; objects that are not data go to ``on_object``."""
    if depth > MAX_DEPTH:
        raise TypeError("value nested too deeply")
    if value is None or isinstance(value, (bool, int, str)) and type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return value
    if isinstance(value, np.ndarray):
        return _encode_array(value)
    if isinstance(value, np.generic):
        if value.dtype.kind not in ARRAY_KINDS:
            raise TypeError(f"cannot send a numpy scalar of dtype {value.dtype}")
        return {"__np__": [value.dtype.str, encode(value.item())]}
    if type(value) is list:
        return [encode(v, on_object, depth + 1) for v in value]
    if type(value) is tuple:
        return {"__tuple__": [encode(v, on_object, depth + 1) for v in value]}
    if type(value) is dict:
        return {"__dict__": [[encode(k, on_object, depth + 1), encode(v, on_object, depth + 1)]
                             for k, v in value.items()]}
    if on_object is not None:
        return on_object(value)
    raise TypeError(f"cannot send a {type(value).__name__} across the sandbox boundary")


def decode(value: Any, on_tag: Callable[[str, dict], Any] | None = None, depth: int = 0) -> Any:
    """Inverse of ``encode``; validates everything. Handle/callback tags go to ``on_tag``."""
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, list):
        return [decode(v, on_tag, depth + 1) for v in value]
    if not isinstance(value, dict) or len(value) == 0:
        raise WireError(f"unexpected value {str(value)[:80]}")
    if "__nd__" in value:
        return _decode_array(value["__nd__"])
    if "__np__" in value:
        dtype, item = value["__np__"]
        dtype = _dtype(dtype)
        item = decode(item, None, depth + 1)
        if not isinstance(item, (bool, int, float, str, list)) and not (dtype.kind == "c"):
            raise WireError("bad numpy scalar")
        return np.array(item, dtype=dtype)[()]
    if "__tuple__" in value:
        return tuple(decode(v, on_tag, depth + 1) for v in _as_list(value["__tuple__"]))
    if "__dict__" in value:
        out = {}
        for pair in _as_list(value["__dict__"]):
            if not isinstance(pair, list) or len(pair) != 2:
                raise WireError("bad dict entry")
            key = decode(pair[0], on_tag, depth + 1)
            try:
                hash(key)
            except TypeError:
                raise WireError("unhashable dict key") from None
            out[key] = decode(pair[1], on_tag, depth + 1)
        return out
    tag = next(iter(value))
    if on_tag is not None and tag in ("__handle__", "__callback__"):
        return on_tag(tag, value)
    raise WireError(f"unexpected tag {tag[:40]}")


def _as_list(value: Any) -> list:
    if not isinstance(value, list):
        raise WireError("expected a list")
    return value


def _dtype(text: Any) -> np.dtype:
    if not isinstance(text, str) or len(text) > 16:
        raise WireError("bad dtype")
    try:
        dtype = np.dtype(text)
    except TypeError:
        raise WireError(f"bad dtype {text!r}") from None
    if dtype.kind not in ARRAY_KINDS:
        raise WireError(f"dtype {dtype} is not data")
    return dtype


def _decode_array(payload: Any) -> np.ndarray:
    if not isinstance(payload, list) or len(payload) != 3:
        raise WireError("bad array")
    dtype, shape, data = payload
    dtype = _dtype(dtype)
    if not isinstance(shape, list) or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape):
        raise WireError("bad array shape")
    if not isinstance(data, str):
        raise WireError("bad array data")
    raw = base64.b64decode(data.encode("ascii"), validate=True)
    if len(raw) != math.prod(shape) * dtype.itemsize:
        raise WireError("array data does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


# ------------------------------------------------------------------------- framing

def send(fd: int, message: dict) -> None:
    body = json.dumps(message, allow_nan=True).encode("utf-8")
    if len(body) > MAX_MESSAGE:
        raise WireError(f"message of {len(body):,} bytes is over the {MAX_MESSAGE:,} byte limit")
    data = struct.pack(">I", len(body)) + body
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def read_exactly(fd: int, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(fd: int) -> dict:
    (length,) = struct.unpack(">I", read_exactly(fd, 4))
    if length > MAX_MESSAGE:
        raise WireError(f"message of {length:,} bytes is over the limit")
    try:
        message = json.loads(read_exactly(fd, length).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"message is not JSON: {exc}") from None
    if not isinstance(message, dict):
        raise WireError("message is not an object")
    return message
