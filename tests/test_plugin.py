"""The pytest plugin, run on a tiny course with pytester."""
import json

import pytest

from graders import paths

pytest_plugins = ["pytester"]

TESTS = """
import pytest

def test_double(learner):
    assert learner.double(2) == 4, "called double(2); expected 4"

@pytest.mark.points(3)
def test_double_negative(learner):
    assert learner.double(-1) == -2, "called double(-1); expected -2"

def test_skipped(learner):
    pytest.skip("hides a failure")
"""


@pytest.fixture
def course(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(paths.ROOT))
    pytester.makeconftest('pytest_plugins = ["graders.plugin"]')
    pytester.mkdir("demo")
    (pytester.path / "demo" / "test_demo.py").write_text(TESTS)
    pytester.mkdir("good")
    (pytester.path / "good" / "demo.py").write_text("def double(x):\n    return 2 * x\n")
    pytester.mkdir("bad")
    (pytester.path / "bad" / "demo.py").write_text("def double(x):\n    raise NotImplementedError('double')\n")
    pytester.mkdir("broken")
    (pytester.path / "broken" / "demo.py").write_text("def double(x)\n    return x\n")
    pytester.mkdir("slow")
    (pytester.path / "slow" / "demo.py").write_text("def double(x):\n    while True:\n        pass\n")
    return pytester


def events(pytester, target, *extra):
    out = pytester.path / f"events-{target}.jsonl"
    pytester.runpytest_subprocess("demo", "--grader-target", target, "--grader-results", str(out), *extra)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    return lines[0], {e["nodeid"].split("::")[-1]: e for e in lines[1:] if e["event"] == "result"}


def test_collects_points_and_visibility(course):
    collected, _ = events(course, "good")
    points = {t["name"]: t["points"] for t in collected["tests"]}
    assert points == {"test_double": 1.0, "test_double_negative": 3.0, "test_skipped": 1.0}
    assert {t["visibility"] for t in collected["tests"]} == {"visible"}


def test_target_decides_what_learner_is(course):
    _, good = events(course, "good")
    _, bad = events(course, "bad")
    assert good["test_double"]["status"] == "pass"
    assert bad["test_double"]["status"] == "error"
    assert "NotImplementedError: double" in bad["test_double"]["message"]
    assert "demo.py:2" in bad["test_double"]["message"]


def test_a_skip_never_earns_points(course):
    _, good = events(course, "good")
    assert good["test_skipped"]["status"] == "fail"


def test_import_errors_are_reported_per_test(course):
    _, broken = events(course, "broken")
    assert broken["test_double"]["status"] == "error"
    assert "SyntaxError" in broken["test_double"]["message"] and "line 1" in broken["test_double"]["message"]


def test_local_timeout_status(course):
    _, slow = events(course, "slow", "--grader-test-timeout", "0.5")
    assert slow["test_double"]["status"] == "timeout"
    assert "infinite loop" in slow["test_double"]["message"]


def test_plain_pytest_still_works_for_learners(course):
    result = course.runpytest_subprocess("demo", "--grader-target", "good")
    result.assert_outcomes(passed=2, skipped=1)


def test_probes_topics_and_curves_reach_the_events_as_strict_json(course):
    (course.path / "demo" / "test_curves.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.clause('C1', probes='a diverging loss', topic='training and convergence')\n"
        "def test_curve(learner, record_series, record_metric):\n"
        "    record_series('loss', [1.0, float('nan'), 0.5, float('inf')])\n"
        "    record_metric('final', float('nan'), 1.0)\n")
    out = course.path / "events-curves.jsonl"
    course.runpytest_subprocess("demo/test_curves.py", "--grader-target", "good", "--grader-results", str(out))
    text = out.read_text()
    assert "NaN" not in text and "Infinity" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0]["tests"][0]["probes"] == "a diverging loss"
    assert lines[0]["tests"][0]["topic"] == "training and convergence"
    series = next(e for e in lines if e["event"] == "series")
    assert series["values"] == [1.0, None, 0.5, None]
