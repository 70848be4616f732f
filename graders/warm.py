"""The warm judge: a template process that imported pytest, the kit's plugin and the exercise's
libraries once, and forks one judge per grading.

A fresh judge pays Python, pytest and (for a TensorFlow exercise) a 3-5 s TensorFlow import
before its first test. The template pays them once per batch (or per `watch` session); each
grading is a fork of it that runs pytest exactly as a fresh judge would and exits. The judge never
runs learner code in secure mode, and in local mode the learner code runs in the forked child,
which is thrown away: nothing a grading does reaches the template or the next grading.

Forking is only safe while the template has never run a TensorFlow op: TensorFlow's thread pools
start with the first op, and a child forked from a process holding them can hang. The template
records its thread count after its imports and refuses to fork once it has grown
(``ForkUnsafe``); the client then falls back to a fresh judge. Every child has a hard wall-clock
limit (the client kills its process group) and dies with the template (PR_SET_PDEATHSIG).

In secure mode the template also keeps one sandboxed worker started ahead of need (isolated
first, then importing the track's libraries; see ``graders.sandbox.WorkerProcess``): the forked
judge takes it, sends it the submission, and it serves that one submission only (each test module
of the grading loads it afresh; see ``graders.secure``).
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from . import paths, wire

POOLED_WORKER_ENV = "MLKIT_POOLED_WORKER"  # the forked judge's pre-started worker (JSON)
REAP_INTERVAL = 0.2


class ForkUnsafe(RuntimeError):
    """The template has started threads since its imports (a TensorFlow op ran): it must not fork."""


def thread_count() -> int:
    return len(os.listdir("/proc/self/task"))


# --------------------------------------------------------------------------- the template (server side)

class Template:
    """Runs in the template process: imports once, forks a judge per request."""

    def __init__(self, libraries: list[str]) -> None:
        import pytest  # noqa: F401 - the point of the template: imported once

        # the plugin's own imports (not graders.plugin itself: pytest must import it to rewrite its asserts)
        from . import asserts, banned, feedback, loader, manifest  # noqa: F401
        for name in libraries:
            try:
                __import__(name)
            except ImportError:
                pass
        import gc
        gc.collect()
        gc.freeze()  # the imports' objects: a child's gc.collect() would walk (and copy) every page of them
        self.baseline_threads = thread_count()
        self.children: dict[int, float] = {}  # judge pid -> wall-clock deadline
        self.workers: dict[int, object] = {}  # judge pid -> the pooled worker it was given
        self.ready_worker = None  # a sandboxed worker started ahead of need (secure mode)
        self.protocol_fds: tuple[int, ...] = ()

    def ensure_fork_safe(self) -> None:
        now = thread_count()
        if now > self.baseline_threads:
            raise ForkUnsafe(f"the judge template has {now} threads, {self.baseline_threads} after its imports: "
                             f"something ran a TensorFlow op in it, and a fork could hang")

    def fork_judge(self, request: dict) -> int:
        """Fork a judge that runs pytest with ``request['args']``; returns its pid."""
        self.ensure_fork_safe()
        worker = self.ready_worker if request.get("worker") else None
        if worker is not None:
            self.ready_worker = None
        pid = os.fork()
        if pid == 0:  # the judge
            for fd in self.protocol_fds:  # the template's channel to the grader is not the judge's
                os.close(fd)
            os._exit(run_judge_child(request, worker))
        self.children[pid] = time.monotonic() + float(request.get("wall_limit", 3600))
        if worker is not None:
            os.close(worker.fd_in)  # the judge owns the worker's pipes now; the template only reaps it
            os.close(worker.fd_out)
            worker.fd_in = worker.fd_out = -1  # closed: kill() must not close a number reused since
            self.workers[pid] = worker
        return pid

    def start_worker(self, spec: dict) -> None:
        """Start the next judge's worker now, while this grading runs."""
        if self.ready_worker is not None:
            return
        from . import manifest
        from .sandbox import WorkerProcess
        from .limits import limits_for, preload_for
        exercise = manifest.get(spec["slug"])
        self.ready_worker = WorkerProcess(None, exercise.slug, list(exercise.banned), preload_for(exercise.slug),
                                          limits_for(exercise), spec.get("hide", []))

    def reap(self) -> list[tuple[int, int | None]]:
        """Collect finished judges (killing their workers); kill judges past their wall-clock limit."""
        ended = []
        for pid, deadline in list(self.children.items()):
            if time.monotonic() > deadline:
                _kill_group(pid)
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, -1
            if done:
                del self.children[pid]
                worker = self.workers.pop(pid, None)
                if worker is not None:
                    worker.kill()
                ended.append((pid, os.waitstatus_to_exitcode(status) if status >= 0 else None))
        return ended

    def close(self) -> None:
        for pid in list(self.children):
            _kill_group(pid)
        while self.children:
            self.reap()
            time.sleep(0.05)
        if self.ready_worker is not None:
            self.ready_worker.kill()


