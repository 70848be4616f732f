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


# ------------------------------------------------------------------ hostile frames (issue 9, class D)

def frame(body: bytes) -> int:
    """A file descriptor to read one frame holding ``body`` from."""
    import tempfile

    with tempfile.TemporaryFile() as fh:
        fh.write(len(body).to_bytes(4, "big") + body)
        fh.seek(0)
        return os.dup(fh.fileno())


@pytest.mark.parametrize("payload", [
    {"__np__": ["<U25000000", "a"]},            # a 1-character string in a 100 MB dtype
    {"__np__": ["<U4", 7]},                     # a str dtype needs a str item
    {"__np__": ["<i8", 10 ** 30]},              # does not fit its dtype
    {"__np__": ["<f8", [1.0, 2.0]]},            # a scalar is not a list
    {"__nd__": ["<f8", [10 ** 12], "AAAAAAAAAAA="]},  # a trillion elements claimed, 8 bytes sent
    {"__nd__": ["<U0", [5], ""]},               # zero-sized items
    {"__nd__": ["<f8", [0, 10 ** 30], ""]},     # a shape numpy cannot hold
])
def test_decoder_bombs_and_misfits_are_protocol_errors(payload):
    with pytest.raises(wire.WireError):
        wire.decode(payload)


def test_a_shape_is_refused_before_its_product_is_computed():
    import time

    start = time.monotonic()
    with pytest.raises(wire.WireError):
        wire.decode({"__nd__": ["<f8", [10 ** 4000] * 500, ""]})  # multiplying these out takes seconds
    assert time.monotonic() - start < 1


def test_a_100_byte_reply_allocates_no_gigabytes():
    import tracemalloc

    body = json.dumps({"op": "result", "seq": 1, "value": {"__np__": ["<U250000000", "a"]}}).encode()
    assert len(body) < 100
    tracemalloc.start()
    try:
        with pytest.raises(wire.WireError):
            wire.decode(wire.receive(frame(body))["value"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000


def test_the_decoded_total_is_capped(monkeypatch):
    monkeypatch.setattr(wire, "MAX_DECODED", 1000)
    small = wire.encode(np.zeros(100))  # 800 bytes: one fits, two do not
    assert wire.decode(small).shape == (100,)
    with pytest.raises(wire.WireError, match="limit"):
        wire.decode([small, small])


@pytest.mark.parametrize("body", [
    b'{"v": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",  # nesting beyond the recursion limit
    b'{"v": 1' + b"0" * 100_000 + b"}",                  # an int over Python's digit limit
    b'{"v": [' + b"[]," * 5000 + b"[]]}",                # more JSON items than MAX_ITEMS (patched to 1000)
    b"\xff\xfe",
    b"[1, 2]",
], ids=["deep", "huge_int", "many_items", "not_utf8", "not_an_object"])
def test_hostile_json_frames_are_protocol_errors(body, monkeypatch):
    monkeypatch.setattr(wire, "MAX_ITEMS", 1000, raising=False)
    with pytest.raises(wire.WireError):
        wire.receive(frame(body))


def test_honest_values_still_cross():
    for value in (np.str_("héllo"), np.str_(""), np.int64(-3), np.float32(0.5), np.bool_(True)):
        back = roundtrip(value)
        assert back == value and back.dtype == value.dtype
    big = np.random.default_rng(0).random((1000, 2000))  # 16 MB
    assert np.array_equal(roundtrip(big), big)


def test_a_half_written_frame_times_out_at_the_deadline():
    import time

    r, w = os.pipe()
    os.write(w, (1000).to_bytes(4, "big") + b'{"op": "res')  # ... and the writer stalls
    start = time.monotonic()
    with pytest.raises(TimeoutError):
        wire.receive(r, deadline=start + 0.5)
    assert 0.4 < time.monotonic() - start < 3
    os.write(w, (3).to_bytes(4, "big") + b"{}")  # the rest of the body never came: it reads as a header
    with pytest.raises(TimeoutError):
        wire.receive(r, deadline=time.monotonic() + 0.2)
    os.close(w)
    os.close(r)


def test_a_frame_trickled_in_time_is_read(tmp_path):
    import threading
    import time

    r, w = os.pipe()
    data = len(b'{"op": "x"}').to_bytes(4, "big") + b'{"op": "x"}'

    def trickle():
        for byte in data:
            os.write(w, bytes([byte]))
            time.sleep(0.01)

    thread = threading.Thread(target=trickle)
    thread.start()
    assert wire.receive(r, deadline=time.monotonic() + 10) == {"op": "x"}
    thread.join()


def test_sending_to_a_reader_that_stalls_times_out():
    import time

    r, w = os.pipe()
    with pytest.raises(TimeoutError):
        wire.send(w, {"value": "x" * 2_000_000}, deadline=time.monotonic() + 0.3)  # more than a pipe holds
    assert os.get_blocking(w)
    os.close(r)
    os.close(w)


def test_zero_dimensional_arrays_keep_their_shape():
    """A 0-d array (np.float64(2.0) as an array, np.array(3)) crosses as shape (), not (1,)."""
    from graders import wire

    for value in (np.array(2.5), np.array(3, dtype=np.int32), np.array(True)):
        again = wire.decode(wire.encode(value))
        assert again.shape == () and again.dtype == value.dtype and again == value
