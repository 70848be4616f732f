"""The Results model: scoring, statuses, and its JSON (golden file)."""
import json
from pathlib import Path

from graders.results import Adjustment, ExerciseResult, Results, Status, TestResult

GOLDEN = Path(__file__).parent / "golden" / "results.json"
GOLDEN_V1 = Path(__file__).parent / "golden" / "results_v1.json"
GOLDEN_V2 = Path(__file__).parent / "golden" / "results_v2.json"


def sample() -> Results:
    ok = ExerciseResult("activations", 10.0, [
        TestResult("test_a", Status.PASS, 4.0, "visible", "", 0.01, id="exercises/activations/test_activations.py::test_a",
                   weight=2.0),
        TestResult("test_b", Status.FAIL, 6.0, "hidden", "called f(x); got 1, expected 2", 0.02,
                   id="hidden_tests/activations/test_activations_hidden.py::test_b", weight=3.0,
                   metrics={"accuracy": 0.5}, detail="instructor only", probes="softmax overflowing for large inputs",
                   topic="numerical stability", series={"loss": [2.0, 1.0, 0.5]}),
    ], duration=1.5, adjustments=[Adjustment(-1.0, "hint 1 of 3 used")])
    missing = ExerciseResult("losses", 10.0, error=Status.MISSING, message="no losses.py in submission")
    return Results([ok, missing], {"mode": "local", "kit_version": "0.1.0", "kit_commit": "abc1234",
                                   "time": "2026-12-06T15:00:00+00:00", "submission": "exercises"})


def test_scores_and_statuses():
    results = sample()
    assert results.score == 3.0 and results.max_score == 20.0  # 4 points, minus a 1-point hint penalty
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
    again = Results.from_dict(json.loads(sample().to_json(instructor=True)))
    assert again.to_dict(instructor=True) == sample().to_dict(instructor=True)


def test_instructor_detail_stays_out_of_learner_json():
    assert "instructor only" not in sample().to_json()
    assert "instructor only" in sample().to_json(instructor=True)


def test_version_1_files_still_load():
    """Batches resumed from results.json written before schema 2."""
    old = Results.from_dict(json.loads(GOLDEN_V1.read_text()))
    assert [(e.slug, e.score, e.status) for e in old.exercises] == [("activations", 4.0, Status.PARTIAL),
                                                                    ("losses", 0.0, Status.MISSING)]
    assert old.exercises[0].tests[1].id == "" and old.to_dict()["schema_version"] == 3


def test_version_2_files_still_load():
    """Results written before tests carried probes, topics and curves (schema 3)."""
    old = Results.from_dict(json.loads(GOLDEN_V2.read_text()))
    assert old.score == 3.0 and old.exercises[0].adjustments[0].reason == "hint 1 of 3 used"
    assert old.exercises[0].tests[1].topic == "" and old.exercises[0].tests[1].series == {}


def test_adjustments_never_make_a_score_negative():
    exercise = ExerciseResult("x", 2.0, [TestResult("t", Status.FAIL, 2.0)], adjustments=[Adjustment(-1.0, "hint")])
    assert exercise.score == 0.0


HOSTILE = "ValueError: \ud800 [bold red]x\x1b[31m\x1b]0;pwned\x07\r [/oops]\u202e\x00 end"


def test_hostile_messages_are_cleaned_for_every_output():
    test = TestResult("test_\x1b[2Jname", Status.ERROR, 1.0, "visible", HOSTILE)
    exercise = ExerciseResult("activations", 1.0, [test], message=HOSTILE)
    exercise.message = HOSTILE + "\udcff"  # cleaned when set later too
    text = Results([exercise]).to_json()
    text.encode("utf-8")  # writable as UTF-8: no lone surrogates
    for message in (test.message, exercise.message, test.name):
        assert not any(c in message for c in "\x1b\x07\r\x00\u202e\ud800\udcff")
    assert test.message == "ValueError: \ufffd [bold red]x [/oops] end"  # markup is kept: renderers escape it
    assert test.name == "test_name"
    assert Results.from_dict(json.loads(text)).to_dict() == json.loads(text)


def test_text_read_back_from_a_file_is_cleaned_too():
    data = json.loads(sample().to_json())
    data["exercises"][0]["tests"][1]["message"] = "\ud800\x1b[31mred"  # as json.loads gives it from '\\ud800'
    again = Results.from_dict(data)
    assert again.exercises[0].tests[1].message == "\ufffdred"


def test_the_terminal_report_escapes_markup():
    import io

    from rich.console import Console

    from graders import report

    exercise = ExerciseResult("activations", 1.0, [TestResult("t", Status.ERROR, 1.0, "hidden", HOSTILE)],
                              message=HOSTILE)
    out = io.StringIO()
    console = Console(file=out, width=300, color_system=None)
    report.print_exercise(console, exercise)
    console.print(report.summary_table(Results([exercise])))
    console.print(report.batch_table({"[red]alice": Results([exercise])}))
    text = out.getvalue()
    assert "[bold red]x" in text and "[/oops]" in text  # shown as typed, not interpreted
    assert "\x1b" not in text and "\ud800" not in text
