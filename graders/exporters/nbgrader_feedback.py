"""Feedback for a student as one HTML page, in the spirit of nbgrader's generate_feedback: every
exercise, every test with its points and message. Learner-facing: no instructor detail."""
from __future__ import annotations

from html import escape

from ..results import Results, Status

STYLE = ("body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse;width:100%}"
         "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
         ".pass{color:#1a7f37}.fail{color:#cf222e}")


def render(results: Results) -> str:
    student = escape(str(results.run.get("submission", "")))
    parts = [f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Feedback {student}</title>"
             f"<style>{STYLE}</style></head><body>",
             f"<h1>Feedback{': ' + student if student else ''}</h1>",
             f"<p>Score: <b>{results.score:.2f} / {results.max_score:g}</b></p>"]
    for exercise in results.exercises:
        parts.append(f"<h2>{escape(exercise.slug)}: {exercise.score:.2f} / {exercise.max_score:g} "
                     f"({escape(exercise.status.value)})</h2>")
        if exercise.message:
            parts.append(f"<p>{escape(exercise.message)}</p>")
        for adjustment in exercise.adjustments:
            parts.append(f"<p>{adjustment.points:+.2f}: {escape(adjustment.reason)}</p>")
        if exercise.tests:
            parts.append("<table><tr><th>test</th><th>result</th><th>points</th><th>message</th></tr>")
            for test in exercise.tests:
                css = "pass" if test.status is Status.PASS else "fail"
                hidden = " (hidden)" if test.visibility == "hidden" else ""
                parts.append(f"<tr><td>{escape(test.name)}{hidden}</td><td class=\"{css}\">{escape(test.status.value)}"
                             f"</td><td>{test.score:.2f} / {test.max_score:.2f}</td><td>{escape(test.message)}</td></tr>")
            parts.append("</table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
