"""The kit's pytest plugin.

* ``learner`` / ``reference`` fixtures: the only way tests reach code (decision 1).
  The runner chooses what ``learner`` is: the module from a target folder (local
  mode) or a proxy to a sandboxed worker (secure mode, see ``graders.secure``).
* ``@pytest.mark.points(n)``: a test's weight in its exercise's score.
* A recorder that writes one JSON line per collected test and per result, so
  that a run killed half-way still tells which tests finished.
"""
from __future__ import annotations

import json
import math
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from . import banned, feedback, loader, manifest, paths
from .errors import BannedCall, GradingSignal, LearnerTimeout
from .i18n import _

_LEARNER_FILES = pytest.StashKey[dict]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("grader", "ML interview kit grader")
    group.addoption("--grader-target", default=None,
                    help="folder holding the code under test (default: exercises/)")
    group.addoption("--grader-learner-file", default=None,
                    help="the code under test's file, found by the runner (default: looked up in the target)")
    group.addoption("--grader-mode", default="local", choices=("local", "secure"),
                    help="local: import learner code here; secure: run it in a sandboxed worker")
    group.addoption("--grader-results", default=None, help="write per-test results as JSON lines here")
    group.addoption("--grader-test-timeout", type=float, default=None,
                    help="seconds one test (local) or one call (secure) may take")
    group.addoption("--grader-seed", type=int, default=None,
                    help="seed for convergence tests (`grade.py dev sweep` varies it)")
    group.addoption("--grader-hide", action="append", default=[],
                    help="secure mode: a folder the sandbox must hide (repeatable)")
    group.addoption("--grader-banned-check", action="store_true",
                    help="add a static check for the exercise's banned modules and functions")
    group.addoption("--grader-stop-after-timeout", action="store_true",
                    help="stop at the first test that hits its time limit (practice: an infinite loop "
                         "would otherwise cost every remaining test its limit)")


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_LEARNER_FILES] = {}
    config.addinivalue_line("markers", "points(n): weight of a test in its exercise's score (default 1)")
    config.addinivalue_line("markers", "convergence: a training test whose threshold comes from a seed sweep")
    config.addinivalue_line("markers", "clause(*ids, probes='', topic=''): the statement's Contract clauses this "
                                       "test enforces, the mistake it probes in one learner-facing line, and "
                                       "its topic (graders/topics.py)")
    path = config.getoption("--grader-results", default=None)
    if path:
        config.pluginmanager.register(Recorder(Path(path)), "grader-recorder")


# --------------------------------------------------------------------------- fixtures

def slug_of(test_path: Path) -> str:
    """exercises/SLUG/test_SLUG.py and hidden_tests/SLUG/... both name SLUG."""
    return Path(test_path).resolve().parent.name


def _target(config: pytest.Config) -> Path:
    option = config.getoption("--grader-target")
    return Path(option).resolve() if option else paths.EXERCISES


def learner_file(config: pytest.Config, slug: str) -> Path:
    """The file under test: the one the runner found and handed over, else found in the target."""
    given = config.getoption("--grader-learner-file")
    return Path(given) if given else loader.find_submission(_target(config), slug)


@pytest.fixture(scope="module")
def slug(request: pytest.FixtureRequest) -> str:
    return slug_of(request.path)


IN_PROCESS_LEARNERS: dict = {}  # slug -> module object, set by graders.notebook when grading inside a notebook


@pytest.fixture(scope="module")
def learner(request: pytest.FixtureRequest, slug: str):
    """The code under test: a module (local mode) or a proxy to it (secure mode)."""
    config = request.config
    os.environ["KIT_DATA_DIR"] = str(paths.data_dir(slug))  # the exercise's assets, wherever the submission is
    if slug in IN_PROCESS_LEARNERS:
        yield IN_PROCESS_LEARNERS[slug]
        return
    path = learner_file(config, slug)
    config.stash[_LEARNER_FILES][slug] = path.resolve()
    if config.getoption("--grader-mode") == "secure":
        from .secure import RemoteModule  # imported only in secure mode

        hide = [str(_target(config)), *config.getoption("--grader-hide")]
        remote = RemoteModule(path, slug, call_timeout=config.getoption("--grader-test-timeout"), hide_also=hide)
        yield remote
        remote.close()
        return
    yield loader.load_module(path, f"learner_{slug}")


@pytest.fixture(scope="module")
def reference(slug: str):
    """The trusted reference solution, always imported in this process."""
    return loader.load_module(paths.solution_path(slug), f"reference_{slug}")


@pytest.fixture(scope="module")
def data_dir(slug: str) -> Path:
    """The exercise's read-only assets (exercises/SLUG/data)."""
    return paths.data_dir(slug)


