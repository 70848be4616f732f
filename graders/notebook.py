"""Notebooks: an nbgrader course written from the kit, and grading inside a notebook (answers are read
back out of submitted notebooks by graders.ipynb).

    python grade.py export nbgrader COURSE [--exercises a,b] [--assignment NAME]

writes COURSE/nbgrader_config.py and COURSE/source/NAME/SLUG.ipynb, one notebook per exercise:
  1. the statement (markdown);
  2. a read-only set-up cell that silences TensorFlow's and Python's warnings - nbgrader gives a
     test cell 0 points for ANY output on stderr;
  3. the answer cell (autograded answer): the stub, then the reference between ``### BEGIN
     SOLUTION`` / ``### END SOLUTION``, which nbgrader's generate_assignment replaces by a comment,
     so students get the stub;
  4. a locked test cell worth the exercise's points, holding the visible tests and, between
     ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``, the hidden suite. It runs the kit's own
     suites on the notebook's functions and ends with the points earned, which nbgrader takes as
     partial credit.
The kit must be installed where the notebooks run (``pip install -e .``): the test cell imports it.
"""
from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import sys
import tempfile
import types
from pathlib import Path

from . import manifest, paths

SCHEMA = 3
SOLUTION_BEGIN, SOLUTION_END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_STUB = "# YOUR CODE HERE: complete the functions above"
SETUP = """# Read-only: keeps TensorFlow and Python warnings off stderr (nbgrader zeroes a test cell that writes there).
import os, warnings
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
warnings.filterwarnings("ignore")"""
CONFIG = """# Written by `python grade.py export nbgrader`.
c = get_config()
c.CourseDirectory.course_id = "ml-interview-kit"
c.ClearSolutions.code_stub = dict(python={stub!r})
c.ExecutePreprocessor.timeout = {timeout}
"""


def _metadata(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
              points: float | None = None) -> dict:
    nbgrader = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA,
                "solution": solution, "task": False}
    if grade:
        nbgrader["points"] = points
    return {"nbgrader": nbgrader}


def _cell(kind: str, source: str, metadata: dict, cell_id: str) -> dict:
    cell = {"cell_type": kind, "id": cell_id, "metadata": metadata, "source": source}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def _packed(folder: Path) -> dict[str, str]:
    """Every file of a test folder, base64-encoded (test modules and the frozen files beside them)."""
    return {p.name: base64.b64encode(p.read_bytes()).decode("ascii")
            for p in sorted(folder.iterdir()) if p.is_file() and p.suffix in (".py", ".npz") and
            not p.name.startswith("make_")}


def exercise_notebook(slug: str) -> dict:
    exercise = manifest.get(slug)
    visible = {paths.visible_tests(slug).name: base64.b64encode(paths.visible_tests(slug).read_bytes()).decode()}
    hidden = _packed(paths.hidden_tests(slug))
    answer = (paths.stub_path(slug).read_text(encoding="utf-8").rstrip() + f"\n\n{SOLUTION_BEGIN}\n"
              + paths.solution_path(slug).read_text(encoding="utf-8").rstrip() + f"\n{SOLUTION_END}\n")
    tests = "\n".join([
        "# Read-only: the kit's tests for this exercise; the last line is the points earned.",
        "from graders.notebook import grade_here",
        f"VISIBLE = {visible!r}",
        "HIDDEN = {}",
        HIDDEN_BEGIN,
        f"HIDDEN = {hidden!r}",
        HIDDEN_END,
        f"grade_here({slug!r}, globals(), VISIBLE, HIDDEN)",
    ])
    cells = [
        _cell("markdown", paths.statement(slug).read_text(encoding="utf-8"), {}, f"{slug}-statement"),
        _cell("code", SETUP, _metadata(f"{slug}-setup", locked=True), f"{slug}-setup"),
        _cell("code", answer, _metadata(f"{slug}-answer", solution=True), f"{slug}-answer"),
        _cell("code", tests, _metadata(f"{slug}-tests", grade=True, locked=True, points=float(exercise.points)),
              f"{slug}-tests"),
    ]
    return {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                         "name": "python3"},
                                         "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def write_course(course: Path, slugs: list[str], assignment: str) -> list[Path]:
    """nbgrader_config.py and source/ASSIGNMENT/SLUG.ipynb for each exercise; returns the notebooks."""
    course = Path(course)
    source = course / "source" / assignment
    source.mkdir(parents=True, exist_ok=True)
    timeout = max(int(manifest.get(s).timeout) for s in slugs) + 60
    (course / "nbgrader_config.py").write_text(CONFIG.format(assignment=assignment, stub=CODE_STUB, timeout=timeout),
                                               encoding="utf-8")
    written = []
    for slug in slugs:
        path = source / f"{slug}.ipynb"
        path.write_text(json.dumps(exercise_notebook(slug), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


# ------------------------------------------------------------------ inside the notebook

@contextlib.contextmanager
def _quiet_stderr():
    """Nothing reaches stderr, Python's or the file descriptor TensorFlow's C++ logs write to."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _unpack(files: dict[str, str], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / Path(name).name).write_bytes(base64.b64decode(data))


def grade_here(slug: str, namespace: dict, visible: dict[str, str], hidden: dict[str, str]) -> float:
    """Run the exercise's suites on the functions defined in ``namespace``; print a short report on
    stdout and return the points earned (nbgrader's partial credit)."""
    import pytest

    from . import plugin, runner

    exercise = manifest.get(slug)
    module = types.ModuleType(slug)
    module.__dict__.update({k: v for k, v in namespace.items() if not k.startswith("__")})
    with tempfile.TemporaryDirectory(prefix="mlkit-notebook-") as scratch:
        root = Path(scratch)
        _unpack(visible, root / "exercises" / slug)
        if hidden:
            _unpack(hidden, root / "hidden_tests" / slug)
        events_file = root / "events.jsonl"
        arguments = [str(root / "exercises" / slug)] + ([str(root / "hidden_tests" / slug)] if hidden else [])
        arguments += ["-q", "--tb=no", "--no-header", "-p", "no:cacheprovider", "-p", "graders.plugin",
                      "--rootdir", scratch, "-o", "addopts=--import-mode=importlib", "--grader-results",
                      str(events_file), "--grader-test-timeout", str(exercise.test_timeout)]
        plugin.IN_PROCESS_LEARNERS[slug] = module
        try:
            with _quiet_stderr(), contextlib.redirect_stdout(io.StringIO()):
                pytest.main(arguments)
        finally:
            plugin.IN_PROCESS_LEARNERS.pop(slug, None)
        result = runner.build_result(exercise, runner.read_events(events_file), 0, exercise.timeout)
    suites = "visible and hidden tests" if hidden else "visible tests only (the hidden ones run when it is graded)"
    print(f"{slug}: {result.score:.2f}/{result.max_score:g} points, {suites}")
    for test in result.tests:
        if test.status.value != "pass":
            print(f"  {test.status.value:8} {test.name}{' (hidden)' if test.visibility == 'hidden' else ''}: "
                  f"{test.message[:300]}")
    return round(result.score, 4)
