"""What crosses the judge/worker boundary: validated JSON, never pickle.

Values are encoded as JSON with tagged objects:
    {"__nd__": [dtype, shape, base64]}   numpy array (bool/int/uint/float/complex/str dtypes only)
    {"__np__": [dtype, value]}           numpy scalar
    {"__tuple__": [...]}, {"__dict__": [[key, value], ...]}
    {"__handle__": id, "type": name}     an object that stays in the worker
    {"__callback__": id}                 a judge-side function the worker may call back
Messages are framed as a 4-byte big-endian length and a UTF-8 JSON body.

The judge reads what an untrusted worker wrote, so nothing is allocated on a message's
word: a frame is at most MAX_MESSAGE bytes and may hold at most MAX_ITEMS JSON
containers and separators (each becomes a Python object), and one decode allocates at
most MAX_DECODED bytes of array and numpy-scalar data, checked before allocating. A
frame read or written with a deadline raises TimeoutError when the other side stalls.

This module has no package-relative imports: the worker runs it from a copy.
"""
from __future__ import annotations

import base64
import binascii
import json
import math
import os
import select
import struct
import time
from typing import Any, Callable

import numpy as np

MAX_MESSAGE = 512 * 1024 * 1024
MAX_DECODED = MAX_MESSAGE  # bytes of array / numpy-scalar data one decode may allocate
MAX_ITEMS = 8_000_000  # '[', '{' and ',' in one frame: bounds the Python objects json.loads builds
MAX_DEPTH = 64
MAX_NDIM = 64  # numpy's own limit
ARRAY_KINDS = "biufcU"


class WireError(ValueError):
    """A message broke the protocol."""


def _encode_array(array: np.ndarray) -> dict:
    if array.dtype.kind not in ARRAY_KINDS:
        raise TypeError(f"cannot send an array of dtype {array.dtype} (object arrays are not data)")
    array = np.ascontiguousarray(array).reshape(array.shape)  # ascontiguousarray makes 0-d arrays 1-d
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


