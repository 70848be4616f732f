"""The learner's loop (issue 13): each fault found in a walk-through, as a test that failed before."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from graders import cli, cli_learner, manifest, paths, runner, state
from graders.results import ExerciseResult, Results, Status, TestResult

SLUG = "activations"


@pytest.fixture(autouse=True)
def private_state(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "STATE_FILE", tmp_path / "state.json")
    monkeypatch.setattr(paths, "LAST_RESULTS", tmp_path / "last.json")
    monkeypatch.setenv("MLKIT_HOME", str(tmp_path / "home"))


def run(*args: str, width: int = 80):
    return CliRunner(env={"COLUMNS": str(width)}).invoke(cli.main, list(args), catch_exceptions=False)


def submission(tmp_path: Path, text: str, slug: str = SLUG) -> Path:
    folder = tmp_path / "submission"
    folder.mkdir(exist_ok=True)
    (folder / f"{slug}.py").write_text(text, encoding="utf-8")
    return folder


def grade_py(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(paths.ROOT / "grade.py"), *args], cwd=paths.ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)


# ------------------------------------------------------------------ the first command is cheap and fits a screen

def test_bare_grade_grades_only_the_current_exercise():
    result = run("grade")
    assert result.exit_code == 0
    assert "activations" in result.stdout and "losses" not in result.stdout
    assert len(result.stdout.splitlines()) < 60  # was 3,400 lines for all 34 exercises


def test_grade_all_prints_one_line_per_exercise(monkeypatch):
    fake = Results([ExerciseResult(s, 10.0, [TestResult("t", Status.FAIL, 10.0)]) for s in manifest.slugs()])
    monkeypatch.setattr(runner, "grade", lambda *a, **k: fake)
    lines = run("grade", "--all").stdout.splitlines()
    assert len(lines) <= len(manifest.slugs()) + 3
    assert "Details of one: python grade.py grade activations" in lines[-1]


def test_a_passing_grade_points_to_the_next_exercise(monkeypatch):
    passed = Results([ExerciseResult(SLUG, 10.0, [TestResult("t", Status.PASS, 10.0)])])
    monkeypatch.setattr(runner, "grade", lambda *a, **k: passed)
    assert "Next: python grade.py show losses" in run("grade", SLUG).stdout


# ------------------------------------------------------------------ list, next, slugs

def test_list_keeps_slugs_whole_at_80_columns_with_numbers_scores_and_progress():
    state.record(Results([ExerciseResult("losses", 10.0, [TestResult("t", Status.PASS, 10.0)])]), "grade")
    out = run("list").stdout
    for slug in manifest.slugs():
        assert slug in out  # was "activati…"
    assert "10/10" in out and f"Progress: 1/{len(manifest.slugs())} solved" in out and " 2 │ losses" in out


def test_list_filters_by_track_and_difficulty():
    out = run("list", "--track", "reinforcement-learning", "--difficulty", "hard").stdout
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert len(rows) == 1 and "reinforce" in rows[0]


def test_next_names_the_first_unsolved_exercise():
    state.record(Results([ExerciseResult(SLUG, 10.0, [TestResult("t", Status.PASS, 10.0)])]), "grade")
    assert "Next: #2 losses" in run("next").stdout


def test_numbers_and_near_misses_name_exercises():
    assert "Confusion matrix" in run("show", "#3").stdout and "Confusion matrix" in run("show", "3").stdout
    result = CliRunner().invoke(cli.main, ["show", "actvations"])
    assert result.exit_code == 2 and "did you mean activations" in result.output


# ------------------------------------------------------------------ failures, compact and whole

def test_a_syntax_error_is_one_banner_not_one_row_per_test(tmp_path):
    folder = submission(tmp_path, "def sigmoid(x)\n    return x\n")
    out = run("grade", SLUG, "--target", str(folder)).stdout
    assert out.count("SyntaxError") == 1 and "in 36 checks" in out


def test_parametrised_test_names_are_never_cut(tmp_path):
    folder = submission(tmp_path, paths.solution_path(SLUG).read_text().replace("np.tanh(x)", "x"))
    out = run("grade", SLUG, "--target", str(folder), width=80).stdout.replace("\n", "")
    assert "test_matches_reference_on_random_inputs[tanh]" in out


def test_check_of_a_deleted_file_says_how_to_restore_it(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "EXERCISES", tmp_path)
    result = CliRunner().invoke(cli.main, ["check", SLUG])
    assert result.exit_code == 1 and "is missing: restore the stub with `python grade.py reset activations`" in result.output


# ------------------------------------------------------------------ one rule in both modes

@pytest.mark.parametrize("mode", ["--local", "--secure"])
def test_a_non_utf8_file_scores_the_same_in_both_modes(tmp_path, mode):
    folder = submission(tmp_path, "")
    (folder / f"{SLUG}.py").write_bytes(b"# caf\xe9\n" + paths.solution_path(SLUG).read_bytes())
    result = run("grade", SLUG, "--target", str(folder), mode)
    assert "10.0/10 points" in result.stdout  # as Python's own import reads it


@pytest.mark.parametrize("mode", ["--local", "--secure"])
def test_a_memory_blow_up_is_memory_in_both_modes(tmp_path, mode):
    bomb = "import numpy as np\n\ndef mse(y, p):\n    return np.ones((10**6, 10**6))\n"
    folder = submission(tmp_path, bomb, "losses")
    out = run("grade", "losses", "--target", str(folder), mode).stdout
    assert "memory ran out of memory" in " ".join(out.split())


# ------------------------------------------------------------------ practice runs: time, prints, flags

LOOPING = "def sigmoid(x):\n    print('debug: sigmoid called')\n    return x\n\ndef relu(x):\n    while True:\n        pass\n"


def test_an_infinite_loop_stops_the_practice_run_and_shows_the_learners_prints(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "EXERCISES", tmp_path)
    (tmp_path / SLUG).mkdir()
    (tmp_path / SLUG / f"{SLUG}.py").write_text(LOOPING)
    monkeypatch.setattr(paths, "visible_tests", lambda slug: paths.ROOT / "exercises" / slug / f"test_{slug}.py")
    start = time.monotonic()
    out = run("check", SLUG).stdout
    elapsed = time.monotonic() - start
    limit = manifest.get(SLUG).test_timeout
    assert elapsed < 2 * limit  # was one full limit per remaining test
    assert "hit its time limit; fix that first" in " ".join(out.split())
    assert "debug: sigmoid called" in out


def test_check_passes_k_x_s_to_pytest(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(cli_learner.subprocess, "run", lambda command, **k: calls.append(command) or
                        subprocess.CompletedProcess(command, 0))
    result = CliRunner().invoke(cli.main, ["check", SLUG, "-k", "sigmoid", "-x", "-s"])
    assert result.exit_code == 0
    assert calls[0][-4:] == ["-k", "sigmoid", "-x", "-s"] and calls[0][-5].endswith("test_activations.py")


def test_ctrl_c_stops_a_hanging_check_at_once(tmp_path):
    folder = tmp_path / "exercises"
    process = grade_py("grade", SLUG, "--target", str(submission(tmp_path, "while True:\n    pass\n")),
                       start_new_session=True)
    time.sleep(4)
    start = time.monotonic()
    os.kill(process.pid, signal.SIGINT)  # what Ctrl-C sends to the foreground command
    process.wait(timeout=30)
    assert time.monotonic() - start < 5
    judges = subprocess.run(["pgrep", "-f", f"--grader-target {tmp_path}"], capture_output=True, text=True).stdout
    assert judges.strip() == ""  # the judge it started is gone too
    assert folder  # (no exercises folder was touched)


# ------------------------------------------------------------------ reset

def test_reset_defaults_to_the_current_exercise_and_forgets_its_status_and_hints(tmp_path, monkeypatch):
    repo = tmp_path / "kit"
    stub = repo / "exercises" / SLUG / f"{SLUG}.py"
    stub.parent.mkdir(parents=True)
    stub.write_text("# TODO original\n")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "x"], cwd=repo, check=True)
    monkeypatch.setattr(paths, "ROOT", repo)
    monkeypatch.setattr(paths, "EXERCISES", repo / "exercises")
    monkeypatch.setattr(paths, "BACKUPS", repo / ".grade-backups")
    state.record(Results([ExerciseResult(SLUG, 10.0, [TestResult("t", Status.FAIL, 10.0)])]), "check")
    state.next_hint_index(SLUG)
    result = CliRunner().invoke(cli.main, ["reset", "--yes"])
    assert result.exit_code == 0, result.output
    assert "already the original stub" in result.output and not (repo / ".grade-backups").exists()  # no backup of a stub
    data = state.load()
    assert SLUG not in data["exercises"] and SLUG not in data["hints"]


# ------------------------------------------------------------------ the reference, once earned

def test_the_solution_opens_only_after_the_exercise_passes_and_asks_first():
    refused = CliRunner().invoke(cli.main, ["solution", SLUG])
    assert refused.exit_code == 1 and "does not pass yet" in refused.output
    state.record(Results([ExerciseResult(SLUG, 10.0, [TestResult("t", Status.PASS, 10.0)])]), "grade")
    declined = CliRunner().invoke(cli.main, ["solution", SLUG], input="n\n")
    assert declined.exit_code == 1 and "def sigmoid" not in declined.output
    shown = CliRunner().invoke(cli.main, ["solution", SLUG], input="y\n")
    assert shown.exit_code == 0 and "def sigmoid" in shown.output
