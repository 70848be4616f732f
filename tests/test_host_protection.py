"""Issue 9's proof: attacks on the grading machine fail, with and without namespaces, and leave the host
as it was (sysctls, other workers' cgroups, the Python installation, files outside scratch, processes,
scratch folders and cgroups of the run itself)."""
from __future__ import annotations

import glob
import os
import subprocess
import sys
import sysconfig
import uuid
from pathlib import Path

import pytest

from adversarial.host_attacks import HOST_ATTACKS, MARK, NEEDS, SYSCTL
from graders import manifest, paths, runner, sandbox
from graders.results import Status

SLUG = "activations"
MODES = ["namespaces", "no-namespaces"]


def snapshot() -> dict:
    python_install = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"], sys.prefix}
    return {
        "sysctl": Path(SYSCTL).read_text() if os.path.exists(SYSCTL) else None,
        "python_install": {folder: sorted(os.listdir(folder)) for folder in python_install},
    }


@pytest.fixture(scope="module")
def canary_cgroup():
    """Another worker's pids cgroup, as a classmate graded at the same time would have."""
    if not sandbox.pids_cgroup_available():
        yield None
        return
    group = sandbox.PIDS_CGROUP / f"mlkit-canary-{uuid.uuid4().hex[:8]}"
    group.mkdir()
    (group / "pids.max").write_text("4242")
    yield group
    group.rmdir()


class RecordingScope(sandbox.RunScope):
    """RunScope that remembers its folder and cgroup, so the test can check they were removed."""

    created: list[tuple[Path, Path | None]] = []

    def __init__(self) -> None:
        super().__init__()
        self.created.append((self.folder, self.cgroup))


@pytest.fixture(scope="module", params=MODES)
def graded(request, tmp_path_factory, canary_cgroup):
    previous = os.environ.get("MLKIT_NO_NAMESPACES")
    if request.param == "no-namespaces":
        os.environ["MLKIT_NO_NAMESPACES"] = "1"
    sandbox.namespaces_available.cache_clear()
    if request.param == "namespaces" and not sandbox.namespaces_available():
        pytest.skip("this machine has no namespaces for bubblewrap")
    before = snapshot()
    root = tmp_path_factory.mktemp(request.param)
    source = paths.solution_path(SLUG).read_text(encoding="utf-8")
    options = runner.RunOptions(secure=True, visible=False)
    results = {}
    RecordingScope.created = []
    real_scope, sandbox.RunScope = sandbox.RunScope, RecordingScope
    try:
        for attack in HOST_ATTACKS:
            folder = root / attack.name
            folder.mkdir()
            (folder / f"{SLUG}.py").write_text(source + "\n\n" + attack.snippet, encoding="utf-8")
            results[attack.name] = runner.grade_exercise(manifest.get(SLUG), folder, options)
        yield request.param, results, before, snapshot()
    finally:
        sandbox.RunScope = real_scope
        sandbox.namespaces_available.cache_clear()
        if previous is None:
            os.environ.pop("MLKIT_NO_NAMESPACES", None)
        else:
            os.environ["MLKIT_NO_NAMESPACES"] = previous
        sandbox.namespaces_available.cache_clear()
        put_the_host_back(before)


def put_the_host_back(before: dict) -> None:
    """Undo what a successful attack did, so a failing run does not leave the machine changed."""
    if before["sysctl"] is not None and Path(SYSCTL).read_text() != before["sysctl"]:
        Path(SYSCTL).write_text(before["sysctl"])
    for folder in before["python_install"]:
        for planted in glob.glob(os.path.join(folder, f"{MARK}*")):
            os.remove(planted)
    for planted in glob.glob(f"/tmp/{MARK}*") + glob.glob(os.path.expanduser(f"~/{MARK}*")):
        os.remove(planted)


@pytest.mark.parametrize("attack", HOST_ATTACKS, ids=lambda a: a.name)
def test_attack_scores_zero_on_what_it_attacks(graded, attack):
    mode, results, _, _ = graded
    needed = NEEDS.get(attack.name)
    if needed and not any(active for name, active in sandbox.protections().items() if name.startswith(needed)):
        # e.g. without namespaces a root grader drops to another uid only if that uid can run the interpreter
        assert any(m.startswith(needed) for m in sandbox.missing_protections()), \
            f"{needed!r} is missing but not reported (batch must refuse without --allow-weak-sandbox)"
        return
    exercise = results[attack.name]
    attacked = [t for t in exercise.tests if attack.scope in t.name]
    assert attacked, "no test touched the attacked function"
    for test in attacked:
        assert test.status is not Status.PASS, f"{mode}: {attack.name}: {test.name} passed"
        assert test.status.value in attack.statuses, f"{mode}: {attack.name}: {test.name} is {test.status.value}: {test.message}"
    assert exercise.score > 0, f"{mode}: {attack.name}: the rest of the run should go on and score"


def test_the_host_is_unchanged(graded, canary_cgroup):
    mode, _, before, after = graded
    assert after["sysctl"] == before["sysctl"], f"{mode}: a submission changed {SYSCTL}"
    assert after["python_install"] == before["python_install"], f"{mode}: files appeared in the Python installation"
    if canary_cgroup is not None:
        assert (canary_cgroup / "pids.max").read_text().strip() == "4242", f"{mode}: another worker's cgroup changed"
    assert not glob.glob(f"/tmp/{MARK}*") and not glob.glob(os.path.expanduser(f"~/{MARK}*")), \
        f"{mode}: a submission wrote outside its scratch folder"
    survivors = subprocess.run(["pgrep", "-f", "sleep 613"], capture_output=True, text=True).stdout.split()
    assert not survivors, f"{mode}: processes started by a submission survived: {survivors}"
    assert RecordingScope.created, "the runner no longer uses sandbox.RunScope"
    for folder, cgroup in RecordingScope.created:
        assert not folder.exists(), f"{mode}: scratch folders were left behind in {folder}"
        assert cgroup is None or not cgroup.exists(), f"{mode}: the cgroup {cgroup} was left behind"


def test_a_banned_function_voids_the_score_in_both_modes_alike(tmp_path):
    """hyperparameter_search bans sklearn.model_selection.cross_val_score: local and secure mode agree."""
    slug = "hyperparameter_search"
    source = paths.solution_path(slug).read_text(encoding="utf-8")
    (tmp_path / f"{slug}.py").write_text(source + "\nfrom sklearn.model_selection import cross_val_score\n",
                                         encoding="utf-8")
    scores = {secure: runner.grade_exercise(manifest.get(slug), tmp_path, runner.RunOptions(secure=secure)).score
              for secure in (False, True)}
    assert scores == {False: 0.0, True: 0.0}, scores


def test_batch_refuses_a_weak_sandbox_unless_told(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from graders.cli import main

    (tmp_path / "subs" / "alice").mkdir(parents=True)
    monkeypatch.setattr(sandbox, "missing_protections", lambda: ["unprivileged uid (never root)"])
    arguments = ["batch", str(tmp_path / "subs"), "--out", str(tmp_path / "out"), "--exercises", SLUG]
    refused = CliRunner().invoke(main, arguments)
    assert refused.exit_code != 0 and "unprivileged uid" in refused.output and "--allow-weak-sandbox" in refused.output
    assert not (tmp_path / "out" / "grades.csv").exists()
    accepted = CliRunner().invoke(main, [*arguments, "--allow-weak-sandbox"])
    assert accepted.exit_code == 0, accepted.output
    assert (tmp_path / "out" / "grades.csv").read_text().splitlines()[1].startswith("alice,activations,0")
