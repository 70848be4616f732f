"""Secure mode, judge side: ``learner`` becomes a proxy to a sandboxed worker.

The judge (the pytest process holding hidden tests and the reference) never
imports learner code. Each attribute call on the proxy is one request to the
worker; arguments and results cross as validated data (see wire.py); objects
that are not data stay in the worker behind a ``RemoteHandle``. A call that
runs too long, a worker that dies, floods memory or breaks the protocol raises
the matching GradingSignal, and the next call starts a fresh worker.

One worker serves one submission: the test modules of a grading (visible, then hidden) share it,
each executing the submission afresh in a new module (as local mode loads it afresh per module),
so TensorFlow is imported once per grading, not once per module.
"""
from __future__ import annotations

import builtins
import json
import os
import signal
import time
from pathlib import Path
from typing import Any

from . import manifest, paths, wire
from .errors import (BannedCall, LearnerCrash, LearnerMemory, LearnerTimeout, ProtocolViolation,
                     SubmissionImportError)
from .feedback import clean_framework_error
from .i18n import _
from .limits import PRELOADABLE, limits_for, preload_for  # noqa: F401 - PRELOADABLE: callers import it here
from .sandbox import WorkerProcess

MAX_RESTARTS = 25
REPEATED_FAILURES = 2  # a function that timed out, crashed or blew memory this often is not called again
_REMOTE_TYPES: dict[str, type] = {}
_SPARE: dict[tuple, Any] = {}  # (slug, path, hidden folders) -> the healthy worker a finished module left


def close_spare_workers() -> None:
    """Kill the workers no later module took (the judge calls this when its session ends)."""
    while _SPARE:
        _SPARE.popitem()[1].kill()


class RemoteException(Exception):
    """Mixin for exceptions raised by learner code in the worker."""

    learner_location = ""


def remote_exception(name: str, message: str, where: str) -> Exception:
    """An exception of the same builtin type, so pytest.raises(ValueError) works in both modes."""
    base = getattr(builtins, name, None)
    if not (isinstance(base, type) and issubclass(base, Exception)) or issubclass(base, (StopIteration, StopAsyncIteration)):
        base = RuntimeError
        message = f"{name}: {message}"
    if name not in _REMOTE_TYPES:
        _REMOTE_TYPES[name] = type(base.__name__, (base, RemoteException), {"__module__": "builtins"})
    exc = _REMOTE_TYPES[name](message)
    exc.learner_location = where
    return exc


