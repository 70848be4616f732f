"""The warm path (graders.warm): judges forked from a template, pooled sandboxed workers.

A forked judge must grade exactly as a fresh one, nothing may leak from one grading into the
next, and the template must refuse to fork once a TensorFlow op has run in it.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graders import manifest, paths, runner, sandbox, warm
from graders.devcheck import grade_corpus_entry
from graders.patches import apply_patch
from graders.results import Status

SLUG = "activations"


def outcome(result) -> tuple:
    return (result.status, round(result.score, 6), [(t.id, t.status, t.message) for t in result.tests])


def corpus_folder(tmp_path: Path, slug: str, mutant: str) -> Path:
    folder = tmp_path / mutant
    folder.mkdir()
    source = apply_patch(paths.solution_path(slug).read_text(encoding="utf-8"),
                         (paths.ROOT / "tests" / "corpus" / slug / f"{mutant}.diff").read_text(encoding="utf-8"))
    (folder / f"{slug}.py").write_text(source, encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def fresh_templates():
    yield
    warm.close_all()


@pytest.mark.parametrize("secure", [False, True], ids=["local", "secure"])
def test_a_forked_judge_grades_exactly_as_a_fresh_one(tmp_path, secure):
    if secure and sandbox.missing_protections():
        pytest.skip("secure mode needs the full sandbox: " + "; ".join(sandbox.missing_protections()))
    mutants = sorted(p.stem for p in (paths.ROOT / "tests" / "corpus" / SLUG).glob("mutant_*.diff"))[:2]
    targets = [paths.SOLUTIONS, paths.EXERCISES, *(corpus_folder(tmp_path, SLUG, m) for m in mutants)]
    exercise = manifest.get(SLUG)
    fresh = [outcome(runner.grade_exercise(exercise, t, runner.RunOptions(secure=secure))) for t in targets]
    warm_runs = [outcome(runner.grade_exercise(exercise, t, runner.RunOptions(secure=secure, warm=True)))
                 for t in targets + targets[:1]]  # the last one again: a template serves many gradings
    assert warm_runs[:-1] == fresh
    assert warm_runs[-1] == fresh[0]
    assert fresh[0][1] == exercise.points and fresh[1][1] == 0


def test_a_tensorflow_exercise_grades_the_same_forked():
    """The template imported TensorFlow (never ran an op); the forked judges train models."""
    slug = "text_cnn"
    assert "keras" in warm.judge_libraries(slug)
    exercise = manifest.get(slug)
    targets = [paths.EXERCISES, paths.SOLUTIONS]
    fresh = [outcome(runner.grade_exercise(exercise, t)) for t in targets]
    forked = [outcome(runner.grade_exercise(exercise, t, runner.RunOptions(warm=True))) for t in targets]
    assert [f[:2] for f in forked] == [f[:2] for f in fresh] == [(fresh[0][0], 0), (fresh[1][0], exercise.points)]
    assert [[t[:2] for t in f[2]] for f in forked] == [[t[:2] for t in f[2]] for f in fresh]


CHEAT = textwrap.dedent("""
    import numpy as np
    import graders.asserts as asserts
    asserts.assert_allclose = lambda *args, **kwargs: None   # disarm the judge's checks in this process
    np.random.seed(0)
    open({marker!r}, "w").write("ran")
