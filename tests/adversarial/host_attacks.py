"""Issue 9's attacks on the grading machine itself, appended to the honest `activations` solution.

Each attack's softmax returns the right answer only if the attack worked, so a
protection that holds shows as softmax scoring 0. Whatever an attack changes on
the host is also looked for directly by tests/test_host_protection.py
(sysctls, cgroups, the Python installation, files outside scratch, processes).
"""
from __future__ import annotations

from adversarial.attacks import Attack, _softmax

SYSCTL = "/proc/sys/kernel/printk_ratelimit_burst"  # not namespaced: a write would change the host
MARK = "mlkit-attack-mark"

_RIGHT = """
import numpy as _np
def _right(x, axis):
    e = _np.exp(x - _np.max(x, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
"""

# attacks that only a protection some machines lack can stop: where `dev sandbox` reports it missing,
# the test checks that it is reported (batch then refuses without --allow-weak-sandbox)
NEEDS = {"privileged_worker": "unprivileged uid", "fill_the_disk": "working folder capped"}

HOST_ATTACKS = [
    # A. privilege
    Attack("privileged_worker", _RIGHT + _softmax("""
import os
caps = [line.split()[1] for line in open("/proc/self/status") if line.startswith(("CapEff", "CapBnd", "CapPrm"))]
if os.getuid() == 0 or os.geteuid() == 0 or any(int(c, 16) for c in caps):
    return _right(x, axis)
return x"""), "softmax", ("fail",)),
    Attack("write_host_sysctl", _RIGHT + _softmax(f"""
try:
    with open("{SYSCTL}", "w") as fh:
        fh.write("77")
    return _right(x, axis)
except OSError:
    return x"""), "softmax", ("fail",)),
    Attack("write_cgroup_limits", _RIGHT + _softmax("""
import glob
done = False
for path in glob.glob("/sys/fs/cgroup/pids/**/pids.max", recursive=True):
    try:
        with open(path, "w") as fh:
            fh.write("1")
        done = True
    except OSError:
        pass
for path in glob.glob("/proc/self/cgroup"):
    pass
return _right(x, axis) if done else x"""), "softmax", ("fail",)),
    Attack("new_namespace_via_unshare", _RIGHT + _softmax("""
import os
try:
    os.unshare(os.CLONE_NEWUSER | os.CLONE_NEWNS)  # Python 3.12+
    return _right(x, axis)
except (AttributeError, OSError):
    return x"""), "softmax", ("fail",)),
    Attack("fill_the_disk", _RIGHT + _softmax("""
written = 0
try:
    for i in range(40):
        with open(f"fill{i}.bin", "wb") as fh:
            for _ in range(16):
                fh.write(b"0" * (1 << 20))
                written += 1 << 20
except OSError:
    pass
return _right(x, axis) if written > 512 << 20 else x"""), "softmax", ("fail",)),
    # B. the worker's own Python-level defences, tampered with
    Attack("switch_off_audit_hook", """
import sys
for _module in list(sys.modules.values()):
    for _name in ("State", "State_"):
        _state = getattr(_module, _name, None)
        if _state is not None and hasattr(_state, "armed"):
            _state.armed = False
            _state.policy = {"banned": [], "deny_paths": [], "scratch": "/", "module_path": ""}
""" + _softmax("""
import importlib
special = importlib.import_module("sci" + "py.special")  # hidden from the static check
return special.softmax(x, axis=axis)"""), "softmax", ("banned", "error")),
    Attack("find_audit_hook_with_gc", _softmax("""
import gc
for obj in gc.get_objects():
    if callable(obj) and getattr(obj, "__name__", "") in ("hook", "audit"):
        cells = getattr(obj, "__closure__", None) or ()
        for cell in cells:
            try:
                if isinstance(cell.cell_contents, tuple):
                    cell.cell_contents = ()
            except Exception:
                pass
special = __import__("sci" + "py.special", fromlist=["softmax"])
return special.softmax(x, axis=axis)"""), "softmax", ("banned", "error")),
    # C. what a fallback without namespaces used to miss
    Attack("walk_with_directory_fds", _softmax("""
import os
for top, dirs, files, topfd in os.fwalk("/"):
    dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev", "usr", "site-packages", ".git")]
    if top.endswith("solutions/activations") and "activations.py" in files:
        fd = os.open("activations.py", os.O_RDONLY, dir_fd=topfd)
        scope = {}
        exec(os.read(fd, 1 << 20).decode(), scope)
        return scope["softmax"](x, axis)
return x"""), "softmax", ("fail", "error")),
    Attack("kit_path_from_proc_cmdline", _softmax("""
import os
for pid in os.listdir("/proc"):
    try:
        argv = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\\0")
    except OSError:
        continue
    for arg in argv:
        if arg.endswith(b"_hidden.py") or b"hidden_tests" in arg:
            root = arg.decode().split("/hidden_tests")[0]
            scope = {}
            exec(open(root + "/solutions/activations/activations.py").read(), scope)
            return scope["softmax"](x, axis)
return x"""), "softmax", ("fail", "error")),
    Attack("plant_code_in_python_install", f"""
import os, sys, sysconfig
for _folder in {{sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"], sys.prefix}}:
    for _name, _flags in (("{MARK}.pth", os.O_WRONLY | os.O_CREAT), ("{MARK}_sitecustomize.py", os.O_RDWR | os.O_CREAT)):
        try:
            _fd = os.open(os.path.join(_folder, _name), _flags, 0o644)
            os.write(_fd, b"import os; open('/tmp/{MARK}-planted', 'w')\\n")
            os.close(_fd)
        except OSError:
            pass
""" + _softmax("return x"), "softmax", ("fail",)),
    Attack("forge_file_with_os_open", f"""
import os
for _path in ("/tmp/{MARK}-forged", os.path.expanduser("~/{MARK}-forged")):
    try:
        os.close(os.open(_path, os.O_WRONLY | os.O_CREAT, 0o644))
    except OSError:
        pass
""" + _softmax("return x"), "softmax", ("fail",)),
    Attack("daemon_via_posixsubprocess", _softmax("""
import _posixsubprocess, os
r, w = os.pipe()
args = [b"/bin/sh", [b"/bin/sh"], True, (), None, None, -1, -1, -1, -1, -1, -1, r, w, True, True, -1,
        None, None, None, -1, None]
try:
    _posixsubprocess.fork_exec([b"sh", b"-c", b"sleep 613 & sleep 613"], [b"/bin/sh"], *args[2:])
except Exception:
    pass
return x"""), "softmax", ("fail",)),
]
