"""Which folders a secure-mode worker may not see (graders/sandbox.py)."""
import os

from graders import paths, sandbox


def test_everything_but_system_folders_is_hidden():
    hidden = sandbox.hidden_paths([])
    for system in ("/usr", "/etc", "/proc", "/dev"):
        assert system not in hidden
    assert any(str(paths.ROOT) == h or str(paths.ROOT).startswith(h + os.sep) for h in hidden)


def test_without_namespaces_allowed_folders_stay_readable_and_their_siblings_do_not(tmp_path):
    allowed = tmp_path / "scratch"
    allowed.mkdir()
    (tmp_path / "other_student").mkdir()
    denied = sandbox.denied_paths([str(tmp_path)], [str(allowed)])
    assert str(tmp_path / "other_student") in denied
    assert not any(str(allowed) == d or str(allowed).startswith(d + os.sep) for d in denied)
    assert str(paths.ROOT / "solutions") in denied or any(str(paths.ROOT).startswith(d + os.sep) for d in denied)


def test_without_namespaces_the_audit_hook_still_keeps_the_kit_out_of_reach(tmp_path, monkeypatch):
    """The fallback for machines without user namespaces (some containers), forced here."""
    from adversarial.attacks import ATTACKS
    from graders import manifest, runner
    from graders.results import Status

    monkeypatch.setenv("MLKIT_NO_NAMESPACES", "1")
    exercise, options = manifest.get("activations"), runner.RunOptions(secure=True, visible=False)
    assert runner.grade_exercise(exercise, paths.SOLUTIONS, options).status is Status.PASS
    for attack in ATTACKS:
        if attack.name in ("read_solutions_from_disk", "import_reference_module"):
            folder = tmp_path / attack.name
            folder.mkdir()
            source = paths.solution_path("activations").read_text(encoding="utf-8")
            (folder / "activations.py").write_text(source + "\n\n" + attack.snippet, encoding="utf-8")
            result = runner.grade_exercise(exercise, folder, options)
            stolen = [t.name for t in result.tests if "softmax" in t.name and t.status is Status.PASS]
            assert not stolen, f"{attack.name} passed {stolen} without namespaces"


def test_a_sandbox_that_cannot_start_says_so_and_blames_no_one(monkeypatch):
    """A start-up failure (here: a broken Landlock policy) is reported from the worker's start-up log."""
    import pytest

    from graders import secure
    from graders.errors import LearnerCrash

    broken = sandbox.landlock_policy
    monkeypatch.setattr(sandbox, "landlock_policy", lambda *args: {**broken(*args), "read": 5})
    monkeypatch.setattr(sandbox, "landlock_abi", lambda: 1)
    with pytest.raises(LearnerCrash, match="sandbox failed to start, not because of your code"):
        secure.RemoteModule(paths.solution_path("activations"), "activations")