@pytest.fixture(scope="module")
def keras():
    """Keras, for hidden suites that build judge models or compute expected values with it (imported
    only when a test asks for it)."""
    import keras as keras_module

    return keras_module


@pytest.fixture
def train_seed(request: pytest.FixtureRequest) -> int:
    """The seed a convergence test trains with: its own default, or the sweep's.

    Use as ``seed = train_seed`` and pass it everywhere (data, model, learner call);
    the fixture also seeds Python, numpy and (if already imported) Keras.
    """
    seed = request.config.getoption("--grader-seed")
    marker = request.node.get_closest_marker("convergence")
    if seed is None:
        seed = int(marker.kwargs.get("seed", 0)) if marker else 0
    import random

    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(seed)
    return seed


@pytest.fixture
def record_metric(request: pytest.FixtureRequest):
    """record_metric(name, value, threshold, higher_is_better=True): a figure for `dev sweep`."""
    def record(name: str, value: float, threshold: float, higher_is_better: bool = True) -> None:
        recorder = request.config.pluginmanager.get_plugin("grader-recorder")
        if recorder is not None:
            recorder.write_event({"event": "metric", "nodeid": request.node.nodeid, "name": name,
                                  "value": float(value), "threshold": float(threshold),
                                  "higher_is_better": bool(higher_is_better)})
    return record


SERIES_LIMIT = 500  # points kept of one series (longer ones are thinned evenly)


@pytest.fixture
def record_series(request: pytest.FixtureRequest):
    """record_series(name, values): a curve (losses per epoch, returns per episode) for reports."""
    def record(name: str, values) -> None:
        recorder = request.config.pluginmanager.get_plugin("grader-recorder")
        points = [float(v) for v in values]
        if len(points) > SERIES_LIMIT:
            step = len(points) / SERIES_LIMIT
            points = [points[int(i * step)] for i in range(SERIES_LIMIT)]
        if recorder is not None:
            recorder.write_event({"event": "series", "nodeid": request.node.nodeid, "name": name, "values": points})
    return record


def record_history(record_series, history) -> None:
    """Hand the curves of a Keras History (loss; accuracy and validation curves where fit kept them) to the
    report: a report aid that never fails the test or changes its outcome."""
    try:
        for name in ("loss", "val_loss", "accuracy", "val_accuracy"):
            if name in history.history:
                record_series(name, [float(v) for v in history.history[name]])
    except Exception:  # noqa: BLE001 - whatever the History holds, the test's own checks decide
        pass


# --------------------------------------------------------------------------- banned-call check

class BannedCallsItem(pytest.Item):
    """A synthetic test: the submission must not use the exercise's banned libraries."""

    def __init__(self, *, slug: str, **kwargs):
        super().__init__(**kwargs)
        self.slug = slug
        self.add_marker(pytest.mark.points(0))  # a gate, not a source of points (see runner)

    def runtest(self) -> None:
        exercise = manifest.get(self.slug)
        path = learner_file(self.config, self.slug)
        found = banned.find_banned(path.read_text(encoding="utf-8", errors="replace"), exercise.banned)
        if found:
            raise BannedCall(banned.explain(found, path, self.slug))

    def reportinfo(self):
        return self.path, None, f"no banned calls in {self.slug}.py"

    def repr_failure(self, excinfo, style=None):
        return str(excinfo.value)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list) -> None:
    if not config.getoption("--grader-banned-check"):
        return
    seen = []
    for item in items:
        slug = slug_of(item.path)
        if slug not in seen:
            seen.append(slug)
    for slug in seen:
        try:
            exercise = manifest.get(slug)
        except KeyError:
            continue
        if exercise.banned:
            items.append(BannedCallsItem.from_parent(session, name=f"no_banned_calls[{slug}]", slug=slug))


# --------------------------------------------------------------------------- per-test timeout (local mode)

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    seconds = item.config.getoption("--grader-test-timeout")
    use_alarm = bool(seconds) and item.config.getoption("--grader-mode") == "local" and hasattr(signal, "setitimer")
    if use_alarm:
        def on_alarm(signum, frame):
            raise LearnerTimeout(_("took longer than {seconds:g} s - look for an infinite loop or a slow "
                                   "Python loop that numpy could vectorise").format(seconds=seconds))
        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


# --------------------------------------------------------------------------- messages

def short_message(item: pytest.Item, excinfo: pytest.ExceptionInfo) -> tuple[str, str]:
    """(status, learner-facing message) for a failed phase. Never shows test source."""
    exc = excinfo.value
    if isinstance(exc, GradingSignal):
        if exc.status == "error":  # the submission failed to import: its own code raised
            return exc.status, feedback.with_advice(str(exc), str(exc), slug_of(item.path))
        return exc.status, str(exc)
    if isinstance(exc, AssertionError):
        text = str(exc).split("\nassert ")[0].strip()
        if not text or text.startswith("assert "):
            text = "an assertion failed" if visibility_of(item) == "hidden" else text or "assertion failed"
        return "fail", text
    if isinstance(exc, pytest.fail.Exception):
        return "fail", str(exc)
    return "error", feedback.with_advice(learner_error(item, exc), str(exc), slug_of(item.path))


