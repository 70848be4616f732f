"""Issue 9, class D: hostile text, archives and replies cannot knock over the judge or the batch.

Every output must stay writable whatever a submission's messages hold; one student's failure
becomes that student's status and the batch still writes grades.csv; a worker's reply can
neither make the judge allocate gigabytes nor stall it past the per-call time limit.
"""
from __future__ import annotations

import contextlib
import csv
import json
import os
import signal
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from adversarial.attacks import ATTACKS
from graders import batch, paths, runner, secure
from graders.errors import LearnerTimeout, ProtocolViolation
from graders.results import ExerciseResult, Results, Status, TestResult

SLUG = "activations"
HOSTILE = "\ud800 [bold red]x\x1b[31m"
RAISES_HOSTILE = f"def softmax(x, axis=-1):\n    raise ValueError({HOSTILE!r})\n"

# Writes the start of a reply frame on every pipe it can write to (the protocol's is one), then stalls.
HALF_FRAME = next(a.snippet for a in ATTACKS if a.name == "half_written_frame")

# Replaces the worker's encoder so that softmax's reply is a 1-character string in a 1 GB dtype.
DECODER_BOMB = """
def softmax(x, axis=-1):
    import sys
    for module in list(sys.modules.values()):
        if "MAX_MESSAGE" in getattr(module, "__dict__", {}) and "encode" in module.__dict__:
            module.encode = lambda value, *args, **kwargs: {"__np__": ["<U250000000", "a"]}
    return x
"""


def submission(folder: Path, snippet: str) -> Path:
    """The reference solution with ``snippet`` appended, as ``folder/activations.py``."""
    folder.mkdir(parents=True, exist_ok=True)
    source = paths.solution_path(SLUG).read_text(encoding="utf-8")
    (folder / f"{SLUG}.py").write_text(source + "\n\n" + snippet, encoding="utf-8")
    return folder


@contextlib.contextmanager
def deadline(seconds: int):
    """Fail instead of hanging when the code under test blocks (as it did before the fix)."""
    def on_alarm(signum, frame):
        raise AssertionError(f"blocked for more than {seconds} s")
    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def encrypted_zip(path: Path) -> Path:
    """A zip whose only member is flagged as encrypted."""
    import io
    import struct
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{SLUG}.py", paths.solution_path(SLUG).read_text(encoding="utf-8"))
    raw = bytearray(buffer.getvalue())
    struct.pack_into("<H", raw, raw.find(b"PK\x03\x04") + 6, 0x1)
    struct.pack_into("<H", raw, raw.find(b"PK\x01\x02") + 8, 0x1)
    path.write_bytes(bytes(raw))
    return path


# ------------------------------------------------------------------ the batch, with grading stubbed

@pytest.fixture
def quick_grading(monkeypatch):
    """Grading that takes no time: a student whose name holds 'boom' makes the grader raise."""
    def grade_exercise(exercise, target, options=runner.RunOptions()):
        if "boom" in str(target):
            raise RuntimeError("the grader tripped over this submission")
        return ExerciseResult(exercise.slug, float(exercise.points),
                              [TestResult("t", Status.FAIL, float(exercise.points), "visible", "wrong")])
    monkeypatch.setattr(runner, "grade_exercise", grade_exercise)


def read_grades(out: Path) -> dict[str, str]:
    with (out / "grades.csv").open(encoding="utf-8") as fh:
        return {row["student"]: row["status"] for row in csv.DictReader(fh)}


