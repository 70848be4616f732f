"""Exporters (graders/exporters), each golden-tested through the real CLI on one graded submission.

The submission is the activations reference with an unstable softmax, so the files hold passes and
failures, visible and hidden tests. Times, durations and the commit are normalised before comparing.
Regenerate after an intended change with MLKIT_UPDATE_GOLDEN=1.
"""
from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from graders import exporters, paths
from graders.cli import EXPORT_FORMATS, main

GOLDEN = Path(__file__).parent / "golden" / "exports"
UNSTABLE = "def softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n"


@pytest.fixture(scope="module")
def submission(tmp_path_factory):
    folder = tmp_path_factory.mktemp("alice")
    source = paths.solution_path("activations").read_text(encoding="utf-8")
    (folder / "activations.py").write_text(source + "\n\n" + UNSTABLE, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def exported(submission):
    outputs = {}
    for name in EXPORT_FORMATS:
        result = CliRunner().invoke(main, ["grade", "activations", "--target", str(submission), "--format", name])
        assert result.exit_code == 0, result.output
        outputs[name] = result.stdout
    return outputs


def normalise(name: str, text: str) -> str:
    if name == "github-classroom":
        text = base64.b64decode(text).decode("utf-8")
    text = re.sub(r'("(?:duration|execution_time|time)": )("[^"]*"|[0-9.e-]+)', r"\1 0", text)
    text = re.sub(r'("kit_commit": |"kit_version": |"submission": )"[^"]*"', r'\1"-"', text)
    text = re.sub(r'time="[0-9.]+"', 'time="0"', text)
    text = re.sub(r"\b\d+\.\ds\b", "0.0s", text)  # durations in the text report
    text = re.sub(r"(Feedback: |Feedback )[^<]*", r"\1-", text)
    if name == "csv":  # the student column is the submission's folder
        header, *rows = text.splitlines(keepends=True)
        text = header + "".join(re.sub(r"^[^,]*,", "-,", row) for row in rows)
    return text


@pytest.mark.parametrize("name", EXPORT_FORMATS)
def test_export_matches_its_golden_file(exported, name):
    golden = GOLDEN / f"activations.{name}"
    text = normalise(name, exported[name])
    if os.environ.get("MLKIT_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_cli_formats_are_the_exporters():
    assert tuple(exporters.FORMATS) == EXPORT_FORMATS


def test_gradescope_results_follow_the_specification(exported):
    document = json.loads(exported["gradescope"])
    assert isinstance(document["score"], float) and isinstance(document["execution_time"], float)
    assert document["output_format"] == "text" and isinstance(document["output"], str)
    assert document["tests"] and sum(t["score"] for t in document["tests"]) == pytest.approx(document["score"], abs=1e-3)
    for number, test in enumerate(document["tests"], 1):
        assert set(test) >= {"name", "number", "score", "max_score", "status", "output", "visibility", "tags"}
        assert test["status"] in ("passed", "failed") and test["number"] == str(number)
        assert test["visibility"] in ("visible", "after_published")
        assert 0 <= test["score"] <= test["max_score"]
    assert {t["visibility"] for t in document["tests"]} == {"visible", "after_published"}
    assert any(t["status"] == "failed" for t in document["tests"])


def test_github_classroom_result_sums_to_the_kit_score(exported):
    document = json.loads(base64.b64decode(exported["github-classroom"]))
    kit = json.loads(exported["json"])
    assert document["version"] == 1 and document["status"] in ("pass", "fail", "error")
    assert document["max_score"] == pytest.approx(kit["max_score"])
    assert sum(t["score"] for t in document["tests"]) == pytest.approx(kit["score"], abs=1e-3)
    assert 0 < kit["score"] < kit["max_score"]  # partial credit survives


def test_junit_is_well_formed_and_counts_failures(exported):
    import xml.etree.ElementTree as ET

    root = ET.fromstring(exported["junit"])
    suite = root.find("testsuite")
    assert suite.get("name") == "activations" and int(suite.get("failures")) > 0
    assert len(suite.findall("testcase")) == int(suite.get("tests"))


def test_learner_facing_exports_never_show_instructor_detail():
    from graders.results import ExerciseResult, Results, Status, TestResult

    results = Results([ExerciseResult("activations", 1.0, [TestResult("t", Status.FAIL, 1.0, detail="SECRET")],
                                      detail="SECRET")])
    for name in EXPORT_FORMATS:
        text = exporters.render(name, results)
        if name == "github-classroom":
            text = base64.b64decode(text).decode()
        assert "SECRET" not in text, name
