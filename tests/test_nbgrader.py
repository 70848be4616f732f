"""nbgrader, for real: the course written by `export nbgrader` goes through nbgrader's own CLI
(generate_assignment, autograde) and gradebook. The source notebook, submitted as one student, must
get full marks; the released stub, submitted as another, 0; both as `grade.py grade` scores the same
code. And the reverse: `batch` grades nbgrader's submitted/ tree with the kit's secure judge.

One numpy and one TensorFlow exercise run by default; every exercise with --run-slow -m slow.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from graders import ipynb, manifest, notebook, runner
from graders.cli import main

ASSIGNMENT = "ml-interview"
DEFAULT = ["activations", "cnn_classifier"]
OTHERS = [s for s in manifest.slugs() if s not in DEFAULT]


def nbgrader(course: Path, *args: str) -> None:
    done = subprocess.run(["nbgrader", *args], cwd=course, capture_output=True, text=True, timeout=3600)
    assert done.returncode == 0, done.stderr[-3000:]


def autograded_course(root: Path, slugs: list[str]) -> tuple[Path, dict]:
    course = root / "course"
    result = CliRunner().invoke(main, ["export", "nbgrader", str(course), "--exercises", ",".join(slugs),
                                       "--assignment", ASSIGNMENT])
    assert result.exit_code == 0, result.output
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    for student, folder in (("solution", "source"), ("stub", "release")):
        target = course / "submitted" / student / ASSIGNMENT
        target.mkdir(parents=True)
        for slug in slugs:
            shutil.copy(course / folder / ASSIGNMENT / f"{slug}.ipynb", target)
    nbgrader(course, "autograde", ASSIGNMENT, "--create", "--force")
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in ("solution", "stub"):
            for submitted in gradebook.find_submission(ASSIGNMENT, student).notebooks:
                scores[student, submitted.name] = (submitted.score, submitted.max_score)
    return course, scores


def kit_score(course: Path, student: str, slug: str, tmp_path: Path) -> float:
    folder = tmp_path / student
    folder.mkdir(exist_ok=True)
    assert ipynb.notebooks_to_modules(course / "submitted" / student, folder) >= 1
    return runner.grade_exercise(manifest.get(slug), folder).score


def check_course(tmp_path: Path, slugs: list[str]) -> Path:
    course, scores = autograded_course(tmp_path, slugs)
    for slug in slugs:
        points = float(manifest.get(slug).points)
        assert scores["solution", slug] == (pytest.approx(points), pytest.approx(points)), slug
        assert scores["stub", slug][0] == 0, slug
        for student in ("solution", "stub"):
            assert kit_score(course, student, slug, tmp_path) == pytest.approx(scores[student, slug][0], abs=0.01)
    return course


def test_released_notebooks_hide_the_answer_and_the_hidden_tests(tmp_path):
    course = tmp_path / "course"
    CliRunner().invoke(main, ["export", "nbgrader", str(course), "--exercises", "activations"])
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    released = json.loads((course / "release" / ASSIGNMENT / "activations.ipynb").read_text(encoding="utf-8"))
    text = json.dumps(released)
    assert notebook.SOLUTION_BEGIN not in text and notebook.HIDDEN_BEGIN not in text
    answer = ipynb.answer_source(released)
    assert "raise NotImplementedError" in answer and "np.max(x, axis=axis, keepdims=True)" not in answer


def test_nbgrader_scores_equal_the_kits(tmp_path):
    course = check_course(tmp_path, DEFAULT)
    out = tmp_path / "grades"
    result = CliRunner().invoke(main, ["batch", str(course / "submitted"), "--out", str(out),
                                       "--exercises", ",".join(DEFAULT)])
    assert result.exit_code == 0, result.output
    rows = {tuple(line.split(",")[:2]): float(line.split(",")[2])
            for line in (out / "grades.csv").read_text().splitlines()[1:]}
    for slug in DEFAULT:
        assert rows["solution", slug] == pytest.approx(float(manifest.get(slug).points))
        assert rows["stub", slug] == 0


@pytest.mark.slow
def test_every_exercise_through_nbgrader(tmp_path):
    check_course(tmp_path, OTHERS)