def test_one_student_s_failure_is_that_student_s_status(tmp_path, quick_grading):
    folder = tmp_path / "submissions"
    submission(folder / "alice", "")
    submission(folder / "boom", "")
    encrypted_zip(folder / "carol.zip")
    (folder / "dave.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 40)  # a zip that is not one
    graded = batch.run_batch(folder, tmp_path / "out", [SLUG], workers=2, secure=False)
    assert read_grades(tmp_path / "out") == {"alice": "fail", "boom": "crash", "carol": "refused", "dave": "refused"}
    assert "password" in graded["carol"].exercises[0].message
    assert "RuntimeError" in graded["boom"].exercises[0].message
    for student in graded:
        json.loads((tmp_path / "out" / student / "results.json").read_text(encoding="utf-8"))


def test_a_student_name_that_is_not_utf8_still_gets_a_row(tmp_path, quick_grading):
    folder = tmp_path / "submissions"
    submission(folder / "alice", "")
    os.mkdir(os.fsencode(folder) + b"/b\xffb")
    (Path(os.fsdecode(os.fsencode(folder) + b"/b\xffb")) / f"{SLUG}.py").write_text("x = 1")
    batch.run_batch(folder, tmp_path / "out", [SLUG], workers=1, secure=False)
    assert read_grades(tmp_path / "out") == {"alice": "fail", "b\ufffdb": "fail"}


@pytest.mark.parametrize("content", [
    b"[]", b'{"exercises": [1]}', b'{"exercises": [{"slug": "activations", "max_score": "ten", "status": "pass"}]}',
    b'{"exercises": [{"slug": "activations", "max_score": 10, "status": "pass", "tests": {"a": 1}}]}',
    b"\xff\xfe not utf-8", b'{"exercises": [{"slug": "activations", "max_score": 10, "status": ["pass"]}]}',
], ids=["list", "int_entry", "str_score", "dict_tests", "not_utf8", "list_status"])
def test_resuming_survives_a_bad_results_file(tmp_path, quick_grading, content):
    folder = tmp_path / "submissions"
    submission(folder / "alice", "")
    (tmp_path / "out" / "alice").mkdir(parents=True)
    (tmp_path / "out" / "alice" / "results.json").write_bytes(content)
    graded = batch.run_batch(folder, tmp_path / "out", [SLUG], workers=1, secure=False)
    assert graded["alice"].exercises[0].status is Status.FAIL  # graded again
    assert read_grades(tmp_path / "out") == {"alice": "fail"}


def test_grades_csv_is_written_even_when_the_batch_is_interrupted(tmp_path, quick_grading):
    folder = tmp_path / "submissions"
    for name in ("alice", "bob"):
        submission(folder / name, "")

    def on_done(student, results, resumed):
        if student == "bob":
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        batch.run_batch(folder, tmp_path / "out", [SLUG], workers=1, secure=False, on_done=on_done)
    assert read_grades(tmp_path / "out") == {"alice": "fail", "bob": "fail"}


# ------------------------------------------------------------------ the judge against a hostile worker

def test_a_half_written_reply_times_out_the_call(tmp_path):
    folder = submission(tmp_path / "half", HALF_FRAME)
    module = secure.RemoteModule(folder / f"{SLUG}.py", SLUG, call_timeout=2)
    try:
        with deadline(60):
            start = time.monotonic()
            with pytest.raises(LearnerTimeout, match="took longer than 2 s"):
                module.softmax(np.zeros(3))
            assert time.monotonic() - start < 15
            assert module.sigmoid(np.zeros(2)).tolist() == [0.5, 0.5]  # a fresh worker serves the next call
    finally:
        module.close()


def test_a_decoder_bomb_is_a_protocol_violation_without_the_allocation(tmp_path):
    folder = submission(tmp_path / "bomb", DECODER_BOMB)
    module = secure.RemoteModule(folder / f"{SLUG}.py", SLUG, call_timeout=30)
    tracemalloc.start()
    try:
        with pytest.raises(ProtocolViolation):
            module.softmax(np.zeros(3))
        _, peak = tracemalloc.get_traced_memory()
        assert peak < 50_000_000
        assert module.sigmoid(np.zeros(2)).tolist() == [0.5, 0.5]
    finally:
        tracemalloc.stop()
        module.close()


# ------------------------------------------------------------------ end to end, through the command line

def grade_py(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(paths.ROOT / "grade.py"), *args], capture_output=True,
                          timeout=timeout, cwd=paths.ROOT, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def assert_clean(text: str) -> None:
    assert "\x1b[31m" not in text and "\ud800" not in text and "\\ud800" not in text


@pytest.mark.parametrize("mode", ["--local", "--secure"])
def test_grade_json_survives_a_hostile_exception_message(tmp_path, mode):
    folder = submission(tmp_path / "hostile", RAISES_HOSTILE)
    done = grade_py("grade", SLUG, "--target", str(folder), "--json", mode)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    data = json.loads(done.stdout.decode("utf-8"))
    messages = [t["message"] for t in data["exercises"][0]["tests"] if "softmax" in t["name"]]
    assert messages and all("ValueError: \ufffd [bold red]x" in m for m in messages)
    assert_clean(done.stdout.decode("utf-8"))
    shown = grade_py("grade", SLUG, "--target", str(folder), mode)  # the terminal report
    assert shown.returncode == 0 and "[bold red]x" in shown.stdout.decode("utf-8")
    assert_clean(shown.stdout.decode("utf-8"))


def test_a_batch_with_hostile_submissions_completes(tmp_path):
    folder = tmp_path / "submissions"
    submission(folder / "hostile", RAISES_HOSTILE)
    submission(folder / "honest", "")
    encrypted_zip(folder / "locked.zip")
    out = tmp_path / "out"
    done = grade_py("batch", str(folder), "--out", str(out), "--exercises", SLUG, "--workers", "2")
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert read_grades(out) == {"hostile": "partial", "honest": "pass", "locked": "refused"}
    for student in ("hostile", "honest", "locked"):
        data = json.loads((out / student / "results.json").read_text(encoding="utf-8"))
        assert_clean(json.dumps(data, ensure_ascii=False))
    assert_clean(done.stdout.decode("utf-8"))
    again = grade_py("batch", str(folder), "--out", str(out), "--exercises", SLUG)  # resumes from results.json
    assert again.returncode == 0 and "3 results.json" in again.stdout.decode("utf-8")
    assert read_grades(out) == {"hostile": "partial", "honest": "pass", "locked": "refused"}
