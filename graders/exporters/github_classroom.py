"""GitHub Classroom: the runner result `autograding-grading-reporter` reads, base64-encoded.

A workflow step prints it as its output `result`; the reporter takes it from `<STEP_ID>_RESULTS`
and adds up each test's `score` against `max_score`, so partial credit survives."""
from __future__ import annotations

import base64
import json

from ..results import Results, Status

RUNNER_VERSION = 1


def document(results: Results) -> dict:
    tests = []
    for exercise in results.exercises:
        if exercise.error is not None and not exercise.tests:
            tests.append({"name": f"{exercise.slug}: could not be graded", "status": "error", "score": 0,
                          "message": exercise.message, "test_code": f"python grade.py grade {exercise.slug}",
                          "filename": "", "line_no": 0, "execution_time": "0.00s"})
        for test in exercise.tests:
            status = "pass" if test.status is Status.PASS else ("fail" if test.status is Status.FAIL else "error")
            tests.append({"name": f"{exercise.slug}: {test.name}", "status": status, "score": round(test.score, 4),
                          "message": test.message, "test_code": f"python grade.py grade {exercise.slug}",
                          "filename": "", "line_no": 0, "execution_time": f"{test.duration:.2f}s"})
        for adjustment in exercise.adjustments:
            tests.append({"name": f"{exercise.slug}: {adjustment.reason}", "status": "pass",
                          "score": round(adjustment.points, 4), "message": adjustment.reason, "test_code": "",
                          "filename": "", "line_no": 0, "execution_time": "0.00s"})
    statuses = {t["status"] for t in tests}
    overall = "error" if "error" in statuses else ("fail" if "fail" in statuses else "pass")
    return {"version": RUNNER_VERSION, "status": overall, "max_score": round(results.max_score, 4), "tests": tests}


def render(results: Results) -> str:
    return base64.b64encode(json.dumps(document(results), ensure_ascii=False).encode("utf-8")).decode("ascii") + "\n"