""")


def test_nothing_leaks_from_one_forked_grading_into_the_next(tmp_path):
    """Local mode runs learner code in the forked judge: what it changes dies with that judge."""
    cheater = tmp_path / "cheater"
    cheater.mkdir()
    marker = tmp_path / "marker"
    stub = paths.stub_path(SLUG).read_text(encoding="utf-8")
    (cheater / f"{SLUG}.py").write_text(stub + CHEAT.format(marker=str(marker)), encoding="utf-8")
    exercise = manifest.get(SLUG)
    options = runner.RunOptions(warm=True, banned_check=False)
    runner.grade_exercise(exercise, cheater, options)
    assert marker.exists(), "the cheater's module did not run in the forked judge"
    after = runner.grade_exercise(exercise, paths.EXERCISES, options)
    assert after.score == 0, "the untouched stub scored after a submission patched the judge's asserts"


def test_the_template_refuses_to_fork_once_a_tensorflow_op_has_run():
    script = textwrap.dedent("""
        from graders import warm
        template = warm.Template(["keras"])
        template.ensure_fork_safe()                 # imports only: safe
        import keras, numpy as np
        keras.ops.convert_to_numpy(keras.ops.add(np.ones(3), np.ones(3)))   # starts TensorFlow's thread pools
        try:
            template.fork_judge({"args": ["--version"], "env": {}, "output": "/dev/null"})
        except warm.ForkUnsafe as exc:
            print("REFUSED", exc)
        else:
            print("FORKED")
    """)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    run = subprocess.run([sys.executable, "-c", script], cwd=paths.ROOT, capture_output=True, text=True,
                         timeout=600, env=env)
    assert "REFUSED" in run.stdout, run.stdout + run.stderr[-2000:]


def test_a_forked_judge_is_killed_at_its_limit(tmp_path):
    looping = tmp_path / "looping"
    looping.mkdir()
    source = paths.solution_path(SLUG).read_text(encoding="utf-8")
    (looping / f"{SLUG}.py").write_text(source + "\nwhile True:\n    pass\n", encoding="utf-8")
    exercise = manifest.get(SLUG)
    result = runner.grade_exercise(exercise, looping, runner.RunOptions(warm=True, timeout_scale=0.05))
    assert result.score == 0
    assert {t.status for t in result.tests} == {Status.TIMEOUT}, [(t.name, t.status) for t in result.tests]
    honest = runner.grade_exercise(exercise, paths.SOLUTIONS, runner.RunOptions(warm=True))
    assert honest.score == pytest.approx(exercise.points)


def test_a_grading_falls_back_to_a_fresh_judge_when_the_template_dies(tmp_path):
    exercise = manifest.get(SLUG)
    options = runner.RunOptions(warm=True)
    assert runner.grade_exercise(exercise, paths.SOLUTIONS, options).score == pytest.approx(exercise.points)
    judge = warm.acquire(SLUG, runner.subprocess_env(None, None))  # the idle template the first grading used
    warm.release(judge)
    judge.process.kill()
    judge.process.wait()
    assert runner.grade_exercise(exercise, paths.SOLUTIONS, options).score == pytest.approx(exercise.points)
    assert not judge.scope.folder.exists(), "the dead template's run folder was left behind"
    assert judge.scope.cgroup is None or not judge.scope.cgroup.exists()


def test_corpus_runs_use_the_template(monkeypatch):
    seen = []
    original = warm.WarmJudge.run
    monkeypatch.setattr(warm.WarmJudge, "run", lambda self, *a, **k: seen.append(1) or original(self, *a, **k))
    entry = sorted((paths.ROOT / "tests" / "corpus" / SLUG).glob("mutant_*.diff"))[0]
    assert grade_corpus_entry(SLUG, entry).score < manifest.get(SLUG).points
    assert seen


def test_watch_reuses_one_template_across_saves(monkeypatch):
    """A save re-runs the visible tests in a judge forked from the template the first run started."""
    from rich.console import Console

    from graders import state, watch
    monkeypatch.setattr(state, "record", lambda *args, **kwargs: None)  # leave the learner's progress alone
    started = []
    original = warm.WarmJudge.__init__
    monkeypatch.setattr(warm.WarmJudge, "__init__", lambda self, *a, **k: started.append(1) or original(self, *a, **k))
    console = Console(file=open(os.devnull, "w"))
    for _ in range(3):
        assert watch.run_visible(console, SLUG) is False  # the untouched stub
    assert len(started) == 1


SABOTAGE_NEIGHBOURS = """
import os, signal, glob
for _pid in os.listdir("/proc"):
    if _pid.isdigit() and int(_pid) != os.getpid():
        for _sig in (signal.SIGSTOP, signal.SIGKILL):
            try:
                os.kill(int(_pid), _sig)
            except Exception:
                pass
for _path in glob.glob("/tmp/**/activations.py", recursive=True) + glob.glob("/sandbox/**", recursive=True):
    try:
        open(_path, "w").write("def softmax(x, axis=-1):\\n    return x\\n")
    except Exception:
        pass
"""


@pytest.mark.skipif(bool(sandbox.missing_protections()), reason="needs the full sandbox")
def test_a_pooled_worker_is_confined_and_cannot_reach_the_next_one(tmp_path, monkeypatch):
    """This process plays the forked judge: it takes pooled workers from a template's pool, the way
    graders.warm hands them over, while the next student's worker is already warming."""
    import json

    import numpy as np

    from adversarial.attacks import ATTACKS
    from graders import secure

    template = warm.Template(["numpy"])
    reference = paths.solution_path(SLUG).read_text(encoding="utf-8")
    x = np.random.default_rng(0).normal(size=(4, 5))
    expected = np.exp(x - x.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)

    def take(name: str, snippet: str):
        folder = tmp_path / name
        folder.mkdir()
        (folder / f"{SLUG}.py").write_text(reference + "\n\n" + snippet, encoding="utf-8")
        if template.ready_worker is None:
            template.start_worker({"slug": SLUG, "hide": [str(tmp_path)]})
        worker, template.ready_worker = template.ready_worker, None
        monkeypatch.setenv(warm.POOLED_WORKER_ENV, json.dumps(worker.handover()))
        remote = secure.RemoteModule(folder / f"{SLUG}.py", SLUG, call_timeout=10)
        assert isinstance(remote._worker, secure.PooledWorker)
        worker.fd_in = worker.fd_out = -1  # the "judge" owns them now
        template.start_worker({"slug": SLUG, "hide": [str(tmp_path)]})  # the next student's, warming now
        return remote, worker

    attacks = {a.name: a.snippet for a in ATTACKS if a.name in (
        "read_solutions_from_disk", "import_reference_module", "kill_the_parent", "fork_bomb", "network_access")}
    attacks["sabotage_neighbours"] = SABOTAGE_NEIGHBOURS + "\ndef softmax(x, axis=-1):\n    return x\n"
    try:
        for name, snippet in attacks.items():
            remote, worker = take(name, snippet)
            try:
                got = remote.softmax(x, 1)
            except Exception:  # noqa: BLE001 - refused, crashed or timed out: all fine
                got = None
            assert got is None or not np.allclose(got, expected), f"{name} got the right answer from a pooled worker"
            remote.close()
            worker.kill()
        honest, worker = take("honest", "")
        np.testing.assert_allclose(honest.softmax(x, 1), expected, rtol=1e-6)
        honest.close()
        worker.kill()
    finally:
        template.close()


@pytest.mark.slow
def test_the_benchmark_runs_and_writes_its_figures(tmp_path):
    """`python benchmarks/bench.py --quick` as the README shows it (opt-in: minutes of grading)."""
    import json
    done = subprocess.run([sys.executable, "benchmarks/bench.py", "--quick", "--only", "overhead,start"],
                          cwd=paths.ROOT, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads((paths.ROOT / "benchmarks" / "results" / "latest.json").read_text())
    assert figures["overhead_ratio"]["median"] > 0 and figures["machine"]["cores"] == os.cpu_count()
