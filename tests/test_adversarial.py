"""Issue 4's proof: a batch of honest and attacking submissions, graded in secure mode.

Every attack must score 0 on what it attacks (and the rest of its run must go on);
honest submissions must score exactly what they score when graded alone.
"""
from __future__ import annotations

import glob
import os
import subprocess
from pathlib import Path

import pytest

from graders import batch, manifest, paths, runner, sandbox
from graders.results import Status
from adversarial.attacks import ATTACKS

SLUG = "activations"
HONEST = {
    "honest_reference": "",
    "honest_unstable_softmax": "def softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n",
}


def write_submission(folder: Path, snippet: str) -> None:
    folder.mkdir(parents=True)
    source = paths.solution_path(SLUG).read_text(encoding="utf-8")
    (folder / f"{SLUG}.py").write_text(source + "\n\n" + snippet, encoding="utf-8")


@pytest.fixture(scope="module")
def decoy_kit():
    """A second copy of the solutions and hidden tests outside the kit, as on a CI runner or a
    teacher's machine: at the filesystem root when writable (the worker must not see it either)."""
    import shutil
    import uuid

    for parent in (Path("/"), Path.home()):
        decoy = parent / f"mlkit-decoy-{uuid.uuid4().hex[:8]}"
        try:
            shutil.copytree(paths.ROOT / "solutions" / SLUG, decoy / "solutions" / SLUG)
            shutil.copytree(paths.ROOT / "hidden_tests" / SLUG, decoy / "hidden_tests" / SLUG)
        except OSError:
            shutil.rmtree(decoy, ignore_errors=True)
            continue
        for package in (decoy / "solutions", decoy / "solutions" / SLUG):
            (package / "__init__.py").touch()
        yield decoy
        shutil.rmtree(decoy, ignore_errors=True)
        return
    yield None


@pytest.fixture(scope="module")
def graded(tmp_path_factory, decoy_kit):
    root = tmp_path_factory.mktemp("batch")
    submissions = root / "submissions"
    for name, snippet in HONEST.items():
        write_submission(submissions / name, snippet)
    for attack in ATTACKS:
        write_submission(submissions / attack.name, attack.snippet)
    results = batch.run_batch(submissions, root / "out", [SLUG], workers=2, secure=True)
    return root, results


def test_batch_is_complete(graded):
    root, results = graded
    assert len(results) == len(ATTACKS) + len(HONEST) >= 20
    lines = (root / "out" / "grades.csv").read_text().splitlines()
    assert lines[0] == "student,slug,score,max_score,status"
    assert len(lines) == 1 + len(results)
    for student in results:
        assert (root / "out" / student / "results.json").is_file()


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.name)
def test_attack_scores_zero_on_what_it_attacks(graded, attack):
    exercise = graded[1][attack.name].exercises[0]
    if attack.scope == "all":
        assert exercise.score == 0, f"{attack.name} scored {exercise.score}"
        return
    attacked = [t for t in exercise.tests if attack.scope in t.name]
    assert attacked, f"no test touched the attacked function ({exercise.status.value}: {exercise.message})"
    for test in attacked:
        assert test.status is not Status.PASS, f"{attack.name}: {test.name} passed"
        assert test.status.value in attack.statuses, f"{attack.name}: {test.name} is {test.status.value}: {test.message}"
    assert exercise.score > 0, f"{attack.name}: the rest of the run should go on and score"


def test_honest_submissions_score_as_they_do_alone(graded):
    root, results = graded
    for name in HONEST:
        alone = runner.grade_exercise(manifest.get(SLUG), root / "submissions" / name, runner.RunOptions(secure=True))
        in_batch = results[name].exercises[0]
        assert [(t.name, t.status) for t in in_batch.tests] == [(t.name, t.status) for t in alone.tests]
        assert in_batch.score == pytest.approx(alone.score)
    assert results["honest_reference"].exercises[0].status is Status.PASS


def test_nothing_forged_or_left_running(graded):
    forged = [p for pattern in ("/tmp/FORGED", str(paths.ROOT / "FORGED"), os.path.expanduser("~/FORGED"))
              for p in glob.glob(pattern)]
    assert not forged
    if sandbox.namespaces_available():
        leftovers = subprocess.run(["pgrep", "-f", "sleep 600"], capture_output=True, text=True).stdout.split()
        assert not leftovers, f"processes started by a submission survived: {leftovers}"
