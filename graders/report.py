"""Render Results for people: rich tables and one-line summaries."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .results import ExerciseResult, Results, Status, percent

STYLE = {
    Status.PASS: ("green", "pass"), Status.PARTIAL: ("yellow", "partial"), Status.FAIL: ("red", "fail"),
    Status.ERROR: ("red", "error"), Status.TIMEOUT: ("magenta", "timeout"), Status.MEMORY: ("magenta", "memory"),
    Status.CRASH: ("magenta", "crash"), Status.PROTOCOL: ("magenta", "protocol"), Status.BANNED: ("red", "banned"),
    Status.MISSING: ("dim", "missing"),
}


def badge(status: Status) -> str:
    colour, text = STYLE[status]
    return f"[{colour}]{text}[/{colour}]"


def tests_table(exercise: ExerciseResult, show_passed: bool = True) -> Table:
    table = Table(title=f"{exercise.slug}", title_justify="left", show_lines=False)
    table.add_column("test")
    table.add_column("", no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("message", overflow="fold")
    for test in exercise.tests:
        if test.status is Status.PASS and not show_passed:
            continue
        name = test.name + (" [dim](hidden)[/dim]" if test.visibility == "hidden" else "")
        table.add_row(name, badge(test.status), f"{test.score:.1f}/{test.max_score:.1f}", test.message)
    return table


def summary_table(results: Results) -> Table:
    table = Table(title="Score", title_justify="left")
    table.add_column("exercise")
    table.add_column("status")
    table.add_column("score", justify="right")
    table.add_column("tests passed", justify="right")
    table.add_column("time", justify="right")
    for e in results.exercises:
        passed = sum(t.status is Status.PASS for t in e.tests)
        table.add_row(e.slug, badge(e.status), f"{e.score:.1f}/{e.max_score:.0f}",
                      f"{passed}/{len(e.tests)}" if e.tests else "-", f"{e.duration:.1f}s")
    table.add_section()
    table.add_row("total", "", f"{results.score:.1f}/{results.max_score:.0f}",
                  f"{percent(results.score, results.max_score):.0f}%", "")
    return table


def print_exercise(console: Console, exercise: ExerciseResult, show_passed: bool = True) -> None:
    if exercise.message:
        console.print(f"{badge(exercise.status)} {exercise.slug}: {exercise.message}")
    if exercise.tests:
        console.print(tests_table(exercise, show_passed))
