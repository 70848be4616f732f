"""Grade exercises: run their suites in a pytest subprocess and build Results.

One subprocess per exercise keeps a crash, a hang or leaked state in learner
code from touching the grader or the next exercise. The plugin streams one JSON
line per test, so a run killed at its time limit still keeps finished tests;
tests that never reported get the status of what stopped the run.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable

from . import manifest, paths, sandbox, settings, submissions
from .errors import SubmissionMissing
from .i18n import _
from .manifest import Exercise
from .results import ExerciseResult, Results, Status, TestResult


@dataclass(frozen=True)
class RunOptions:
    visible: bool = True
    hidden: bool = True
    secure: bool = False
    banned_check: bool = True
    timeout_scale: float = 1.0  # multiplies the manifest's time limits
    hide: tuple[str, ...] = ()  # extra folders the sandbox hides (other students' submissions)
    marker: str | None = None  # run only tests with this marker (e.g. "convergence")
    seed: int | None = None  # seed for convergence tests (dev sweep)
    threads: int | None = None  # threads per TensorFlow / OpenMP process (None: the library's default)
    stop_after_timeout: bool = False  # practice: stop at the first test that hits its time limit
    warm: bool = False  # fork judges from a template that imported the libraries once (graders.warm)


def shared_cores(options: RunOptions, workers: int) -> RunOptions:
    """With several runs at once, each TensorFlow / OpenMP process gets its share of the cores."""
    if workers > 1 and options.threads is None:
        return replace(options, threads=max(1, (os.cpu_count() or 2) // workers))
    return options


def subprocess_env(extra: dict | None = None, threads: int | None = None) -> dict:
    env = dict(os.environ)
    if threads is not None:
        env[settings.WORKER_THREADS] = str(threads)
    env["PYTHONPATH"] = os.pathsep.join([str(paths.ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["COLUMNS"] = "120"  # the judge's output tail reads the same on every terminal and CI runner
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # conftest.py loads graders.plugin; third-party plugins cost seconds
    env.setdefault("OPENBLAS_NUM_THREADS", "1")  # small matrix products are slower multi-threaded under load
    if settings.WORKER_THREADS in env:  # several runs at once: share the cores instead of oversubscribing them
        for name in ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS"):
            env.setdefault(name, env[settings.WORKER_THREADS])
        env.setdefault("TF_NUM_INTEROP_THREADS", "1")
    env.update(extra or {})
    return env


def pytest_command(exercise: Exercise, target: Path, results_file: Path, options: RunOptions) -> list[str]:
    suites = []
    if options.visible:
        suites.append(str(paths.visible_tests(exercise.slug)))
    if options.hidden:
        suites.append(str(paths.hidden_tests(exercise.slug)))
    command = [sys.executable, "-m", "pytest", *suites, "-q", "--tb=no", "-rN", "--no-header", "-p", "no:cacheprovider",
               "--rootdir", str(paths.ROOT), "-o", "addopts=--import-mode=importlib",
               "--grader-target", str(target), "--grader-mode", "secure" if options.secure else "local",
               "--grader-results", str(results_file),
               "--grader-test-timeout", str(exercise.test_timeout * options.timeout_scale)]
    if options.marker:
        command += ["-m", options.marker]
    if options.seed is not None:
        command += ["--grader-seed", str(options.seed)]
    for folder in options.hide:
        command += ["--grader-hide", str(folder)]
    if options.banned_check and exercise.banned:
        command.append("--grader-banned-check")
    if options.stop_after_timeout:
        command.append("--grader-stop-after-timeout")
    return command


def judge_memory_mb(exercise: Exercise) -> int:
    """The judge's own address-space limit: room for TensorFlow where the track uses it."""
    from .limits import limits_for
    return 2 * limits_for(exercise).memory_mb + 4096


def _limit_judge(memory_mb: int | None) -> Callable[[], None]:
    def apply() -> None:
        import ctypes
        import resource
        if memory_mb is not None:
            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:  # the judge dies with the process that started it (a Dask worker killed mid-batch)
            ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
        except Exception:  # noqa: BLE001 - best effort
            pass
    return apply


RUNNING: set[int] = set()  # process groups of the judges running now


