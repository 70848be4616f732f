"""The sandboxed worker: imports ONE submission file and answers calls from the judge.

Started by graders.sandbox inside its namespaces and limits, from a copy of this
file in the scratch folder (no package imports). Before the submission is
imported it installs an audit hook - which Python code cannot remove - that
blocks the exercise's banned modules, new processes, signals to other
processes, sockets, loading native code and, where the OS gave no filesystem
isolation, reading the kit's or other students' files.
"""
from __future__ import annotations

import builtins
import importlib.util
import json
import os
import sys
import traceback

KIT_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, KIT_DIR)  # python -I leaves the script's folder out of sys.path
import wire  # noqa: E402 - a copy next to this file

BLOCKED_EVENTS = frozenset({
    "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "subprocess.Popen",
    "pty.spawn", "socket.connect", "socket.bind", "socket.sendto", "socket.getaddrinfo",
    "ctypes.dlopen", "ctypes.dlsym", "ctypes.call_function", "ctypes.cdata",
    "gc.get_objects", "gc.get_referrers", "gc.get_referents",
})
# glob and shutil work through os.scandir/os.listdir and open, so a refusal reaches them as the OSError they
# already handle (glob then finds nothing), exactly as a kernel refusal would
PATH_READ_EVENTS = frozenset({"os.listdir", "os.scandir", "os.chdir"})
PATH_WRITE_EVENTS = frozenset({"os.remove", "os.rmdir", "os.mkdir", "os.rename", "os.symlink", "os.link",
                               "os.chmod", "os.chown", "os.truncate", "os.utime", "os.mkfifo", "os.mknod",
                               "shutil.rmtree", "shutil.move", "os.setxattr", "os.removexattr"})
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
DIRECTORY_FLAGS = os.O_DIRECTORY | getattr(os, "O_PATH", 0)


class SandboxViolation(PermissionError):
    """Learner code tried something the sandbox forbids."""


class BannedModule(ModuleNotFoundError):
    """A banned module: libraries see it as not installed; learner code is flagged."""


class State:
    banned_hit: str | None = None  # for the error message only: enforcement never reads it


def _matches(name: str, rule: str) -> bool:
    return name == rule or name.startswith(rule + ".")


def make_audit_hook(banned: tuple[str, ...], deny: tuple[str, ...], scratch: str, module_path: str, pid: int):
    """The audit hook, closed over immutable values: nothing learner code can reach turns it off."""
    def denied(path: object) -> str | None:
        if isinstance(path, int) or not isinstance(path, (str, bytes, os.PathLike)):
            return None
        real = os.path.realpath(os.fsdecode(path))
        if any(real == d or real.startswith(d + os.sep) for d in deny):
            return real
        parts = real.split(os.sep)
        if len(parts) > 2 and parts[1] == "proc" and parts[2].isdigit() and int(parts[2]) != pid:
            return real  # other processes' command lines, environments, memory
        return None

    def outside_scratch(path: object) -> str | None:
        if isinstance(path, int) or not isinstance(path, (str, bytes, os.PathLike)):
            return None
        real = os.path.realpath(os.fsdecode(path))
        return None if real == scratch or real.startswith(scratch + os.sep) else real

    def hook(event: str, args: tuple) -> None:
        if event == "import":
            name = args[0] or ""
            for rule in banned:
                if _matches(name, rule):
                    if imported_by(module_path):
                        State.banned_hit = name
                    raise BannedModule(f"{name} is banned in this exercise", name=name)
            return
        if event in BLOCKED_EVENTS:
            raise SandboxViolation(f"{event} is not allowed in the grading sandbox")
        if event in ("os.kill", "os.killpg", "signal.pthread_kill"):
            if args and args[0] != pid or event == "os.killpg":
                raise SandboxViolation("sending signals to other processes is not allowed in the grading sandbox")
            return
        if not deny:
            return  # namespaces and Landlock guard the filesystem
        if event == "open":
            path = args[0] if args else None
            mode = args[1] if len(args) > 1 else None
            flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
            if isinstance(path, int):
                return
            where = denied(path)
            if where:
                raise SandboxViolation(f"reading {where} is not allowed in the grading sandbox")
            writes = flags & WRITE_FLAGS or isinstance(mode, str) and any(c in mode for c in "wax+")
            if writes and outside_scratch(path):
                raise SandboxViolation(f"writing {outside_scratch(path)} is not allowed; "
                                       f"write only under the working folder")
            if mode is None and flags & DIRECTORY_FLAGS or mode is None and os.path.isdir(os.fsdecode(path)):
                raise SandboxViolation("opening folders as file descriptors is not allowed in the grading sandbox")
        elif event in PATH_READ_EVENTS:
            for path in args[:2]:
                where = denied(path)
                if where:
                    raise SandboxViolation(f"reading {where} is not allowed in the grading sandbox")
        elif event in PATH_WRITE_EVENTS:
            for path in args[:2]:
                where = outside_scratch(path)
                if where:
                    raise SandboxViolation(f"changing {where} is not allowed; write only under the working folder")
    return hook


