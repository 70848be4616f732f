"""One CSV row per (student, exercise): student,slug,score,max_score,status (batch's grades.csv)."""
from __future__ import annotations

import csv
import io

from ..results import Results, clean_text

HEADER = ["student", "slug", "score", "max_score", "status"]


def rows(student: str, results: Results) -> list[list[str]]:
    return [[clean_text(student), e.slug, f"{e.score:.4g}", f"{e.max_score:.4g}", e.status.value]
            for e in results.exercises]


def render_many(graded: dict[str, Results]) -> str:
    """The CSV of several students' Results, sorted by student."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for student in sorted(graded):
        writer.writerows(rows(student, graded[student]))
    return out.getvalue()


def render(results: Results) -> str:
    return render_many({str(results.run.get("submission", "")): results})
