"""The command line, through click's CliRunner."""
import json
import subprocess

import pytest
from click.testing import CliRunner

from graders import cli, manifest, paths


@pytest.fixture(autouse=True)
def private_state(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "STATE_FILE", tmp_path / "state.json")


def run(*args):
    return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)


def test_list_shows_every_exercise():
    result = run("list")
    assert result.exit_code == 0
    for slug in manifest.slugs():
        assert slug[:8] in result.stdout


def test_show_prints_the_statement():
    result = run("show", "activations")
    assert result.exit_code == 0 and "grade.py check activations" in result.stdout


def test_hints_come_one_at_a_time_and_are_remembered():
    hints = manifest.get("activations").hints
    for i in range(len(hints)):
        assert f"Hint {i + 1}/{len(hints)}" in run("hint", "activations").stdout
    assert "No more hints" in run("hint", "activations").stdout


def test_unknown_slug_says_what_to_run():
    result = CliRunner().invoke(cli.main, ["show", "nope"])
    assert result.exit_code == 2 and "grade.py list" in result.output


def test_check_runs_visible_tests_only_and_fails_on_the_stub():
    result = run("check", "activations")
    assert result.exit_code == 1
    assert "Visible tests passed: 0/" in result.stdout
    assert "(hidden)" not in result.stdout


def test_grade_json_is_pure_json():
    result = run("grade", "activations", "--target", "solutions", "--json")
    data = json.loads(result.stdout)
    (exercise,) = data["exercises"]
    assert data["score"] == data["max_score"] == exercise["max_score"] > 0
    assert {"slug", "score", "max_score", "status", "tests"} <= exercise.keys()
    assert {"name", "status", "score", "max_score", "visibility", "message"} <= exercise["tests"][0].keys()
    assert {t["visibility"] for t in exercise["tests"]} == {"visible", "hidden"}


def test_grade_of_a_missing_target_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli.main, ["grade", "activations", "--target", str(tmp_path / "nothing")])
    assert result.exit_code == 1 and "no submission at" in result.output


def test_reset_restores_the_stub_and_keeps_a_backup(tmp_path, monkeypatch):
    repo = tmp_path / "kit"
    stub = repo / "exercises" / "activations" / "activations.py"
    stub.parent.mkdir(parents=True)
    stub.write_text("# TODO original\n")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "x"], cwd=repo, check=True)
    stub.write_text("my work\n")
    monkeypatch.setattr(paths, "ROOT", repo)
    monkeypatch.setattr(paths, "EXERCISES", repo / "exercises")
    monkeypatch.setattr(paths, "BACKUPS", repo / ".grade-backups")
    result = run("reset", "activations", "--yes")
    assert result.exit_code == 0, result.output
    assert stub.read_text() == "# TODO original\n"
    (backup,) = (repo / ".grade-backups").iterdir()
    assert backup.read_text() == "my work\n"


def test_watch_runs_the_current_exercise_once():
    result = run("watch", "--max-runs", "1")
    assert result.exit_code == 0
    assert "activations" in result.stdout
