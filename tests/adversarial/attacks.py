"""Submissions that attack the grader, built from the honest `activations` solution.

Each attack is a snippet appended to the reference solution (so everything it does
not attack is correct), with what secure mode must do about it:
    scope  "all": the whole exercise must score 0 (attacks at import time);
           "softmax": every test that calls softmax must score 0;
    status the statuses allowed on the attacked tests.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attack:
    name: str
    snippet: str
    scope: str  # "all" or a function name
    statuses: tuple[str, ...]


def _softmax(body: str) -> str:
    """Redefine softmax with an attack body (indented by 4)."""
    return "def softmax(x, axis=-1):\n" + "".join("    " + line + "\n" for line in body.strip().splitlines())


# Looks for the kit anywhere on the machine (any checkout, a CI work folder, a home), not only
# where the test runs from: the worker must see none of them.
_FIND = """
import os
def _find(tail, limit=50):
    found = []
    try:
        tops = sorted(os.listdir("/"))
    except OSError:  # listing refused (Landlock without namespaces)
        return found
    for top in tops:
        if top in ("proc", "sys", "dev", "usr"):
            continue
        for folder, subfolders, files in os.walk("/" + top):
            subfolders[:] = [d for d in subfolders if d not in ("site-packages", "node_modules", ".git")]
            for name in files:
                path = os.path.join(folder, name)
                if path.endswith(tail):
                    found.append(path)
            if len(found) >= limit:
                return found
    return found
"""


ATTACKS = [
    Attack("sys_exit_at_import", "import sys\nsys.exit(0)\n", "all", ("error",)),
    Attack("os_exit_in_call", _softmax("import os\nos._exit(0)"), "softmax", ("crash",)),
    Attack("patch_pytest_and_grader", """
import sys
try:
    import pytest, _pytest.runner
    pytest.approx = lambda *a, **k: True
    _pytest.runner.CallInfo.excinfo = None
except Exception:
    pass
sys.path.insert(0, "/work/main")
try:
    import graders.results as r
    r.TestResult.score = property(lambda self: self.max_score)
except Exception:
    pass
""" + _softmax("return 0"), "softmax", ("fail", "error")),
    Attack("frame_walking", _softmax("""
import sys
frame = sys._getframe(1)
while frame is not None:
    for name in ("expected", "want", "reference"):
        if name in frame.f_locals:
            return frame.f_locals[name]
    frame = frame.f_back
return x"""), "softmax", ("fail", "error")),
    Attack("gc_scanning_for_reference", _softmax("""
import gc, types
for obj in gc.get_objects():
    if isinstance(obj, types.ModuleType) and getattr(obj, "__name__", "").startswith("reference"):
        return obj.softmax(x, axis)
    if isinstance(obj, types.FunctionType) and obj.__name__ == "softmax" and obj.__module__ != __name__:
        return obj(x, axis)
return x"""), "softmax", ("fail", "error")),
    Attack("read_solutions_from_disk", _FIND + """
_stolen = {}
for _path in _find("/solutions/activations/activations.py"):
    exec(open(_path).read(), _stolen)
""" + _softmax("""
if "softmax" in _stolen:
    return _stolen["softmax"](x, axis)
return x"""), "softmax", ("fail", "error")),
    Attack("import_reference_module", _FIND + _softmax("""
import sys
for path in _find("/solutions/activations/activations.py"):
    sys.path.insert(0, path.rsplit("/solutions/", 1)[0])
sys.path.insert(0, ".")
from solutions.activations.activations import softmax as real
return real(x, axis)"""), "softmax", ("error",)),
    Attack("read_hidden_tests", _FIND + """
_hidden = [open(p).read() for p in _find("_hidden.py")]
if _hidden:
    raise SystemExit("found hidden tests")
""" + _softmax("return x"), "softmax", ("fail", "error")),
    Attack("forge_results_files", """
import glob, json, os
_forged = json.dumps({"event": "result", "status": "pass"})
for _pattern in ("/tmp/**/*.jsonl", "/tmp/**/results.json", "/work/**/results.json", "/work/**/.grade-state.json"):
    for _path in glob.glob(_pattern, recursive=True):
        try:
            with open(_path, "w") as fh:
                fh.write(_forged)
        except OSError:
            pass