def run_judge_child(request: dict, worker) -> int:
    """In the forked judge: become what a fresh judge would be, run pytest, return its exit code."""
    code = 3
    try:
        os.setsid()
        _die_with_parent()
        if request.get("memory_mb"):
            import resource
            limit = int(request["memory_mb"]) * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        output = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.close(output)
        os.environ.clear()
        os.environ.update(request["env"])
        if worker is not None:
            os.environ[POOLED_WORKER_ENV] = json.dumps(worker.handover())
        os.chdir(request.get("cwd") or paths.ROOT)
        _reseed()
        import pytest
        code = int(pytest.main(list(request["args"])))
    except BaseException:  # noqa: BLE001 - report it in the output tail, like a crashed fresh judge
        import traceback
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001
                pass
    return code


def _reseed() -> None:
    """A fresh process seeds its generators from the OS; every fork would otherwise share the template's."""
    import random
    random.seed()
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()


def _die_with_parent() -> None:
    try:
        import ctypes
        ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except Exception:  # noqa: BLE001 - best effort
        pass


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def serve(fd_in: int, fd_out: int, libraries: list[str]) -> None:
    """The template's loop: requests from the client, exits of judges back to it."""
    template = Template(libraries)
    template.protocol_fds = (fd_in, fd_out)
    wire.send(fd_out, {"op": "ready", "threads": template.baseline_threads})
    try:
        while True:
            readable, _, _ = select.select([fd_in], [], [], REAP_INTERVAL)
            for pid, code in template.reap():
                wire.send(fd_out, {"op": "exited", "pid": pid, "code": code})
            if not readable:
                continue
            try:
                request = wire.receive(fd_in)
            except EOFError:
                return
            if request.get("op") == "fork":
                try:
                    pid = template.fork_judge(request)
                except ForkUnsafe as exc:
                    wire.send(fd_out, {"op": "refused", "reason": str(exc)})
                    continue
                wire.send(fd_out, {"op": "started", "pid": pid})
                _start_next_worker(template, request)
    finally:
        template.close()


def _start_next_worker(template: Template, request: dict) -> None:
    if request.get("next_worker"):
        try:
            template.start_worker(request["next_worker"])
        except Exception:  # noqa: BLE001 - the next judge starts its own worker instead
            template.ready_worker = None


def main() -> None:
    fd_in, fd_out = int(sys.argv[1]), int(sys.argv[2])
    serve(fd_in, fd_out, sys.argv[3:])


# --------------------------------------------------------------------------- the client (grader side)

def judge_libraries(slug: str) -> list[str]:
    """What the template imports: the libraries the exercise's stub and test suites import anywhere (a
    function's lazy import of keras still costs the judge its seconds)."""
    from .limits import PRELOADABLE, imported_modules
    suites = sorted(paths.hidden_tests(slug).glob("test_*.py"))  # not the golden generators beside them
    names = {"numpy"}
    for path in (paths.stub_path(slug), paths.visible_tests(slug), *suites):
        names |= imported_modules(path, anywhere=True)
    return [n for n in PRELOADABLE if n in names]


