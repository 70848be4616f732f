"""GitHub Classroom: the exported workflow parses, each grading step's command runs in a temporary
checkout (kit/ beside submission/) and its decoded result sums to the kit's own score."""
from __future__ import annotations

import base64
import json
import os
import subprocess

import pytest
import yaml
from click.testing import CliRunner

from graders import paths
from graders.cli import main

SLUGS = ("activations", "losses")
UNSTABLE = "def softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n"


def test_each_step_reports_the_kits_partial_score(tmp_path):
    out = tmp_path / "template"
    result = CliRunner().invoke(main, ["export", "github-classroom", str(out), "--kit-repo", "course/kit",
                                       "--exercises", ",".join(SLUGS)])
    assert result.exit_code == 0, result.output
    workflow = yaml.safe_load((out / ".github" / "workflows" / "classroom.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    reporter = steps[-1]
    assert reporter["uses"] == "classroom-resources/autograding-grading-reporter@v1"
    assert reporter["with"]["runners"].split(",") == list(SLUGS)

    workspace = tmp_path / "workspace"
    (workspace / "submission").mkdir(parents=True)
    (workspace / "kit").symlink_to(paths.ROOT)
    source = paths.solution_path("activations").read_text(encoding="utf-8")
    (workspace / "submission" / "activations.py").write_text(source + "\n\n" + UNSTABLE, encoding="utf-8")
    (workspace / "submission" / "losses.py").write_text("import numpy as np\n", encoding="utf-8")
    for slug in SLUGS:
        step = next(s for s in steps if s.get("id") == slug)
        assert f"{slug.upper()}_RESULTS" in reporter["env"] and slug in reporter["env"][f"{slug.upper()}_RESULTS"]
        output = tmp_path / f"{slug}.out"
        env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "GITHUB_OUTPUT": str(output)}
        done = subprocess.run(["bash", "-c", step["run"]], cwd=workspace, env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        key, _, value = output.read_text(encoding="utf-8").strip().partition("=")
        assert key == "result"
        runner_result = json.loads(base64.b64decode(value))
        kit = CliRunner().invoke(main, ["grade", slug, "--target", str(workspace / "submission"), "--secure",
                                        "--format", "json"])
        expected = json.loads(kit.stdout)
        assert runner_result["max_score"] == pytest.approx(expected["max_score"])
        assert sum(t["score"] for t in runner_result["tests"]) == pytest.approx(expected["score"], abs=1e-3)
        if slug == "activations":
            assert 0 < expected["score"] < expected["max_score"] and runner_result["status"] == "fail"
        else:
            assert expected["score"] == 0 and runner_result["status"] == "error"
