"""Render Results for people: rich tables and one-line summaries.

Text that comes from a submission (messages, names) is printed with its markup escaped:
``[bold red]`` in a learner's exception message is shown as typed, never interpreted."""
from __future__ import annotations

import contextlib
import threading
import time
from typing import Iterator

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .i18n import _
from .results import ExerciseResult, Results, Status, TestResult, percent

STYLE = {
    Status.PASS: "green", Status.PARTIAL: "yellow", Status.FAIL: "red", Status.ERROR: "red", Status.TIMEOUT: "magenta",
    Status.MEMORY: "magenta", Status.CRASH: "magenta", Status.PROTOCOL: "magenta", Status.BANNED: "red",
    Status.MISSING: "dim", Status.REFUSED: "red",
}


def status_text(status: Status) -> str:
    """The status word in the learner's language (the JSON keeps the English value)."""
    words = {Status.PASS: _("pass"), Status.PARTIAL: _("partial"), Status.FAIL: _("fail"), Status.ERROR: _("error"),
             Status.TIMEOUT: _("timeout"), Status.MEMORY: _("memory"), Status.CRASH: _("crash"),
             Status.PROTOCOL: _("protocol"), Status.BANNED: _("banned"), Status.MISSING: _("missing"),
             Status.REFUSED: _("refused")}
    return words[status]


def badge(status: Status) -> str:
    colour = STYLE[status]
    return f"[{colour}]{status_text(status)}[/{colour}]"


MAX_NAMES = 2  # test names listed under one shared failure
MAX_OUTPUT_LINES = 8  # of what the learner's code printed, under a failure


def failure_groups(exercise: ExerciseResult) -> list[tuple[Status, str, list[TestResult]]]:
    """Failed tests grouped by (status, message), in order of first appearance: a syntax error that
    fails all 35 tests is one group, not 35 rows."""
    groups: dict[tuple[Status, str], list[TestResult]] = {}
    for test in exercise.tests:
        if test.status is not Status.PASS:
            groups.setdefault((test.status, test.message), []).append(test)
    return [(status, message, tests) for (status, message), tests in groups.items()]


def test_label(test: TestResult) -> str:
    return escape(test.name) + (_(" [dim](hidden)[/dim]") if test.visibility == "hidden" else "")


def print_failures(console: Console, exercise: ExerciseResult) -> None:
    """Each distinct failure once, with the checks it failed; readable at 80 columns."""
    for status, message, tests in failure_groups(exercise):
        console.print(f" {badge(status)} {escape(message) or _('failed')}", overflow="fold")
        if len(tests) == 1:
            console.print("     " + _("in {name}").format(name=test_label(tests[0])), overflow="fold")
        else:
            names = ", ".join(test_label(t) for t in tests[:MAX_NAMES])
            more = _(" and {count} more").format(count=len(tests) - MAX_NAMES) if len(tests) > MAX_NAMES else ""
            console.print("     " + _("in {count} checks: {names}{more}").format(count=len(tests), names=names,
                                                                               more=more), overflow="fold")
        printed = next((t.output for t in tests if t.output), "")
        if printed:
            lines = printed.rstrip().splitlines()
            shown = lines[-MAX_OUTPUT_LINES:]
            console.print("     " + (_("your code printed (last {count} lines):").format(count=len(shown))
                                     if len(lines) > len(shown) else _("your code printed:"))
                          + "\n" + "\n".join("       " + escape(line) for line in shown), overflow="fold")


def summary_table(results: Results) -> Table:
    table = Table(title=_("Score"), title_justify="left")
    table.add_column(_("exercise"))
    table.add_column(_("status"))
    table.add_column(_("score"), justify="right")
    table.add_column(_("tests passed"), justify="right")
    table.add_column(_("time"), justify="right")
    for e in results.exercises:
        passed = sum(t.status is Status.PASS for t in e.tests)
        table.add_row(escape(e.slug), badge(e.status), f"{e.score:.1f}/{e.max_score:.0f}",
                      f"{passed}/{len(e.tests)}" if e.tests else "-", f"{e.duration:.1f}s")
    table.add_section()
    table.add_row(_("total"), "", f"{results.score:.1f}/{results.max_score:.0f}",
                  f"{percent(results.score, results.max_score):.0f}%", "")
    return table


@contextlib.contextmanager
def running(console: Console, what: str) -> Iterator[None]:
    """A live "running the visible tests of X… 12 s" line while a grading runs (only on a terminal)."""
    if not console.is_terminal:
        yield
        return
    start = time.monotonic()
    with console.status(what) as status:
        stop = threading.Event()

        def tick() -> None:
            while not stop.wait(1.0):
                status.update(_("{what}… {seconds:.0f} s (Ctrl-C stops)").format(what=what,
                                                                                   seconds=time.monotonic() - start))
        ticker = threading.Thread(target=tick, daemon=True)
        ticker.start()
        try:
            yield
        finally:
            stop.set()


def one_line(exercise: ExerciseResult) -> str:
    """``activations  7.5/10  partial  3 checks fail`` (for many exercises at once)."""
    failing = sum(t.status is not Status.PASS for t in exercise.tests)
    note = escape(exercise.message[:60]) if exercise.message else (
        _("{count} check(s) fail").format(count=failing) if failing else "")
    return f"{escape(exercise.slug):<24} {exercise.score:>5.1f}/{exercise.max_score:<3.0f} {badge(exercise.status)}  {note}"


def print_exercise(console: Console, exercise: ExerciseResult, show_passed: bool = True) -> None:
    """Failures first, each distinct one once; then how many checks pass (and which, if asked)."""
    if exercise.message:
        console.print(f"{badge(exercise.status)} {escape(exercise.slug)}: {escape(exercise.message)}", overflow="fold")
    if not exercise.tests:
        return
    scored = [t for t in exercise.tests if t.max_score > 0 or t.status is not Status.PASS]
    passed = [t for t in scored if t.status is Status.PASS]
    console.print(_("[bold]{slug}[/bold]: {passed}/{total} checks pass, {score:.1f}/{max:g} points").format(
        slug=escape(exercise.slug), passed=len(passed), total=len(scored), score=exercise.score, max=exercise.max_score))
    print_failures(console, exercise)
    if show_passed and passed:
        console.print(f" {badge(Status.PASS)} " + ", ".join(test_label(t) for t in passed), overflow="fold")


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