def stop_running() -> None:
    """Kill every judge still running (Ctrl-C: the learner gets the prompt back at once)."""
    for pid in list(RUNNING):
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def run_with_limit(command: list[str], timeout: float, env: dict,
                   memory_mb: int | None = None) -> tuple[int | None, str]:
    """Run ``command`` in its own process group; kill the whole group at the limit.

    Returns (exit code or None when killed, the tail of its output)."""
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, cwd=paths.ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True,
                                   preexec_fn=_limit_judge(memory_mb))
        RUNNING.add(process.pid)
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            RUNNING.discard(process.pid)
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait()
        output.seek(0)
        tail = output.read()[-4000:].decode("utf-8", "replace")
    return code, tail


def run_warm(exercise: Exercise, command: list[str], env: dict, limit: float, output: Path,
             options: RunOptions) -> tuple[int | None, str]:
    """Like run_with_limit, in a judge forked from an idle warm template for this exercise's libraries
    (a fresh judge when the template cannot fork or has died)."""
    from . import warm, wire
    judge = warm.acquire(exercise.slug, subprocess_env(None, options.threads))
    pooled = options.secure and sandbox.namespaces_available()
    spec = {"slug": exercise.slug, "hide": list(options.hide)} if pooled else None
    try:
        code = judge.run(command[3:], env, output, limit, judge_memory_mb(exercise), worker=pooled, next_worker=spec,
                         running=RUNNING)
    except (warm.ForkUnsafe, OSError, EOFError, TimeoutError, wire.WireError):  # grade afresh
        warm.forget(judge)
        Path(command[command.index("--grader-results") + 1]).unlink(missing_ok=True)
        return run_with_limit(command, limit, env, judge_memory_mb(exercise))
    warm.release(judge)
    try:
        tail = output.read_bytes()[-4000:].decode("utf-8", "replace")
    except OSError:
        tail = ""
    return code, tail


def read_events(results_file: Path) -> list[dict]:
    events = []
    if results_file.exists():
        for line in results_file.read_text(encoding="utf-8").splitlines():
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError:
                break  # a line cut short by a kill
    return events


def build_result(exercise: Exercise, events: list[dict], code: int | None, limit: float,
                 secure: bool = False, output_tail: str = "") -> ExerciseResult:
    """Turn the plugin's event stream into an ExerciseResult with scaled points."""
    collected = next((e["tests"] for e in events if e["event"] == "collected"), None)
    finished = {e["nodeid"]: e for e in events if e["event"] == "result"}
    collection_errors = [e for e in events if e["event"] == "collection_error"]
    stopped = next((e for e in events if e["event"] == "stopped"), None)
    metrics: dict[str, dict[str, float]] = {}
    for event in events:
        if event["event"] == "metric" and isinstance(event.get("value"), (int, float)):
            metrics.setdefault(event.get("nodeid", ""), {})[str(event.get("name"))] = float(event["value"])
    series: dict[str, dict[str, list[float]]] = {}
    for event in events:
        if event["event"] == "series" and isinstance(event.get("values"), list):
            series.setdefault(event.get("nodeid", ""), {})[str(event.get("name"))] = [
                float(v) if isinstance(v, (int, float)) else None for v in event["values"]]  # None: a gap
    detail = "\n".join(f"{e.get('nodeid')}: {e.get('message')}" for e in collection_errors)
    result = ExerciseResult(exercise.slug, float(exercise.points), detail=(detail + "\n" + output_tail).strip())
    if collection_errors or not collected:
        result.error = Status.TIMEOUT if code is None else Status.ERROR
        result.message = (_("the grader could not load this exercise's tests - ask your instructor")
                          if collection_errors else
                          _("grading stopped before any test ran ({reason})").format(
                              reason=_("time limit") if code is None else _("exit code {code}").format(code=code)))
        return result
    total = sum(t["points"] for t in collected) or 1.0  # the banned-calls gate weighs 0
    for test in collected:
        share = exercise.points * test["points"] / total
        event = finished.get(test["nodeid"])
        if event is None:
            status = Status.TIMEOUT if code is None or stopped else Status.CRASH
            message = (_("not run: {reason}; fix that first (an infinite loop?)").format(reason=stopped["reason"])
                       if stopped else
                       _("not run: grading this exercise hit its {limit:g} s limit").format(limit=limit)
                       if code is None else _("not run: the test process died (crash, os._exit or a fatal signal)"))
            result.tests.append(TestResult(test["name"], status, share, test["visibility"], message,
                                           id=test["nodeid"], weight=test["points"],
                                           probes=test.get("probes", ""), topic=test.get("topic", "")))
        else:
            result.tests.append(TestResult(test["name"], Status(event["status"]), share, test["visibility"],
                                           event["message"], event["duration"], id=test["nodeid"],
                                           weight=test["points"], metrics=metrics.get(test["nodeid"], {}),
                                           probes=test.get("probes", ""), topic=test.get("topic", ""),
                                           series=series.get(test["nodeid"], {}), output=str(event.get("output", ""))))
    apply_banned_gate(result)
    return result


