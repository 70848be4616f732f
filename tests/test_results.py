"""The Results model: scoring, statuses, and its JSON (golden file)."""
import json
from pathlib import Path

from graders.results import ExerciseResult, Results, Status, TestResult

GOLDEN = Path(__file__).parent / "golden" / "results.json"


def sample() -> Results:
    ok = ExerciseResult("activations", 10.0, [
        TestResult("test_a", Status.PASS, 4.0, "visible", "", 0.01),
        TestResult("test_b", Status.FAIL, 6.0, "hidden", "called f(x); got 1, expected 2", 0.02),
    ], duration=1.5)
    missing = ExerciseResult("losses", 10.0, error=Status.MISSING, message="no losses.py in submission")
    return Results([ok, missing])


def test_scores_and_statuses():
    results = sample()
    assert results.score == 4.0 and results.max_score == 20.0
    assert [e.status for e in results.exercises] == [Status.PARTIAL, Status.MISSING]


def test_status_of_an_exercise():
    def exercise(*statuses):
        return ExerciseResult("x", 2, [TestResult(f"t{i}", s, 1.0) for i, s in enumerate(statuses)])
    assert exercise(Status.PASS, Status.PASS).status is Status.PASS
    assert exercise(Status.FAIL, Status.FAIL).status is Status.FAIL
    assert exercise(Status.FAIL, Status.TIMEOUT).status is Status.TIMEOUT
    assert exercise(Status.PASS, Status.ERROR).status is Status.PARTIAL


def test_json_matches_the_golden_file():
    assert json.loads(sample().to_json()) == json.loads(GOLDEN.read_text())


def test_json_round_trip():
    again = Results.from_dict(json.loads(sample().to_json()))
    assert again.to_dict() == sample().to_dict()
