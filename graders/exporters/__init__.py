"""Exporters: pure functions of Results, one module per format.

    render(FORMAT, results) -> str

Learner-facing formats never include the instructor-only ``detail`` fields.
"""
from __future__ import annotations

from typing import Callable

from ..results import Results
from . import csv_rows, github_classroom, gradescope, json_results, junit, nbgrader_feedback, terminal

FORMATS: dict[str, Callable[[Results], str]] = {
    "json": json_results.render,
    "csv": csv_rows.render,
    "junit": junit.render,
    "gradescope": gradescope.render,
    "github-classroom": github_classroom.render,
    "nbgrader-feedback": nbgrader_feedback.render,
    "text": terminal.render,
}


def render(name: str, results: Results) -> str:
    """``results`` in format ``name`` (one of FORMATS)."""
    try:
        return FORMATS[name](results)
    except KeyError:
        raise ValueError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}") from None