def imported_by(module_path: str) -> bool:
    """Is the import being executed on behalf of the submission (not of a library it uses)?"""
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not (filename.startswith("<frozen importlib") or filename.endswith(os.sep.join(("importlib", "__init__.py")))
                or filename == __file__):
            return os.path.realpath(filename) == module_path
        frame = frame.f_back
    return False


def called_by(module_path: str) -> bool:
    frame = sys._getframe(2)
    return frame is not None and os.path.realpath(frame.f_code.co_filename) == module_path


def arm_function_bans(banned: list[str], module_path: str) -> None:
    """Replace each banned function (dotted rule such as sklearn.model_selection.cross_val_score) by a
    tripwire wherever it is bound in an already imported module: libraries still reach the original,
    the submission's own calls raise. The static check voids the score in both modes besides."""
    for rule in banned:
        module_name, _, attribute = rule.rpartition(".")
        if not module_name or module_name.split(".")[0] not in sys.modules:
            continue
        try:
            original = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError):
            continue  # a banned module, not a function: the import hook handles it
        if not callable(original) or isinstance(original, type(sys)):
            continue

        def tripwire(*args, __original=original, __rule=rule, **kwargs):
            if called_by(module_path):
                State.banned_hit = __rule
                raise BannedModule(f"{__rule} is banned in this exercise", name=__rule)
            return __original(*args, **kwargs)

        for module in list(sys.modules.values()):
            namespace = getattr(module, "__dict__", None)
            if isinstance(namespace, dict):
                for name, value in list(namespace.items()):
                    if value is original:
                        namespace[name] = tripwire


# ------------------------------------------------------------------- objects behind handles

class Registry:
    def __init__(self) -> None:
        self.objects: dict[int, object] = {}
        self.ids: dict[int, int] = {}

    def handle(self, obj: object) -> dict:
        key = id(obj)
        if key not in self.ids:
            self.ids[key] = len(self.objects) + 1
            self.objects[self.ids[key]] = obj
        return {"__handle__": self.ids[key], "type": type(obj).__name__}

    def get(self, handle_id: object) -> object:
        if not isinstance(handle_id, int) or handle_id not in self.objects:
            raise wire.WireError(f"unknown handle {handle_id!r}")
        return self.objects[handle_id]


def describe(obj: object) -> dict:
    """Config/weights of a Keras model, or the structure of an sklearn estimator."""
    module = type(obj).__module__.split(".")[0]
    if module in ("keras", "tf_keras", "tensorflow"):
        import models
        return models.describe_live_model(obj)
    if hasattr(obj, "get_params"):
        import estimators
        return estimators.describe_live_estimator(obj)
    raise TypeError(f"cannot describe a {type(obj).__name__}")


def location(exc: BaseException, path: str) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if os.path.realpath(f.filename) == path]
    return f"{os.path.basename(path)}:{frames[-1].lineno}" if frames else ""