def test_a_process_that_forgets_to_close_its_workers_leaves_nothing(tmp_path):
    """Workers started outside a runner's RunScope go under the process's own run folder and cgroup,
    removed with everything in them when the process exits."""
    import subprocess
    import sys

    code = ("from graders import paths, sandbox, secure\n"
            "m = secure.RemoteModule(paths.solution_path('activations'), 'activations')\n"
            "print(sandbox.run_dir()); print(sandbox.run_cgroup())\n")
    env = {k: v for k, v in os.environ.items() if k not in (sandbox.RUN_DIR_ENV, sandbox.RUN_CGROUP_ENV)}
    out = subprocess.run([sys.executable, "-c", code], cwd=paths.ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    folder, cgroup = out.stdout.split()
    assert folder.startswith("/") and not os.path.exists(folder), f"{folder} was left behind"
    assert cgroup == "None" or not os.path.exists(cgroup), f"{cgroup} was left behind"


def test_the_judge_runs_under_its_own_memory_limit():
    """A judge that tries to allocate beyond its limit fails instead of taking the machine's memory."""
    import sys

    from graders import runner

    code, tail = runner.run_with_limit([sys.executable, "-c", "bytearray(3 * 1024 ** 3)"], 60, {}, memory_mb=1024)
    assert code != 0 and "MemoryError" in tail
    code, _ = runner.run_with_limit([sys.executable, "-c", "bytearray(100 * 1024 ** 2)"], 60, {}, memory_mb=1024)
    assert code == 0


def test_a_judge_killed_at_its_limit_leaves_no_scratch_or_cgroup(tmp_path, monkeypatch):
    """The run folder and cgroup belong to the process that started the judge, which removes them even
    when the judge (and the hanging worker under it) is SIGKILLed at the exercise's time limit."""
    from graders import manifest, runner

    created = []

    class Recording(sandbox.RunScope):
        def __init__(self) -> None:
            super().__init__()
            created.append((self.folder, self.cgroup))

    monkeypatch.setattr(sandbox, "RunScope", Recording)
    source = paths.solution_path("activations").read_text(encoding="utf-8")
    (tmp_path / "activations.py").write_text(source + "\n\ndef softmax(x, axis=-1):\n    while True:\n        pass\n",
                                             encoding="utf-8")
    monkeypatch.setattr(manifest.Exercise, "timeout", property(lambda self: 4.0))  # below one call's limit
    exercise = manifest.get("activations")
    result = runner.grade_exercise(exercise, tmp_path, runner.RunOptions(secure=True, visible=False))
    assert any(t.status.value == "timeout" for t in result.tests), [t.status for t in result.tests]
    assert created
    for folder, cgroup in created:
        assert not folder.exists(), f"{folder} left behind"
        assert cgroup is None or not cgroup.exists(), f"{cgroup} left behind"


def test_runs_whose_owner_was_killed_outright_are_removed_by_the_next_one(tmp_path):
    """A process SIGKILLed while grading (a lost Dask worker) cannot clean up: the next run does."""
    import subprocess
    import tempfile
    from pathlib import Path

    gone = subprocess.Popen(["true"])
    gone.wait()
    folder = Path(tempfile.gettempdir()) / f"{sandbox.RUN_PREFIX}{gone.pid}-stale"
    (folder / "worker-x").mkdir(parents=True)
    group = sandbox.PIDS_CGROUP / f"{sandbox.RUN_PREFIX}{gone.pid}-stale"
    if sandbox.pids_cgroup_available():
        (group / "mlkit-child").mkdir(parents=True)
    alive = Path(tempfile.gettempdir()) / f"{sandbox.RUN_PREFIX}{os.getpid()}-alive"
    alive.mkdir()
    try:
        with sandbox.RunScope():
            pass
        assert not folder.exists() and not group.exists()
        assert alive.exists(), "a run whose owner still runs must be left alone"
    finally:
        alive.rmdir()


WORKER_STATE = """

import os as _os
_CALLS = []


def worker_state():
    _CALLS.append(1)
    return [_os.getpid(), len(_CALLS)]


def end_worker():
    _os._exit(3)
"""


def worker_state_submission(folder):
    """activations' reference plus WORKER_STATE, as folder/activations.py."""
    path = folder / "activations.py"
    path.write_text(paths.solution_path("activations").read_text(encoding="utf-8") + WORKER_STATE, encoding="utf-8")
    return path


def test_the_modules_of_one_grading_share_a_worker_each_with_the_submission_loaded_afresh(tmp_path):
    """Visible then hidden module: one worker (TensorFlow imported once per grading), a new module each
    time (module globals start over, as in local mode), gone when the judge's session ends."""
    from graders import secure

    path = worker_state_submission(tmp_path)
    visible = secure.RemoteModule(path, "activations")
    pid, _ = visible.worker_state()
    assert visible.worker_state() == [pid, 2]
    visible.close()
    hidden = secure.RemoteModule(path, "activations")
    assert hidden.worker_state() == [pid, 1]
    hidden.close()
    worker = next(iter(secure._SPARE.values()))
    secure.close_spare_workers()
    assert worker.process.poll() is not None and not secure._SPARE


def test_a_module_whose_worker_died_hands_the_next_module_a_fresh_one(tmp_path):
    import pytest

    from graders import secure
    from graders.errors import LearnerCrash

    path = worker_state_submission(tmp_path)
    first = secure.RemoteModule(path, "activations")
    first.worker_state()
    with pytest.raises(LearnerCrash):
        first.end_worker()
    first.close()
    assert not secure._SPARE
    second = secure.RemoteModule(path, "activations")
    assert second.worker_state()[1] == 1
    second.close()
    secure.close_spare_workers()


def test_a_worker_that_died_while_waiting_for_the_next_module_is_replaced(tmp_path):
    import signal

    from graders import secure

    path = worker_state_submission(tmp_path)
    first = secure.RemoteModule(path, "activations")
    first.worker_state()
    first.close()
    waiting = next(iter(secure._SPARE.values()))
    os.killpg(waiting.process.pid, signal.SIGKILL)
    waiting.process.wait(timeout=10)
    second = secure.RemoteModule(path, "activations")
    assert second.worker_state()[1] == 1
    second.close()
    secure.close_spare_workers()
