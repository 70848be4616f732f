"""The judge/worker wire format: data round-trips, everything else is refused."""
import json
import os

import numpy as np
import pytest

from graders import wire


def roundtrip(value):
    return wire.decode(json.loads(json.dumps(wire.encode(value))))


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8, np.int64, np.uint8, np.bool_, np.complex128])
def test_arrays_keep_dtype_shape_and_values(dtype):
    array = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
    back = roundtrip(array)
    assert back.dtype == array.dtype and back.shape == array.shape and np.array_equal(back, array)


def test_containers_and_scalars():
    value = {"a": (1, 2.5, None), 3: [True, "x", np.float32(1.5)], (1, 2): np.array(["ab", "c"])}
    back = roundtrip(value)
    assert back["a"] == (1, 2.5, None) and back[3][2].dtype == np.float32 and back[(1, 2)].tolist() == ["ab", "c"]


def test_nan_and_inf_survive():
    back = roundtrip(np.array([np.nan, np.inf, -np.inf]))
    assert np.isnan(back[0]) and np.isposinf(back[1]) and np.isneginf(back[2])


@pytest.mark.parametrize("value", [np.array([object()], dtype=object), object(), {1, 2}, lambda: 0])
def test_non_data_is_refused(value):
    with pytest.raises(TypeError):
        wire.encode(value)


@pytest.mark.parametrize("payload", [
    {"__nd__": ["<f8", [2, 2], "AAAA"]},          # data shorter than the shape
    {"__nd__": ["|O", [1], "AAAAAAAAAAA="]},      # object dtype
    {"__nd__": ["<f8", [-1], ""]},                # negative shape
    {"__evil__": 1},
    {"__handle__": 1},                            # handles only where the receiver allows them
    {"__np__": ["|O", 1]},
])
def test_malformed_values_are_protocol_errors(payload):
    with pytest.raises(wire.WireError):
        wire.decode(payload)


def test_framing_roundtrip_and_limits():
    r, w = os.pipe()
    wire.send(w, {"op": "x", "value": [1, 2]})
    assert wire.receive(r) == {"op": "x", "value": [1, 2]}
    os.write(w, (wire.MAX_MESSAGE + 1).to_bytes(4, "big"))
    with pytest.raises(wire.WireError):
        wire.receive(r)
    os.close(w)
    with pytest.raises(EOFError):
        wire.receive(r)
