"""Mock interviews end to end: start, hints, checks, deadline, concept round, debrief, resume, store damage."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from graders import cli, cli_mock, mock, mock_store, paths, progress, state
from graders.stubs import original_stub

SLUG = "losses"  # easy foundations: the only one drawn once activations is solved


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A private data folder and practice state, with activations already solved."""
    monkeypatch.setenv("MLKIT_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(paths, "STATE_FILE", tmp_path / "state.json")
    monkeypatch.setattr(paths, "LAST_RESULTS", tmp_path / "last.json")
    state.save({"exercises": {"activations": {"status": "pass", "kind": "grade", "score": 10, "max_score": 10}},
                "hints": {}})
    return tmp_path


def begin(concepts: int = 1, minutes: float = 30) -> dict:
    return mock.start(mock.MockOptions(minutes=minutes, track="foundations", difficulty="easy", count=1,
                                       concepts=concepts, seed=7))


def solve(session: dict) -> Path:
    path = mock.submission_file(session, SLUG)
    path.write_bytes(paths.solution_path(SLUG).read_bytes())
    return path


def stored(session_id: str) -> dict:
    return mock_store.load()[0]["sessions"][session_id]


def run_cli(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli.main, list(args), input=stdin)
    return result.exit_code, result.output


# ------------------------------------------------------------------ start

def test_start_draws_an_unsolved_problem_into_a_fresh_workspace(home):
    learner_file = paths.stub_path(SLUG).read_bytes()
    session = begin()
    assert session["slugs"] == [SLUG]  # activations is solved, so it is not drawn
    workspace = Path(session["workspace"])
    assert workspace.is_relative_to(home / "home")
    assert (workspace / SLUG / f"{SLUG}.py").read_bytes() == original_stub(SLUG)
    assert (workspace / SLUG / "README.md").read_text(encoding="utf-8") == paths.statement(SLUG).read_text(encoding="utf-8")
    card = session["cards"][0]
    assert f"## [{card}]" in (workspace / "answers.md").read_text(encoding="utf-8")
    assert paths.stub_path(SLUG).read_bytes() == learner_file  # the learner's own exercises/ is never touched
    assert mock_store.load()[0]["active"] == session["id"]


def test_the_same_seed_draws_the_same_interview(home):
    first = begin(concepts=2)
    mock.abandon(*mock.require_active()[:2])
    assert begin(concepts=2)["cards"] == first["cards"]


def test_one_session_at_a_time_and_abandon_ends_it(home):
    begin()
    with pytest.raises(mock.MockError, match="still running"):
        begin()
    code, output = run_cli("mock", "abandon")
    assert code == 0 and "Abandoned" in output
    code, output = run_cli("mock", "status")
    assert code == 1 and "no mock interview is running" in output


def test_hints_cost_points_and_stop_when_exhausted(home):
    session = begin(concepts=0)
    code, output = run_cli("mock", "hint", SLUG)
    assert code == 0 and "Hint 1/" in output and "-1 points" in output
    assert stored(session["id"])["hints"][SLUG] == 1
    code, output = run_cli("mock", "hint", "attention")
    assert code == 1 and "attention is not in this mock interview" in output


# ------------------------------------------------------------------ a whole session

def test_a_whole_session_scripted(home, tmp_path):
    session = begin(concepts=1)
    card = session["cards"][0]
    code, output = run_cli("mock", "check", SLUG)
    assert code == 0 and "visible tests error" in output  # the fresh stub raises NotImplementedError
    solve(session)
    run_cli("mock", "hint", SLUG)
    answers = Path(session["workspace"]) / "answers.md"
    answers.write_text(answers.read_text(encoding="utf-8") + "\nMy answer.\n", encoding="utf-8")
    max_points = len(mock.concept_round(session)[0]["key_points"])
    scores = tmp_path / "self.json"
    scores.write_text(json.dumps({card: [1] + [0] * (max_points - 1)}), encoding="utf-8")
    code, output = run_cli("mock", "submit", "--self-score", str(scores), "--json")
    assert code == 0, output
    debrief = json.loads(output)
    exercise = debrief["results"]["exercises"][0]
    assert exercise["score"] == 9.0 and exercise["adjustments"][0]["points"] == -1.0  # 10 points, one hint
    assert "1 hint used" in exercise["adjustments"][0]["reason"]
    assert debrief["concept_score"] == 1.0 and debrief["concept_max"] == max_points
    assert debrief["concepts"][0]["answer"] == "My answer."
    assert debrief["verdict"].endswith(".") and debrief["failed_checks"] == []
    assert debrief["results"]["run"]["mode"] == "mock"
    assert stored(session["id"])["state"] == "submitted" and mock_store.load()[0]["active"] is None
    code, output = run_cli("mock", "debrief")
    assert code == 0 and "Coding score: 9.0/10" in output and "Verdict" in output


def test_failed_hidden_checks_are_explained_by_what_they_probe(home):
    session = begin(concepts=0)
    code, output = run_cli("mock", "submit", "--json")
    debrief = json.loads(output)
    failed = debrief["failed_checks"]
    assert failed and all(row["probes"] and row["topic"] for row in failed)
    assert debrief["study_next"] and debrief["study_next"][0]["topic"] == max(
        {r["topic"] for r in failed}, key=lambda t: (sum(r["topic"] == t for r in failed), -ord(t[0])))
    assert "No hire" in debrief["verdict"]
    code, text = run_cli("mock", "debrief", session["id"])
    assert "Hidden checks that failed" in text and "assert " not in text  # never a test's source


# ------------------------------------------------------------------ the deadline

def expire(session: dict) -> None:
    """Move the deadline into the past, as if the clock had run out."""
    store, _ = mock_store.load()
    store["sessions"][session["id"]]["deadline"] = time.time() - 60
    mock_store.save(store)


def save_late(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))