class WarmJudge:
    """One template process; ``run`` forks a judge from it, one grading at a time."""

    def __init__(self, libraries: list[str], env: dict) -> None:
        from .sandbox import RunScope
        self.libraries = list(libraries)
        self.scope = RunScope()  # the pooled workers' scratch folders and cgroups, removed with the template
        to_template_r, self.fd_out = os.pipe()
        self.fd_in, from_template_w = os.pipe()
        self.process = subprocess.Popen([sys.executable, "-m", "graders.warm", str(to_template_r),
                                         str(from_template_w), *self.libraries],
                                        cwd=paths.ROOT, env={**env, **self.scope.env()}, stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        pass_fds=(to_template_r, from_template_w), start_new_session=True)
        os.close(to_template_r)
        os.close(from_template_w)
        self.ready = False
        self.key: tuple = ()

    def wait_ready(self, timeout: float = 300.0) -> None:
        if not self.ready:
            reply = wire.receive(self.fd_in, time.monotonic() + timeout)
            if reply.get("op") != "ready":
                raise RuntimeError(f"the judge template did not start ({reply})")
            self.ready = True

    def run(self, args: list[str], env: dict, output: Path, timeout: float, memory_mb: int | None,
            worker: bool = False, next_worker: dict | None = None, running: set[int] | None = None) -> int | None:
        """Fork a judge running ``pytest args``; its exit code, or None when killed at ``timeout``. While it
        runs its pid is in ``running`` (the caller's registry of judges to kill on Ctrl-C).

        Raises ForkUnsafe (use a fresh judge) or OSError/EOFError (the template is gone)."""
        self.wait_ready()
        wire.send(self.fd_out, {"op": "fork", "args": args, "env": env, "output": str(output),
                                "memory_mb": memory_mb, "wall_limit": timeout + 30, "cwd": str(paths.ROOT),
                                "worker": bool(worker), "next_worker": next_worker})
        reply = wire.receive(self.fd_in, time.monotonic() + 60)
        if reply.get("op") == "refused":
            raise ForkUnsafe(str(reply.get("reason")))
        pid = int(reply["pid"])
        running = running if running is not None else set()
        running.add(pid)
        try:
            try:
                reply = self._exit_of(pid, time.monotonic() + timeout)
                return reply.get("code")
            except TimeoutError:
                _kill_group(pid)
                self._exit_of(pid, time.monotonic() + 60)
                return None
        finally:
            running.discard(pid)

    def _exit_of(self, pid: int, deadline: float) -> dict:
        while True:
            reply = wire.receive(self.fd_in, deadline)
            if reply.get("op") == "exited" and reply.get("pid") == pid:
                return reply

    def close(self) -> None:
        for fd in (self.fd_out, self.fd_in):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _kill_group(self.process.pid)
            self.process.wait()
        self.scope.close()


_IDLE: dict[tuple, list[WarmJudge]] = {}  # templates not in use, by (libraries, environment)
_ALL: list[WarmJudge] = []
_LOCK = threading.Lock()


def acquire(slug: str, env: dict) -> WarmJudge:
    """An idle template for ``slug``'s libraries and this environment, or a new one. One grading at a
    time uses a template; give it back with ``release``. Templates outlive the thread that started them
    (runner.grade runs each call in new threads) and end with this process."""
    libraries = judge_libraries(slug)
    key = (tuple(libraries), json.dumps(env, sort_keys=True))
    with _LOCK:
        idle = _IDLE.setdefault(key, [])
        while idle:
            judge = idle.pop()
            if judge.process.poll() is None:
                return judge
            _ALL.remove(judge)
            judge.close()  # a template that died: its run folder and cgroup go with it
        if not _ALL:
            import atexit
            atexit.register(close_all)
        judge = WarmJudge(libraries, env)
        judge.key = key
        _ALL.append(judge)
        return judge


def release(judge: WarmJudge) -> None:
    with _LOCK:
        if judge in _ALL:
            _IDLE.setdefault(judge.key, []).append(judge)


def forget(judge: WarmJudge) -> None:
    with _LOCK:
        if judge in _ALL:
            _ALL.remove(judge)
    judge.close()


def close_all() -> None:
    with _LOCK:
        judges = list(_ALL)
        _ALL.clear()
        _IDLE.clear()
    for judge in judges:
        judge.close()


if __name__ == "__main__":
    main()
