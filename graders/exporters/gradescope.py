"""Gradescope's results.json (autograder specification): one entry per test, partial credit by points.

Visible tests are shown at once; hidden tests after the grades are published."""
from __future__ import annotations

import json

from .. import manifest
from ..results import Results, Status


def _tags(slug: str) -> list[str]:
    try:
        exercise = manifest.get(slug)
        return [exercise.track, exercise.difficulty]
    except Exception:  # noqa: BLE001 - an exercise no longer in the catalogue still exports
        return []


def render(results: Results) -> str:
    tests, number = [], 0
    lines = []
    for exercise in results.exercises:
        lines.append(f"{exercise.slug}: {exercise.score:.2f}/{exercise.max_score:.0f} ({exercise.status.value})"
                     + (f" - {exercise.message}" if exercise.message else ""))
        for adjustment in exercise.adjustments:
            lines.append(f"  {adjustment.points:+.2f}: {adjustment.reason}")
        if exercise.error is not None and not exercise.tests:
            number += 1
            tests.append({"name": f"{exercise.slug}: could not be graded", "number": str(number), "score": 0.0,
                          "max_score": round(exercise.max_score, 4), "status": "failed",
                          "output": exercise.message, "visibility": "visible", "tags": _tags(exercise.slug)})
        for test in exercise.tests:
            number += 1
            tests.append({
                "name": f"{exercise.slug}: {test.name}", "number": str(number),
                "score": round(test.score, 4), "max_score": round(test.max_score, 4),
                "status": "passed" if test.status is Status.PASS else "failed",
                "output": test.message if test.status is Status.PASS else f"[{test.status.value}] {test.message}",
                "visibility": "visible" if test.visibility == "visible" else "after_published",
                "tags": _tags(exercise.slug),
            })
    document = {
        "score": round(results.score, 4),
        "execution_time": round(sum(e.duration for e in results.exercises), 3),
        "output": "\n".join(lines),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "leaderboard": [{"name": "score", "value": round(results.score, 4)}],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