class Worker:
    def __init__(self, fd_in: int, fd_out: int, config: dict) -> None:
        self.fd_in, self.fd_out, self.config = fd_in, fd_out, config
        self.registry = Registry()
        self.module = None
        self.path = os.path.realpath(config["module_path"])

    def error(self, exc: BaseException) -> dict:
        status = "error"
        if State.banned_hit:
            status = "banned"
        elif isinstance(exc, MemoryError):
            status = "memory"
        elif isinstance(exc, RecursionError):
            status = "error"
        name = type(exc).__name__ if type(exc).__module__ == "builtins" else type(exc).__name__
        if isinstance(exc, SandboxViolation):
            name = "PermissionError"
        elif isinstance(exc, BannedModule):
            name = "ModuleNotFoundError"
        message = str(exc)
        if len(message) > 1000:  # TensorFlow puts the real error at the end of a long graph error: keep both ends
            message = message[:400] + " … " + message[-590:]
        if isinstance(exc, SystemExit):
            message = f"the code called sys.exit({exc.code!r})"
        return {"op": "error", "type": name, "message": message, "status": status,
                "where": location(exc, self.path), "banned": State.banned_hit}

    def callback(self, callback_id: int):
        def call_judge(*args, **kwargs):
            wire.send(self.fd_out, {"op": "callback", "id": callback_id,
                                    "args": wire.encode(list(args), self.registry.handle),
                                    "kwargs": wire.encode(kwargs, self.registry.handle)})
            reply = wire.receive(self.fd_in)
            if reply.get("op") == "callback_result":
                return wire.decode(reply["value"], self.on_tag)
            raise RuntimeError(f"the grader's function raised {reply.get('type')}: {reply.get('message')}")
        return call_judge

    def on_tag(self, tag: str, value: dict):
        if tag == "__handle__":
            return self.registry.get(value["__handle__"])
        return self.callback(value["__callback__"])

    def import_module(self) -> dict:
        try:
            spec = importlib.util.spec_from_file_location(self.config["slug"], self.path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[self.config["slug"]] = module
            spec.loader.exec_module(module)
        except BaseException as exc:  # noqa: BLE001 - report anything, even SystemExit
            reply = self.error(exc)
            if isinstance(exc, SyntaxError):
                reply["where"] = f"{os.path.basename(self.path)}:{exc.lineno}"
            reply["op"] = "import_error"
            return reply
        self.module = module
        attributes = {}
        for name, value in vars(module).items():
            if not name.startswith("_"):
                attributes[name] = "callable" if callable(value) else "value"
        return {"op": "ready", "attributes": attributes}

    def handle_request(self, request: dict) -> dict:
        op = request.get("op")
        target = self.module if request.get("target") is None else self.registry.get(request["target"])
        if op == "reload":  # the judge's next test module: the same submission, executed afresh in a new module
            self.registry = Registry()  # the last module's handles are gone with it
            sys.modules.pop(self.config["slug"], None)
            return self.import_module()
        if op == "describe":
            return {"op": "result", "value": wire.encode(describe(target), self.registry.handle)}
        name = request.get("name")
        if op == "getattr":
            value = getattr(target, name)
            if callable(value):
                return {"op": "result", "callable": True}
            return {"op": "result", "value": wire.encode(value, self.registry.handle)}
        if op == "call":
            function = target if name is None else getattr(target, name)
            args = wire.decode(request.get("args", []), self.on_tag)
            kwargs = wire.decode(request.get("kwargs", {"__dict__": []}), self.on_tag)
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise wire.WireError("bad call")
            value = function(*args, **kwargs)
            return {"op": "result", "value": wire.encode(value, self.registry.handle)}
        raise wire.WireError(f"unknown op {op!r}")

    def serve(self) -> None:
        wire.send(self.fd_out, self.import_module())
        while True:
            try:
                request = wire.receive(self.fd_in)
            except EOFError:
                return
            State.banned_hit = None
            try:
                reply = self.handle_request(request)
            except wire.WireError:
                raise
            except BaseException as exc:  # noqa: BLE001 - learner code may raise anything
                reply = self.error(exc)
            reply["seq"] = request.get("seq")
            try:
                wire.send(self.fd_out, reply)
            except TypeError as exc:  # a result that is not data and could not become a handle
                wire.send(self.fd_out, {"op": "error", "type": "TypeError", "message": str(exc),
                                        "status": "error", "where": "", "seq": request.get("seq")})


def main() -> None:
    fd_in, fd_out = int(sys.argv[1]), int(sys.argv[2])
    config = json.loads(sys.argv[3])
    os.chdir(config["scratch"])
    sys.path.remove(KIT_DIR)
    sys.path.insert(0, config["scratch"])
    sys.path.append(KIT_DIR)  # for models.py / estimators.py when describing objects
    os.environ["KIT_DATA_DIR"] = config.get("data_dir") or ""
    os.environ["TMPDIR"] = config["scratch"]
    confine_self(config)
    for name in config.get("preload", []):
        try:
            __import__(name)
        except ImportError:
            pass
    import models  # noqa: F401 - imported before the hook so describing models needs no new imports
    try:
        import estimators  # noqa: F401
    except ImportError:
        pass
    if config.get("pooled"):  # started ahead of need: isolated and warm, now wait for the one submission
        receive_submission(fd_in, config["module_path"])
    module_path = os.path.realpath(config["module_path"])
    devnull = os.open(os.devnull, os.O_RDWR)  # before the hook, which refuses writable opens outside scratch
    arm_function_bans(config.get("banned", []), module_path)
    sys.addaudithook(make_audit_hook(tuple(config.get("banned", [])), tuple(config.get("deny_paths", [])),
                                     os.path.realpath(config["scratch"]), module_path, os.getpid()))
    for fd in (0, 1, 2):  # until here stderr is the grader's start-up log; learner output goes nowhere
        os.dup2(devnull, fd)
    Worker(fd_in, fd_out, config).serve()


def receive_submission(fd_in: int, module_path: str) -> None:
    """A pooled worker's submission: {"op": "load", "source": ...} from the judge that took it over."""
    request = wire.receive(fd_in)
    if request.get("op") != "load" or not isinstance(request.get("source"), str):
        raise SystemExit("expected the submission's source")
    with open(module_path, "w", encoding="utf-8", errors="surrogateescape") as file:  # the bytes as submitted
        file.write(request["source"])


def confine_self(config: dict) -> None:
    """Landlock and seccomp, while this process has one thread (see confine.py); fail closed."""
    import confine
    if config.get("landlock"):
        policy = config["landlock"]
        confine.apply_landlock(policy["read"], policy["write"], policy["read_files"], policy["device_files"],
                               policy["list"])
    if config.get("seccomp"):
        confine.apply_seccomp()


if __name__ == "__main__":
    main()