for _path in ("/tmp/FORGED", "/work/main/FORGED", os.path.expanduser("~/FORGED")):
    try:
        open(_path, "w").write("forged")
    except OSError:
        pass
""" + _softmax("return x"), "softmax", ("fail", "error")),
    Attack("infinite_loop", _softmax("while True:\n    pass"), "softmax", ("timeout",)),
    Attack("ignore_sigterm_and_loop", _softmax("""
import signal
signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass"""), "softmax", ("timeout",)),
    Attack("memory_bomb", _softmax("""
blocks = []
while True:
    blocks.append(bytearray(256 * 1024 * 1024))"""), "softmax", ("memory", "crash")),
    Attack("fork_bomb", _softmax("""
import os
while True:
    os.fork()"""), "softmax", ("error", "crash", "timeout")),
    Attack("fork_bomb_via_ctypes", _softmax("""
import ctypes
libc = ctypes.CDLL(None)
while True:
    libc.fork()"""), "softmax", ("error", "crash", "timeout")),
    Attack("double_forked_daemon", _softmax("""
import subprocess
subprocess.Popen(["sh", "-c", "(sleep 600 &) ; sleep 600"], start_new_session=True)
return x"""), "softmax", ("error",)),
    Attack("huge_output", _softmax("""
import sys
for _ in range(10 ** 9):
    sys.stdout.write("x" * 65536)
    sys.stderr.write("y" * 65536)"""), "softmax", ("timeout", "crash")),
    Attack("kill_the_parent", _softmax("""
import os, signal
for pid in (os.getppid(), -1, 1):
    try:
        os.kill(pid, signal.SIGKILL)
    except Exception:
        pass
return x"""), "softmax", ("fail", "error")),
    Attack("eq_always_true", _softmax("""
class AlwaysEqual:
    shape = x.shape
    dtype = x.dtype
    def __eq__(self, other):
        return True
    def __array__(self, *a, **k):
        import numpy
        return numpy.full(x.shape, 1.0 / x.shape[axis])
return AlwaysEqual()"""), "softmax", ("fail", "error")),
    Attack("wrong_dtype_that_compares_equal", _softmax("""
import numpy as np
shifted = x - np.max(x, axis=axis, keepdims=True)
e = np.exp(shifted)
return (e / np.sum(e, axis=axis, keepdims=True)).astype(str)"""), "softmax", ("fail", "error")),
    Attack("network_access", _softmax("""
import socket
s = socket.create_connection(("1.1.1.1", 80), timeout=2)
return x"""), "softmax", ("error",)),
    Attack("protocol_forgery", """
import os, json, struct
_body = json.dumps({"op": "result", "seq": 1, "value": 0.5}).encode()
for _fd in range(3, 64):
    try:
        os.write(_fd, struct.pack(">I", len(_body)) + _body)
    except OSError:
        pass
""", "all", ("protocol", "error", "crash")),
    Attack("giant_file", _softmax("""
with open("big.bin", "wb") as fh:
    while True:
        fh.write(b"0" * (1 << 24))"""), "softmax", ("crash", "error", "memory")),
    # Issue 9, class D: knock over the judge or the batch instead of fooling them.
    Attack("unwritable_message", _softmax("""
raise ValueError("\\ud800 [bold red]x\\x1b[31m [/oops]")"""), "softmax", ("error",)),
    Attack("half_written_frame", _softmax("""
import os, stat, struct, time
for fd in range(3, 64):
    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            os.write(fd, struct.pack(">I", 1000) + b'{"op": "res')
    except OSError:
        pass
time.sleep(600)"""), "softmax", ("timeout",)),
    Attack("decoder_bomb", _softmax("""
import sys
for module in list(sys.modules.values()):
    if "MAX_MESSAGE" in getattr(module, "__dict__", {}) and "encode" in module.__dict__:
        module.encode = lambda value, *args, **kwargs: {"__np__": ["<U500000000", "a"]}
return x"""), "softmax", ("protocol",)),
]