def learner_error(item: pytest.Item, exc: BaseException) -> str:
    """'Type: cleaned message (where in the learner's file)' for an exception the learner's code raised."""
    where = getattr(exc, "learner_location", None)
    if where is not None:  # secure mode: the worker said where
        return f"{type(exc).__name__}: {feedback.clean_framework_error(str(exc))}" + (f" ({where})" if where else "")
    learner_file = item.config.stash[_LEARNER_FILES].get(slug_of(item.path))
    if learner_file is not None:
        return loader.describe_exception(exc, learner_file)
    return f"{type(exc).__name__}: {feedback.clean_framework_error(str(exc))}"


def visibility_of(item: pytest.Item) -> str:
    """Hidden tests live in a hidden_tests/ folder: the kit's own, or a notebook's unpacked copy."""
    return "hidden" if paths.HIDDEN_TESTS.name in Path(item.path).resolve().parent.parent.parts[-1:] else "visible"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    report = outcome.get_result()
    if call.excinfo is not None and report.failed:
        status, message = short_message(item, call.excinfo)
        if isinstance(call.excinfo.value, MemoryError):  # as secure mode reports a worker that blew its memory
            status, message = "memory", _("ran out of memory: {error}").format(error=call.excinfo.value)[:300]
        if call.when == "setup" and status == "fail":
            status = "error"
        report.grader = (status, message[:2000])
        if status == "timeout" and item.config.getoption("--grader-stop-after-timeout"):
            item.session.shouldstop = _("{name} hit its time limit").format(name=item.name)


# --------------------------------------------------------------------------- recorder

def points_of(item: pytest.Item) -> float:
    marker = item.get_closest_marker("points")
    return float(marker.args[0]) if marker and marker.args else 1.0


def finite(value):
    """``value`` with every NaN or infinity (a diverged loss) as None: events stay strict JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def probe_of(item: pytest.Item) -> dict[str, str]:
    """What a test probes and its topic, from its clause markers (the closest that says so wins)."""
    markers = list(item.iter_markers("clause"))
    return {key: str(next((m.kwargs[key] for m in markers if m.kwargs.get(key)), ""))
            for key in ("probes", "topic")}


class Recorder:
    """Writes JSON lines: one 'collected' event, then one 'result' per test."""

    def __init__(self, path: Path):
        self.path = path
        self.path.write_text("", encoding="utf-8")
        self.pending: dict[str, dict] = {}

    def write_event(self, event: dict) -> None:
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(finite(event), allow_nan=False) + "\n")

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        tests = [{"nodeid": i.nodeid, "name": i.name, "points": points_of(i), "visibility": visibility_of(i),
                  **probe_of(i)} for i in session.items]
        self.write_event({"event": "collected", "tests": tests})

    def pytest_collectreport(self, report) -> None:
        if report.failed:
            self.write_event({"event": "collection_error", "nodeid": report.nodeid,
                         "message": str(report.longrepr).splitlines()[-1][:500] if report.longrepr else ""})

    def pytest_runtest_logstart(self, nodeid: str, location) -> None:
        self.pending[nodeid] = {"status": "pass", "message": "", "start": time.perf_counter()}

    def pytest_runtest_logreport(self, report) -> None:
        state = self.pending.setdefault(report.nodeid, {"status": "pass", "message": "", "start": time.perf_counter()})
        if report.capstdout:
            state["output"] = state.get("output", "") + report.capstdout
        if report.failed and state["status"] == "pass":
            state["status"], state["message"] = getattr(report, "grader", ("error", "the test failed"))
        elif report.skipped and state["status"] == "pass":
            state["status"], state["message"] = "fail", "skipped: " + str(report.longrepr[-1] if isinstance(report.longrepr, tuple) else "")

    def pytest_runtest_logfinish(self, nodeid: str, location) -> None:
        state = self.pending.pop(nodeid, None)
        if state is not None:
            event = {"event": "result", "nodeid": nodeid, "status": state["status"],
                     "message": state["message"], "duration": time.perf_counter() - state["start"]}
            if state["status"] != "pass" and state.get("output"):
                event["output"] = state["output"][-2000:]  # what the learner's code printed
            self.write_event(event)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        secure = sys.modules.get("graders.secure")
        if secure is not None:
            secure.close_spare_workers()
        if session.shouldstop:
            self.write_event({"event": "stopped", "reason": str(session.shouldstop)})
