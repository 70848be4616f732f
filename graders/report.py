"""Render Results for people: rich tables and one-line summaries.

Text that comes from a submission (messages, names) is printed with its markup escaped:
``[bold red]`` in a learner's exception message is shown as typed, never interpreted."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .results import ExerciseResult, Results, Status, percent

STYLE = {
    Status.PASS: ("green", "pass"), Status.PARTIAL: ("yellow", "partial"), Status.FAIL: ("red", "fail"),
    Status.ERROR: ("red", "error"), Status.TIMEOUT: ("magenta", "timeout"), Status.MEMORY: ("magenta", "memory"),
    Status.CRASH: ("magenta", "crash"), Status.PROTOCOL: ("magenta", "protocol"), Status.BANNED: ("red", "banned"),
    Status.MISSING: ("dim", "missing"), Status.REFUSED: ("red", "refused"),
}


def badge(status: Status) -> str:
    colour, text = STYLE[status]
    return f"[{colour}]{text}[/{colour}]"


def tests_table(exercise: ExerciseResult, show_passed: bool = True) -> Table:
    table = Table(title=escape(exercise.slug), title_justify="left", show_lines=False)
    table.add_column("test")
    table.add_column("", no_wrap=True)
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("message", overflow="fold")
    for test in exercise.tests:
        if test.status is Status.PASS and not show_passed:
            continue
        name = escape(test.name) + (" [dim](hidden)[/dim]" if test.visibility == "hidden" else "")
        table.add_row(name, badge(test.status), f"{test.score:.1f}/{test.max_score:.1f}", escape(test.message))
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
        table.add_row(escape(e.slug), badge(e.status), f"{e.score:.1f}/{e.max_score:.0f}",
                      f"{passed}/{len(e.tests)}" if e.tests else "-", f"{e.duration:.1f}s")
    table.add_section()
    table.add_row("total", "", f"{results.score:.1f}/{results.max_score:.0f}",
                  f"{percent(results.score, results.max_score):.0f}%", "")
    return table


def print_exercise(console: Console, exercise: ExerciseResult, show_passed: bool = True) -> None:
    if exercise.message:
        console.print(f"{badge(exercise.status)} {escape(exercise.slug)}: {escape(exercise.message)}")
    if exercise.tests:
        console.print(tests_table(exercise, show_passed))


def batch_table(graded: dict[str, Results]) -> Table:
    """Per-exercise summary of a batch: mean score and how many passed."""
    table = Table(title=f"Batch summary ({len(graded)} students)", title_justify="left")
    for column in ("exercise", "mean score", "passed", "partial", "0 points", "errors"):
        table.add_column(column, justify="right" if column != "exercise" else "left")
    by_slug: dict[str, list[ExerciseResult]] = {}
    for results in graded.values():
        for exercise in results.exercises:
            by_slug.setdefault(exercise.slug, []).append(exercise)
    for slug, rows in by_slug.items():
        mean = sum(e.score for e in rows) / len(rows)
        table.add_row(escape(slug), f"{mean:.1f}/{rows[0].max_score:.0f}",
                      str(sum(e.status is Status.PASS for e in rows)),
                      str(sum(e.status is Status.PARTIAL for e in rows)),
                      str(sum(e.score == 0 for e in rows)),
                      str(sum(e.status not in (Status.PASS, Status.PARTIAL, Status.FAIL) for e in rows)))
    return table