class _Budget:
    """Bytes of array data one decode may still allocate."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def take(self, n: int, what: str) -> None:
        if n > self.left:
            raise WireError(f"{what} of {n:,} bytes would go over the {MAX_DECODED:,} byte limit of one message")
        self.left -= n


def decode(value: Any, on_tag: Callable[[str, dict], Any] | None = None, depth: int = 0,
           budget: _Budget | None = None) -> Any:
    """Inverse of ``encode``; validates everything. Handle/callback tags go to ``on_tag``."""
    budget = budget if budget is not None else _Budget(MAX_DECODED)
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, list):
        return [decode(v, on_tag, depth + 1, budget) for v in value]
    if not isinstance(value, dict) or len(value) == 0:
        raise WireError(f"unexpected value {str(value)[:80]}")
    if "__nd__" in value:
        return _decode_array(value["__nd__"], budget)
    if "__np__" in value:
        return _decode_scalar(value["__np__"], budget)
    if "__tuple__" in value:
        return tuple(decode(v, on_tag, depth + 1, budget) for v in _as_list(value["__tuple__"]))
    if "__dict__" in value:
        out = {}
        for pair in _as_list(value["__dict__"]):
            if not isinstance(pair, list) or len(pair) != 2:
                raise WireError("bad dict entry")
            key = decode(pair[0], on_tag, depth + 1, budget)
            try:
                hash(key)
            except TypeError:
                raise WireError("unhashable dict key") from None
            out[key] = decode(pair[1], on_tag, depth + 1, budget)
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
    except (TypeError, ValueError, OverflowError):
        raise WireError(f"bad dtype {text!r}") from None
    if dtype.kind not in ARRAY_KINDS:
        raise WireError(f"dtype {dtype} is not data")
    return dtype


def _decode_array(payload: Any, budget: _Budget) -> np.ndarray:
    if not isinstance(payload, list) or len(payload) != 3:
        raise WireError("bad array")
    dtype, shape, data = payload
    dtype = _dtype(dtype)
    if not isinstance(shape, list) or len(shape) > MAX_NDIM or not all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_DECODED for n in shape):
        raise WireError("bad array shape")  # (bounded dimensions keep the product below cheap to compute)
    nbytes = math.prod(shape) * dtype.itemsize
    budget.take(nbytes, "an array")
    if not isinstance(data, str) or len(data) != 4 * -(-nbytes // 3):  # the length base64 gives nbytes
        raise WireError("array data does not match its shape")
    try:
        raw = base64.b64decode(data, validate=True)
        return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    except (ValueError, OverflowError, binascii.Error) as exc:
        raise WireError(f"bad array ({str(exc)[:80]})") from None


def _decode_scalar(payload: Any, budget: _Budget) -> np.generic:
    if not isinstance(payload, list) or len(payload) != 2:
        raise WireError("bad numpy scalar")
    dtype, item = _dtype(payload[0]), payload[1]
    if not isinstance(item, (bool, int, float, str)) or dtype.kind == "U" and not (
            isinstance(item, str) and dtype.itemsize <= 4 * len(item)):  # np.str_("ab") is <U2
        raise WireError("bad numpy scalar")
    budget.take(dtype.itemsize, "a numpy scalar")
    try:
        return np.array(item, dtype=dtype)[()]
    except (ValueError, TypeError, OverflowError) as exc:
        raise WireError(f"bad numpy scalar ({str(exc)[:80]})") from None


# ------------------------------------------------------------------------- framing

def _wait(fd: int, event: int, deadline: float) -> None:
    """Block until ``fd`` is ready for ``event``; TimeoutError once ``deadline`` (time.monotonic) passes."""
    poller = select.poll()
    poller.register(fd, event)
    if not poller.poll(math.ceil(max(0.0, deadline - time.monotonic()) * 1000)):
        raise TimeoutError("the other side did not finish its message in time")


def send(fd: int, message: dict, deadline: float | None = None) -> None:
    """Write one frame; with a ``deadline``, a reader that stops reading raises TimeoutError."""
    body = json.dumps(message, allow_nan=True).encode("utf-8")
    if len(body) > MAX_MESSAGE:
        raise WireError(f"message of {len(body):,} bytes is over the {MAX_MESSAGE:,} byte limit")
    view = memoryview(struct.pack(">I", len(body)) + body)
    if deadline is not None:
        os.set_blocking(fd, False)
    try:
        while view:
            if deadline is not None:
                _wait(fd, select.POLLOUT, deadline)
            try:
                written = os.write(fd, view)
            except BlockingIOError:
                continue
            view = view[written:]
    finally:
        if deadline is not None:
            os.set_blocking(fd, True)


def read_exactly(fd: int, n: int, deadline: float | None = None) -> bytes:
    """``n`` bytes from ``fd``, allocated only as they arrive; with a deadline, each chunk waits until then."""
    chunks, left = [], n
    while left:
        if deadline is not None:
            _wait(fd, select.POLLIN, deadline)
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(fd: int, deadline: float | None = None) -> dict:
    """Read one frame. With a ``deadline`` (time.monotonic), a frame not complete by then raises
    TimeoutError; a frame that stops short raises EOFError."""
    (length,) = struct.unpack(">I", read_exactly(fd, 4, deadline))
    if length > MAX_MESSAGE:
        raise WireError(f"message of {length:,} bytes is over the limit")
    return parse(read_exactly(fd, length, deadline))


def parse(body: bytes) -> dict:
    """A frame's body as a JSON object; refused before parsing when it would build too many objects."""
    if body.count(b"[") + body.count(b"{") + body.count(b",") > MAX_ITEMS:
        raise WireError(f"message holds more than {MAX_ITEMS:,} JSON items")
    try:
        message = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # not UTF-8 / JSON, ints over Python's digit limit, deep nesting
        raise WireError(f"message is not acceptable JSON: {str(exc)[:120]}") from None
    if not isinstance(message, dict):
        raise WireError("message is not an object")
    return message
