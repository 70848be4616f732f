"""The student bundle: nothing in it gives an answer away, it installs in a fresh virtual environment,
and `check` works there (visible tests; `grade` says the hidden ones live with the instructor)."""
from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from click.testing import CliRunner

from graders import manifest, paths
from graders.cli import main


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "course"
    result = CliRunner().invoke(main, ["release", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_no_answers_in_the_bundle(bundle):
    files = [p for p in bundle.rglob("*") if p.is_file()]
    names = {p.relative_to(bundle).parts[0] for p in files}
    assert not names & {"solutions", "hidden_tests", "tests", "scripts", ".git"}, names
    assert not [p for p in files if p.suffix in (".pyc", ".pyo", ".npz") or ".egg-info" in str(p)]
    texts = {p: p.read_text(encoding="utf-8", errors="ignore") for p in files}
    for slug in manifest.all_slugs():
        stub = set(paths.stub_path(slug).read_text(encoding="utf-8").splitlines())
        answer_lines = [line.strip() for line in paths.solution_path(slug).read_text(encoding="utf-8").splitlines()
                        if len(line.strip()) > 40 and line not in stub and not line.strip().startswith(("#", '"'))]
        for path, text in texts.items():
            leaked = [line for line in answer_lines if line in text]
            assert len(leaked) < 2, f"{path} holds lines of solutions/{slug}: {leaked[:2]}"
    with zipfile.ZipFile(bundle.with_suffix(".zip")) as zipped:
        assert len([n for n in zipped.namelist() if not n.endswith("/")]) == len(files)


def test_the_bundle_installs_in_a_fresh_venv_and_check_works(bundle, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation", "-q",
                              str(bundle)], capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr[-2000:]
    run = lambda *args: subprocess.run([str(python), "grade.py", *args], cwd=bundle, capture_output=True,  # noqa: E731
                                       text=True, timeout=600)
    words = lambda done: " ".join(done.stdout.split())  # noqa: E731 - rich wraps long lines
    stub = run("check", "activations")
    assert stub.returncode != 0 and "Visible tests passed: 0/" in words(stub), stub.stdout
    (bundle / "exercises" / "activations" / "activations.py").write_bytes(paths.solution_path("activations").read_bytes())
    solved = run("check", "activations")
    assert solved.returncode == 0 and "live with your instructor" in words(solved), solved.stdout
    graded = run("grade", "activations")
    assert "visible tests only" in words(graded), graded.stdout
