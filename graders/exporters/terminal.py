"""The terminal report (rich tables) as plain text, for logs and files."""
from __future__ import annotations

import io

from rich.console import Console

from .. import report
from ..results import Results, percent


def render(results: Results, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, force_terminal=False)
    for exercise in results.exercises:
        report.print_exercise(console, exercise, show_passed=True)
    console.print(report.summary_table(results))
    console.print(f"Score: {results.score:.1f}/{results.max_score:.0f} ({percent(results.score, results.max_score):.0f}%)")
    return console.file.getvalue()
