"""Gradescope end to end: build the autograder zip with the CLI, lay it out as Gradescope does in a
temporary /autograder tree, run `run_autograder`, and check results/results.json against the
specification (gradescope/autograder_samples docs/specs.md)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from graders import paths
from graders.cli import main

UNSTABLE = "def softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n"


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    root = tmp_path_factory.mktemp("autograder")
    archive = root / "autograder.zip"
    result = CliRunner().invoke(main, ["export", "gradescope", str(archive), "--exercises", "activations"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(archive) as zipped:
        names = zipped.namelist()
        assert "setup.sh" in names and "run_autograder" in names, "both must sit at the zip's root"
        assert not any(n.startswith("kit/tests/") for n in names)
        zipped.extractall(root / "source")
    (root / "submission").mkdir()
    return root


def run_autograder(root: Path) -> dict:
    results = root / "results" / "results.json"
    results.unlink(missing_ok=True)
    env = {**os.environ, "MLKIT_AUTOGRADER_ROOT": str(root), "MLKIT_PYTHON": sys.executable}
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(results.read_text(encoding="utf-8"))


def check_specification(document: dict) -> None:
    assert isinstance(document["score"], (int, float)) and document["output_format"] in ("text", "md", "html")
    for test in document["tests"]:
        assert {"name", "number", "score", "max_score", "status", "output", "visibility"} <= set(test)
        assert test["status"] in ("passed", "failed")
        assert test["visibility"] in ("visible", "hidden", "after_due_date", "after_published")


def test_a_submission_is_graded_in_secure_mode_with_partial_credit(autograder):
    source = paths.solution_path("activations").read_text(encoding="utf-8")
    (autograder / "submission" / "activations.py").write_text(source + "\n\n" + UNSTABLE, encoding="utf-8")
    document = run_autograder(autograder)
    check_specification(document)
    assert 0 < document["score"] < 10
    assert sum(t["score"] for t in document["tests"]) == pytest.approx(document["score"], abs=1e-3)
    hidden = [t for t in document["tests"] if t["visibility"] == "after_published"]
    assert hidden and any(t["status"] == "failed" and "softmax" in t["name"] for t in hidden)


def test_a_crash_of_the_kit_still_writes_a_valid_results_file(autograder):
    catalogue = autograder / "source" / "kit" / "exercises" / "catalog.toml"
    kept = catalogue.read_text(encoding="utf-8")
    catalogue.write_text("this is [not toml", encoding="utf-8")
    try:
        document = run_autograder(autograder)
    finally:
        catalogue.write_text(kept, encoding="utf-8")
    check_specification(document)
    assert document["score"] == 0 and "autograder itself failed" in document["output"]
    assert "not to blame" in document["output"]