class RemoteHandle:
    """An object living in the worker. Attribute access and calls are forwarded."""

    def __init__(self, owner: "RemoteModule", handle_id: int, type_name: str, generation: int) -> None:
        object.__setattr__(self, "_owner", owner)
        object.__setattr__(self, "_id", handle_id)
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_generation", generation)

    def __repr__(self) -> str:
        return f"<{self._type} in the sandbox>"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self._owner._getattr(name, self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._owner._call(None, self, args, kwargs)

    def _grader_describe(self) -> dict:
        return self._owner._request({"op": "describe", "target": self._owner._handle_id(self)})


class _ForeignProcess:
    """A pooled worker's process, seen from the judge that took it over (the template is its parent)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def status(self) -> tuple[str, int | None]:
        """('running' | 'zombie' | 'gone', its exit code once it is a zombie)."""
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return "gone", None
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z":
            return "running", None
        return "zombie", os.waitstatus_to_exitcode(int(fields[-1]))  # exit_code: waitpid's status

    def wait(self, timeout: float | None = None) -> int | None:
        deadline = time.monotonic() + (timeout or 0)
        while True:
            state, code = self.status()
            if state != "running":
                return code
            if time.monotonic() > deadline:
                raise TimeoutError(f"worker {self.pid} still running")
            time.sleep(0.05)


class PooledWorker:
    """A worker the warm judge's template started before this judge existed (graders.warm)."""

    def __init__(self, handover: dict) -> None:
        self.fd_in, self.fd_out = int(handover["fd_in"]), int(handover["fd_out"])
        self.process = _ForeignProcess(int(handover["pid"]))
        self.cgroup = Path(handover["cgroup"]) if handover.get("cgroup") else None
        self.log = Path(handover["log"])

    @classmethod
    def take(cls, slug: str) -> "PooledWorker | None":
        """The pooled worker handed to this judge for ``slug``, once (a restart starts a fresh worker)."""
        from .warm import POOLED_WORKER_ENV
        raw = os.environ.pop(POOLED_WORKER_ENV, None)
        if not raw:
            return None
        handover = json.loads(raw)
        worker = cls(handover)
        if handover.get("slug") != slug:
            worker.kill()
            return None
        return worker

    def kill(self) -> None:
        for fd in (self.fd_out, self.fd_in):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.cgroup is not None:
            from .sandbox import kill_cgroup_tree
            kill_cgroup_tree(self.cgroup)  # the template reaps it and removes its scratch folder

    def startup_error(self) -> str:
        try:
            lines = self.log.read_bytes()[-2000:].decode("utf-8", "replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1][:300] if lines else ""


class RemoteModule:
    """The learner's module, seen from the judge."""

    def __init__(self, path: Path, slug: str, call_timeout: float | None = None,
                 hide_also: list[str] | None = None) -> None:
        self._path, self._slug = Path(path), slug
        exercise = manifest.get(slug)
        self._banned = list(exercise.banned)
        self._limits = limits_for(exercise)
        self._timeout = call_timeout or exercise.test_timeout
        self._hide_also = hide_also or [str(Path(path).resolve().parent)]
        self._worker: WorkerProcess | None = None
        self._attributes: dict[str, str] = {}
        self._generation = 0
        self._restarts = 0
        self._seq = 0
        self._callbacks: dict[int, Any] = {}
        self._failed: dict[str, tuple[int, type]] = {}  # function -> (hard failures, their kind)
        self._start()

    # -------------------------------------------------------------- worker lifecycle
    def _start(self) -> None:
        if self._restarts >= MAX_RESTARTS:
            raise LearnerCrash(f"gave up restarting the sandbox for {self._slug} after {MAX_RESTARTS} crashes")
        self._restarts += 1
        self._generation += 1
        if self._restarts == 1 and self._reuse_spare():
            return
        pooled = PooledWorker.take(self._slug) if self._restarts == 1 else None
        if pooled is not None:  # started ahead of need by the warm judge's template: hand it the submission
            self._worker = pooled
            source = self._path.read_bytes().decode("utf-8", "surrogateescape")
            self._send({"op": "load", "source": source}, time.monotonic() + self._timeout + 60.0)
        else:
            self._worker = WorkerProcess(self._path, self._slug, self._banned, preload_for(self._slug),
                                         self._limits, self._hide_also)
        self._started(self._receive(time.monotonic() + self._timeout + 60.0, starting=True))

    def _reuse_spare(self) -> bool:
        """Run this module in the worker the grading's last module left; False when there is none, or it
        died meanwhile (then a fresh worker starts, as it would have anyway)."""
        self._worker = _SPARE.pop(self._spare_key(), None)
        if self._worker is None:
            return False
        try:
            self._send({"op": "reload"}, time.monotonic() + self._timeout + 60.0)
            reply = self._receive(time.monotonic() + self._timeout + 60.0, starting=True)
        except (LearnerCrash, LearnerTimeout, ProtocolViolation):
            self._kill()
            return False
        self._started(reply)
        return True

    def _started(self, reply: dict) -> None:
        """The worker's answer to loading the submission: ready, or why the import failed."""
        if reply.get("op") == "import_error":
            where = f" ({reply.get('where')})" if reply.get("where") else ""
            detail = f"{reply.get('type')}: {reply.get('message')}{where}"
            self._kill()
            if reply.get("status") == "banned":
                raise BannedCall(_("could not import {slug}.py: it imports {banned}, which this exercise bans").format(
                    slug=self._slug, banned=reply.get("banned")))
            raise SubmissionImportError(_("could not import {file}: {error}").format(file=f"{self._slug}.py",
                                                                                    error=detail))
        if reply.get("op") != "ready" or not isinstance(reply.get("attributes"), dict):
            self._kill()
            raise ProtocolViolation("the sandboxed worker did not start properly")
        self._attributes = {str(k): str(v) for k, v in reply["attributes"].items()}

    def _kill(self) -> None:
        if self._worker is not None:
            self._worker.kill()
            self._worker = None

    def _spare_key(self) -> tuple:
        return self._slug, str(self._path), tuple(self._hide_also)

    def close(self) -> None:
        """The module's tests are done: a worker that is still in step with the judge waits for the next
        module of this grading (see close_spare_workers); one that failed was killed already."""
        if self._worker is not None:
            previous = _SPARE.pop(self._spare_key(), None)
            if previous is not None:
                previous.kill()
            _SPARE[self._spare_key()] = self._worker
            self._worker = None

    def _ensure_worker(self) -> None:
        if self._worker is None:
            self._start()

    # -------------------------------------------------------------- messages
    def _receive(self, deadline: float, starting: bool = False) -> dict:
        """The worker's next message; the whole frame must arrive by ``deadline``."""
        try:
            return wire.receive(self._worker.fd_in, deadline)
        except TimeoutError:
            raise self._timed_out(starting) from None
        except EOFError:
            raise self._death() from None
        except (wire.WireError, ValueError, OSError) as exc:
            self._kill()
            raise ProtocolViolation(f"the sandboxed worker broke the protocol ({str(exc)[:120]})") from None

    def _send(self, message: dict, deadline: float) -> None:
        """Send to the worker; one that stops reading until ``deadline`` has timed out."""
        try:
            wire.send(self._worker.fd_out, message, deadline)
        except TimeoutError:
            raise self._timed_out() from None
        except OSError:
            raise self._death() from None

    def _timed_out(self, starting: bool = False) -> LearnerTimeout:
        self._kill()
        if starting:
            return LearnerTimeout(_("importing {slug}.py took longer than the time limit - is there an infinite loop "
                                    "at module level?").format(slug=self._slug))
        return LearnerTimeout(_("the call took longer than {seconds:g} s - look for an infinite loop or a slow Python "
                                "loop that numpy could vectorise").format(seconds=self._timeout))

    def _death(self) -> Exception:
        """The worker closed its channel: find out why and say so."""
        process = self._worker.process
        try:
            code = process.wait(timeout=5)
        except Exception:  # noqa: BLE001
            code = None
        startup_error = self._worker.startup_error()
        self._kill()
        if startup_error:  # printed before learner code ran: the sandbox itself failed
            return LearnerCrash(f"the grading sandbox failed to start, not because of your code ({startup_error}) "
                                f"- tell your instructor; `python grade.py dev sandbox` shows the machine's setup")
        if code is not None and code < 0 and -code == signal.SIGXCPU:
            return LearnerTimeout(_("the code used up its CPU time limit"))
        if code is not None and code < 0 and -code == signal.SIGXFSZ:
            return LearnerCrash(_("the code wrote a file larger than the sandbox allows"))
        if code is not None and code < 0 and -code == signal.SIGKILL:
            return LearnerCrash(_("the worker was killed by SIGKILL (out of memory, or it signalled itself)"))
        return LearnerCrash(_("the code ended the worker process (exit status {code}): do not call sys.exit/os._exit "
                              "or crash the interpreter").format(code=code))

    def _handle_id(self, handle: RemoteHandle) -> int:
        if handle._owner is not self or handle._generation != self._generation or self._worker is None:
            raise LearnerCrash("this object was lost when the sandboxed worker restarted after an earlier failure")
        return handle._id

    def _encode_arg(self, value: Any) -> dict:
        if isinstance(value, RemoteHandle):
            return {"__handle__": self._handle_id(value)}
        if callable(value):
            callback_id = len(self._callbacks) + 1
            self._callbacks[callback_id] = value
            return {"__callback__": callback_id}
        raise TypeError(f"cannot pass a {type(value).__name__} to the sandboxed code; pass data")

    def _decode_result(self, tag: str, value: dict) -> Any:
        if tag == "__handle__" and isinstance(value.get("__handle__"), int):
            return RemoteHandle(self, value["__handle__"], str(value.get("type", "object"))[:60], self._generation)
        raise wire.WireError("the worker may not send callbacks")

    def _request(self, message: dict) -> Any:
        self._ensure_worker()
        self._seq += 1
        message["seq"] = self._seq
        deadline = time.monotonic() + self._timeout
        self._send(message, deadline)
        while True:
            reply = self._receive(deadline)
            op = reply.get("op")
            if op == "callback":
                self._run_callback(reply, deadline)
                continue
            if reply.get("seq") != self._seq:
                self._kill()
                raise ProtocolViolation("the sandboxed worker answered out of turn")
            if op == "result":
                if reply.get("callable"):
                    return _CALLABLE
                try:
                    return wire.decode(reply.get("value"), self._decode_result)
                except wire.WireError as exc:
                    self._kill()
                    raise ProtocolViolation(f"the sandboxed worker sent a malformed result ({exc})") from None
            if op == "error":
                raise self._error(reply)
            self._kill()
            raise ProtocolViolation(f"unexpected message {str(op)[:40]!r} from the sandboxed worker")

    def _error(self, reply: dict) -> Exception:
        status = reply.get("status")
        message = str(reply.get("message", ""))[:1000]
        if status == "banned":
            return BannedCall(_("the code imported {banned}, which this exercise bans").format(banned=reply.get("banned")))
        if status == "memory":
            return LearnerMemory(_("ran out of memory ({limit} MB limit): {error}").format(
                limit=self._limits.memory_mb, error=message[:200]))
        return remote_exception(str(reply.get("type", "RuntimeError"))[:60], clean_framework_error(message),
                                str(reply.get("where", ""))[:200])

    def _run_callback(self, request: dict, deadline: float) -> None:
        function = self._callbacks.get(request.get("id"))
        try:
            if function is None:
                raise ProtocolViolation("unknown callback")
            args = wire.decode(request.get("args", []), self._decode_result)
            kwargs = wire.decode(request.get("kwargs", {"__dict__": []}), self._decode_result)
            value = function(*args, **kwargs)
            reply = {"op": "callback_result", "value": wire.encode(value, self._encode_arg)}
        except wire.WireError as exc:
            self._kill()
            raise ProtocolViolation(f"the sandboxed worker sent malformed callback arguments ({exc})") from None
        except Exception as exc:  # noqa: BLE001 - report the judge's error back to the learner's code
            reply = {"op": "callback_error", "type": type(exc).__name__, "message": str(exc)[:500]}
        self._send(reply, deadline)

    # -------------------------------------------------------------- the proxy surface
    def _call(self, name: str | None, target: RemoteHandle | None, args: tuple, kwargs: dict) -> Any:
        key = f"{target._type if target is not None else ''}.{name}"
        failures, kind = self._failed.get(key, (0, None))
        if failures >= REPEATED_FAILURES:
            raise kind(f"not run: {name or 'this call'} already failed {failures} times ({kind.status}) "
                       f"- fix that first")
        self._ensure_worker()
        message = {"op": "call", "name": name,
                   "target": None if target is None else self._handle_id(target),
                   "args": wire.encode(list(args), self._encode_arg),
                   "kwargs": wire.encode(dict(kwargs), self._encode_arg)}
        return self._request(message)

    def _getattr(self, name: str, target: RemoteHandle) -> Any:
        value = self._request({"op": "getattr", "name": name, "target": self._handle_id(target)})
        if value is _CALLABLE:
            return lambda *args, **kwargs: self._call(name, target, args, kwargs)
        return value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        self._ensure_worker()
        kind = self._attributes.get(name)
        if kind is None:
            raise AttributeError(f"{self._slug}.py has no attribute {name!r} - check the function's name "
                                 f"against the statement (python grade.py show {self._slug})")
        if kind == "callable":
            function = lambda *args, **kwargs: self._call(name, None, args, kwargs)  # noqa: E731
            function.__name__ = name
            return function
        return self._request({"op": "getattr", "name": name, "target": None})


_CALLABLE = object()
