"""Gradescope: build an autograder zip, and grade inside it.

    python grade.py export gradescope OUT.zip [--exercises a,b]   # build (instructor)
    python -m graders.gradescope                                  # run_autograder calls this

The zip holds `setup.sh` and `run_autograder` at its root and the kit under `kit/`.
Gradescope puts the zip's contents in /autograder/source and the student's files in
/autograder/submission; the results go to /autograder/results/results.json, which is
written even when the kit itself fails (with a message saying so). The root is
/autograder unless MLKIT_AUTOGRADER_ROOT says otherwise (tests).
"""
from __future__ import annotations

import json
import os
import sys
import time
import traceback
import zipfile
from pathlib import Path

KIT_PARTS = ("graders", "exercises", "solutions", "hidden_tests", "grade.py", "pyproject.toml", "README.md",
             "conftest.py")
CONFIG = "gradescope.json"

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image.
set -euo pipefail
cd /autograder/source/kit
python3 -m pip install --no-cache-dir -e .
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission; it always writes results/results.json.
ROOT="${MLKIT_AUTOGRADER_ROOT:-/autograder}"
mkdir -p "$ROOT/results"
cd "$ROOT/source/kit" && TF_CPP_MIN_LOG_LEVEL=3 "${MLKIT_PYTHON:-python3}" -m graders.gradescope
if [ ! -s "$ROOT/results/results.json" ]; then  # the kit could not even start
  printf '%s\n' '{"score": 0.0, "output_format": "text", "tests": [], "output": "The autograder itself failed to start, so this submission was not graded (your code is not to blame). Please tell your instructor."}' > "$ROOT/results/results.json"
fi
exit 0
"""


def build_autograder(out: Path, slugs: list[str]) -> Path:
    """Write the autograder zip for ``slugs``; returns its path."""
    from . import paths

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("setup.sh", SETUP), ("run_autograder", RUN)):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16
            archive.writestr(info, text)
        for path in paths.kit_files(KIT_PARTS):
            archive.write(path, f"kit/{path.relative_to(paths.ROOT)}")
        archive.writestr(f"kit/{CONFIG}", json.dumps({"exercises": slugs}, indent=2) + "\n")
    return out


def failure_document(message: str, elapsed: float) -> dict:
    return {"score": 0.0, "execution_time": round(elapsed, 3), "output_format": "text", "tests": [],
            "output": "The autograder itself failed, so this submission was not graded (your code is not "
                      f"to blame). Please tell your instructor.\n\n{message}"}


def run_autograder(root: Path) -> int:
    """Grade root/submission in secure mode and write root/results/results.json, whatever happens."""
    start = time.perf_counter()
    results_file = root / "results" / "results.json"
    results_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        from . import exporters, runner, sandbox, submissions

        slugs = json.loads(Path(CONFIG).read_text(encoding="utf-8"))["exercises"]
        missing = sandbox.missing_protections()
        if missing:  # the instructor's log only (stdout is hidden from students)
            print("sandbox protections unavailable on this machine: " + "; ".join(missing))
        with submissions.opened(root / "submission") as folder:
            results = runner.grade(slugs, folder, runner.RunOptions(secure=True))
        text = exporters.render("gradescope", results)
    except BaseException as exc:  # noqa: BLE001 - Gradescope must always get a results.json
        traceback.print_exc()
        text = json.dumps(failure_document(f"{type(exc).__name__}: {str(exc)[:500]}",
                                           time.perf_counter() - start), indent=2) + "\n"
    temporary = results_file.with_suffix(".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, results_file)
    return 0


if __name__ == "__main__":
    from graders import settings
    sys.exit(run_autograder(Path(settings.autograder_root())))