def test_work_saved_after_the_deadline_is_graded_as_it_was_before(home):
    session = begin(concepts=0)
    path = solve(session)
    code, _ = run_cli("mock", "status")  # seen before the deadline: a copy is kept
    assert code == 0
    expire(session)
    save_late(path, "def cross_entropy(*a, **k):\n    return 0.0\n")
    code, output = run_cli("mock", "status", "--json")  # the next command notices the deadline and submits
    assert code == 0, output
    debrief = json.loads(output)
    exercise = debrief["results"]["exercises"][0]
    assert exercise["score"] == 10.0 and "saved after the deadline: graded as last seen before it" in exercise["message"]
    assert stored(session["id"])["state"] == "submitted"


def test_without_an_earlier_copy_late_work_is_graded_as_the_stub(home):
    session = begin(concepts=0)
    expire(session)
    save_late(mock.submission_file(session, SLUG), paths.solution_path(SLUG).read_text(encoding="utf-8"))
    code, output = run_cli("mock", "submit", "--json")
    exercise = json.loads(output)["results"]["exercises"][0]
    assert exercise["score"] == 0.0 and "graded as the stub" in exercise["message"]
    assert json.loads(output)["late"] is True


# ------------------------------------------------------------------ the concept round

def test_answers_are_read_under_their_headings():
    text = "# Concept round\n## [a] Q?\n> 问题\n\nfirst line\nsecond\n## [b] Q2?\n> 问\n\n## not a card\nignored\n"
    assert mock.parse_answers(text) == {"a": "first line\nsecond", "b": ""}


def test_self_scores_are_checked():
    rows = [{"card": "a", "max": 3, "covered": None, "score": None}]
    assert mock.apply_self_scores(rows, {"a": [1, 1]}) == ["a: expected 3 values of 0 or 1, one per key point"]
    assert mock.apply_self_scores(rows, {"a": 4}) == ["a: 4 is not between 0 and 3"]
    assert mock.apply_self_scores(rows, {"a": 2}) == [] and rows[0]["score"] == 2.0
    assert rows[0]["covered"] is None  # a count says how many, not which
    assert mock.apply_self_scores(rows, {"a": [0, 1, 1]}) == [] and rows[0]["covered"] == [False, True, True]


