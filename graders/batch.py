"""Batch grading: one folder or .zip per student, graded in parallel, resumable.

Writes OUT/STUDENT/results.json (the same Results JSON as `grade --json`) as
each student finishes, then OUT/grades.csv (student,slug,score,max_score,status)
from all of them. A student whose results.json exists is not graded again
unless ``regrade`` is set. One bad submission never stops the others.
"""
from __future__ import annotations

import csv
import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import manifest, runner, submissions
from .results import ExerciseResult, Results, Status


@dataclass(frozen=True)
class Submission:
    student: str
    path: Path


def find_submissions(folder: Path) -> list[Submission]:
    found = []
    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_dir() or entry.suffix.lower() == ".zip":
            found.append(Submission(entry.stem if entry.suffix.lower() == ".zip" else entry.name, entry))
    return found


def refused(slugs: list[str], message: str) -> Results:
    return Results([ExerciseResult(s, float(manifest.get(s).points), error=Status.REFUSED, message=message)
                    for s in slugs])


def grade_submission(submission: Submission, slugs: list[str], options: runner.RunOptions) -> Results:
    try:
        with submissions.opened(submission.path) as folder:
            results = Results([runner.grade_exercise(manifest.get(s), folder, options) for s in slugs])
    except (submissions.UnsafeSubmission, OSError) as exc:
        return refused(slugs, str(exc))
    return results


def write_json(path: Path, results: Results) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(results.to_json(), encoding="utf-8")
    os.replace(temporary, path)


def load_results(path: Path) -> Results | None:
    try:
        return Results.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError):
        return None


def write_csv(path: Path, graded: dict[str, Results]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", "slug", "score", "max_score", "status"])
        for student in sorted(graded):
            for exercise in graded[student].exercises:
                writer.writerow([student, exercise.slug, f"{exercise.score:.4g}", f"{exercise.max_score:.4g}",
                                 exercise.status.value])


def run_batch(folder: Path, out: Path, slugs: list[str] | None = None, workers: int = 2, secure: bool = True,
              regrade: bool = False, on_done: Callable[[str, Results, bool], None] | None = None) -> dict[str, Results]:
    """Grade every submission in ``folder``; returns student -> Results (including resumed ones)."""
    folder, out = Path(folder).resolve(), Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    slugs = slugs or manifest.slugs()
    runner.share_cores(workers)
    options = runner.RunOptions(secure=secure, hide=(str(folder), str(out)))
    graded: dict[str, Results] = {}

    def one(submission: Submission) -> None:
        target = out / submission.student / "results.json"
        previous = None if regrade else load_results(target)
        if previous is not None and {e.slug for e in previous.exercises} >= set(slugs):
            graded[submission.student] = Results([e for e in previous.exercises if e.slug in slugs])
            if on_done:
                on_done(submission.student, graded[submission.student], True)
            return
        start = time.perf_counter()
        results = grade_submission(submission, slugs, options)
        for exercise in results.exercises:
            exercise.duration = exercise.duration or (time.perf_counter() - start) / len(results.exercises)
        write_json(target, results)
        graded[submission.student] = results
        if on_done:
            on_done(submission.student, results, False)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(one, find_submissions(folder)))
    write_csv(out / "grades.csv", graded)
    return graded
