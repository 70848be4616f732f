"""Batch grading: one folder or .zip per student, graded in parallel, resumable.

Writes OUT/STUDENT/results.json (the same Results JSON as `grade --json`) as
each student finishes, then OUT/grades.csv (student,slug,score,max_score,status)
from all of them. A student whose results.json exists is not graded again
unless ``regrade`` is set. One bad submission never stops the others.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import manifest, runner, settings, submissions
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


def refused(slugs: list[str], message: str, status: Status = Status.REFUSED) -> Results:
    return Results([ExerciseResult(s, float(manifest.get(s).points), error=status, message=message)
                    for s in slugs])


def grading_failed(slug: str, exc: Exception) -> ExerciseResult:
    """What an unexpected exception while grading one exercise becomes: that exercise's crash."""
    return ExerciseResult(slug, float(manifest.get(slug).points), error=Status.CRASH,
                          message=f"the grader could not grade this exercise ({type(exc).__name__}: {str(exc)[:300]})")


def grade_submission(submission: Submission, slugs: list[str], options: runner.RunOptions) -> Results:
    """Grade one student in this process; never raises: every failure becomes a status."""
    results = Results([grade_one(submission, slug, options) for slug in slugs])
    results.run = runner.run_metadata(submission.path, options, submission=submission.student)
    return results


def grade_one(submission: Submission, slug: str, options: runner.RunOptions) -> ExerciseResult:
    """One student's exercise (the unit of work a job runs); never raises."""
    start = time.perf_counter()
    try:
        with submissions.opened(submission.path) as folder:
            try:
                result = runner.grade_exercise(manifest.get(slug), folder, options)
            except Exception as exc:  # noqa: BLE001 - one exercise's failure must not lose the others
                result = grading_failed(slug, exc)
    except (submissions.UnsafeSubmission, OSError) as exc:
        result = refused([slug], str(exc)).exercises[0]
    except Exception as exc:  # noqa: BLE001 - one student's failure must not stop the batch
        result = refused([slug], f"the grader could not open this submission ({type(exc).__name__}: "
                                 f"{str(exc)[:300]})", Status.CRASH).exercises[0]
    result.duration = result.duration or time.perf_counter() - start
    return result


def write_json(path: Path, results: Results) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(results.to_json(instructor=True), encoding="utf-8")
    os.replace(temporary, path)


def load_results(path: Path) -> Results | None:
    """The results a previous run wrote; None (grade again) when missing or unreadable in any way."""
    try:
        return Results.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None


def write_csv(path: Path, graded: dict[str, Results]) -> None:
    from .exporters import csv_rows
    temporary = path.with_suffix(".tmp")
    temporary.write_text(csv_rows.render_many(graded), encoding="utf-8")
    os.replace(temporary, path)


def run_batch(folder: Path, out: Path, slugs: list[str] | None = None, workers: int = 2, secure: bool = True,
              regrade: bool = False, on_done: Callable[[str, Results, bool], None] | None = None,
              scheduler: str | None = None) -> dict[str, Results]:
    """Grade every submission in ``folder`` - one job per (student, exercise), here or on the Dask
    cluster at ``scheduler`` - and return student -> Results (including resumed ones)."""
    from . import jobs

    folder, out = Path(folder).resolve(), Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    slugs = slugs or manifest.slugs()
    options = runner.shared_cores(runner.RunOptions(secure=secure, hide=(str(folder), str(out)),
                                                    warm=settings.preload()),
                                  1 if scheduler else workers)
    graded: dict[str, Results] = {}
    pending: dict[str, dict[str, ExerciseResult]] = {}
    work = []
    for submission in find_submissions(folder):
        previous = None if regrade else load_results(out / submission.student / "results.json")
        if previous is not None and {e.slug for e in previous.exercises} >= set(slugs):
            graded[submission.student] = Results([e for e in previous.exercises if e.slug in slugs], previous.run)
            if on_done:
                on_done(submission.student, graded[submission.student], True)
            continue
        pending[submission.student] = {}
        work += [jobs.Job(f"{submission.student}/{slug}", grade_one, (submission, slug, options))
                 for slug in slugs]
    submitted = {job.key: job.args[0] for job in work}

    def finished(job: jobs.Job, result: ExerciseResult) -> None:
        submission = submitted[job.key]
        done = pending[submission.student]
        done[job.args[1]] = result
        if len(done) < len(slugs):
            return
        results = Results([done[slug] for slug in slugs],
                          runner.run_metadata(submission.path, options, submission=submission.student))
        graded[submission.student] = results
        write_json(out / submission.student / "results.json", results)
        if on_done:
            on_done(submission.student, results, False)

    executor = jobs.executor(workers, scheduler)
    try:
        executor.run(work, finished)
    finally:  # whatever stopped the batch, the grades finished so far are written
        write_csv(out / "grades.csv", graded)
        getattr(executor, "close", lambda: None)()
    return graded