def test_the_concept_round_asks_on_a_terminal(home, monkeypatch):
    session = begin(concepts=1)
    solve(session)
    monkeypatch.setattr(cli_mock, "interactive", lambda: True)
    points = len(mock.concept_round(session)[0]["key_points"])
    code, output = run_cli("mock", "submit", stdin="y\n" + "n\n" * (points - 1))
    assert code == 0, output
    assert f"Concept score (self-assessed, separate from the coding score): 1/{points}" in output


def run_script(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(paths.ROOT / "grade.py"), *args], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout, cwd=paths.ROOT,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def test_without_a_terminal_submit_never_blocks_and_scores_later(home, tmp_path):
    session = begin(concepts=1)
    done = run_script("mock", "submit")
    assert done.returncode == 0, done.stderr
    assert "not self-scored yet" in done.stdout
    scores = tmp_path / "s.json"
    scores.write_text(json.dumps({session["cards"][0]: 1}), encoding="utf-8")
    again = run_script("mock", "debrief", "--self-score", str(scores), "--json")
    assert json.loads(again.stdout)["concept_score"] == 1.0


# ------------------------------------------------------------------ surviving a killed terminal, a damaged store

def test_a_killed_terminal_resumes_the_same_session(home):
    started = run_script("mock", "start", "--track", "foundations", "--difficulty", "easy", "--count", "1",
                         "--concepts", "0", "--json")
    session_id = json.loads(started.stdout)["session_id"]
    workspace = Path(json.loads(started.stdout)["workspace"])
    slug = json.loads(started.stdout)["slugs"][0]  # (the subprocess reads the kit's own practice state)
    (workspace / slug / f"{slug}.py").write_text("while True:\n    pass\n")  # grading hangs until killed
    grading = subprocess.Popen([sys.executable, str(paths.ROOT / "grade.py"), "mock", "submit"], cwd=paths.ROOT,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    time.sleep(3.0)
    assert grading.poll() is None
    os.killpg(grading.pid, signal.SIGKILL)  # the terminal closes mid-grading
    grading.wait()
    resumed = run_script("mock", "status", "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["session_id"] == session_id and json.loads(resumed.stdout)["state"] == "active"


def test_a_damaged_store_is_kept_aside_and_a_newer_one_is_refused(home):
    store_file = mock_store.store_file()
    store_file.parent.mkdir(parents=True)
    store_file.write_text("{not json", encoding="utf-8")
    code, output = run_cli("mock", "status")
    assert "could not be read (damaged)" in output and "no mock interview is running" in output
    assert [p.name.startswith("mock.json.corrupt-") for p in store_file.parent.iterdir()] == [True]
    store_file.write_text(json.dumps({"schema_version": 99, "sessions": {}}), encoding="utf-8")
    code, output = run_cli("mock", "start")
    assert code == 1 and "written by a newer version of the kit" in output
    assert json.loads(store_file.read_text())["schema_version"] == 99  # left as it was


# ------------------------------------------------------------------ progress

def test_practice_state_from_before_versions_is_migrated(tmp_path):
    old = tmp_path / "state.json"
    old.write_text(json.dumps({"exercises": {"losses": {"status": "fail", "kind": "grade", "score": 2,
                                                        "max_score": 10}}, "hints": {"losses": 1}}))
    data = state.load(old)
    assert data["schema_version"] == 2 and data["failures"] == {}
    assert data["exercises"]["losses"]["attempts"] == 1 and data["hints"] == {"losses": 1}


def test_progress_counts_tracks_mocks_and_weak_topics(home):
    begin(concepts=0)
    run_cli("mock", "submit")
    data = progress.progress()
    foundations = next(t for t in data["tracks"] if t["track"] == "foundations")
    assert foundations["solved"] == 1 and foundations["points"] == 10
    assert len(data["mocks"]) == 1 and data["mocks"][0]["coding_score"] == 0.0
    assert data["weak_topics"] and data["next"] != "activations"
    code, output = run_cli("progress")
    assert code == 0 and "Mock interviews" in output and "Weakest topics" in output
    assert progress.one_line(data).startswith("Progress: 1/")