BANNED_CHECK_PREFIX = "no_banned_calls"


def apply_banned_gate(result: ExerciseResult) -> None:
    """A banned import or call found statically voids the exercise, in both modes alike (secure mode
    also stops it at run time, but only what runs can be stopped)."""
    if any(t.name.startswith(BANNED_CHECK_PREFIX) and t.status is Status.BANNED for t in result.tests):
        for test in result.tests:
            if test.status is Status.PASS:
                test.status = Status.BANNED
                test.message = _("scored 0: this submission uses a library the exercise bans (see no_banned_calls)")


def grade_exercise(exercise: Exercise, target: Path, options: RunOptions = RunOptions()) -> ExerciseResult:
    return grade_exercise_with_events(exercise, target, options)[0]


def grade_exercise_with_events(exercise: Exercise, target: Path,
                               options: RunOptions = RunOptions()) -> tuple[ExerciseResult, list[dict]]:
    """Like grade_exercise, also returning the plugin's raw events (metrics for sweeps)."""
    start = time.perf_counter()
    try:
        learner_file = submissions.find_submission(target, exercise.slug)
    except SubmissionMissing as exc:
        return ExerciseResult(exercise.slug, float(exercise.points), error=Status.MISSING, message=str(exc)), []
    limit = exercise.timeout * options.timeout_scale
    with tempfile.TemporaryDirectory(prefix="grade-") as scratch, sandbox.RunScope() as scope:
        results_file = Path(scratch) / "events.jsonl"
        command = [*pytest_command(exercise, target, results_file, options), "--grader-learner-file", str(learner_file)]
        env = subprocess_env(scope.env(), options.threads)
        if options.warm:
            code, tail = run_warm(exercise, command, env, limit, Path(scratch) / "output.txt", options)
        else:
            code, tail = run_with_limit(command, limit, env, judge_memory_mb(exercise))
        events = read_events(results_file)
        result = build_result(exercise, events, code, limit, options.secure, tail[-2000:] if code else "")
    result.duration = time.perf_counter() - start
    return result, events


def grade(slugs: Iterable[str] | None, target: Path, options: RunOptions = RunOptions(), workers: int = 1,
          on_result: Callable[[ExerciseResult], None] | None = None) -> Results:
    """Grade several exercises (all by default), ``workers`` at a time, in manifest order."""
    exercises = [manifest.get(s) for s in slugs] if slugs else list(manifest.load())
    target = Path(target).resolve()
    options = shared_cores(options, workers)

    from .jobs import Job, LocalExecutor

    done: dict[str, ExerciseResult] = {}

    def finished(job: Job, result: ExerciseResult) -> None:  # on this thread, as each one ends
        done[result.slug] = result
        if on_result:
            on_result(result)

    try:
        LocalExecutor(workers).run([Job(e.slug, grade_exercise, (e, target, options)) for e in exercises], finished)
    except KeyboardInterrupt:
        stop_running()
        raise
    return Results([done[e.slug] for e in exercises], run_metadata(target, options))


def run_metadata(target: Path, options: RunOptions, submission: str | None = None) -> dict:
    """What a Results was produced by: mode, kit version and commit, time, submission."""
    import datetime

    from . import __version__
    commit = ""
    try:
        commit = subprocess.run(["git", "-C", str(paths.ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        pass
    return {"mode": "secure" if options.secure else "local", "kit_version": __version__, "kit_commit": commit,
            "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "submission": submission or paths.relative(target)}
