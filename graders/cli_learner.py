"""The learner's commands: list, next, show, check, hint, grade, reset, watch.

Every string a learner reads goes through ``_`` (graders/i18n.py): `--lang zh` or a zh locale
prints it in Chinese, with the Chinese statement and hints."""
from __future__ import annotations

import difflib
import shutil
import subprocess
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import manifest, paths, report, runner, state, submissions
from .i18n import _, language
from .progress import current_exercise, next_pending
from .results import Status, clean_text, percent

console = Console()
err_console = Console(stderr=True)

EXPORT_FORMATS = ("json", "csv", "junit", "gradescope", "github-classroom", "nbgrader-feedback", "text")  # graders.exporters.FORMATS, unimported


def resolve_target(target: str) -> Path:
    if target == "exercises":
        return paths.EXERCISES
    if target == "solutions":
        return paths.SOLUTIONS
    return Path(target)


def resolve_slug(text: str) -> str:
    """A slug, or the number `list` shows (`5` or `#5`); a near miss gets a "did you mean"."""
    known = manifest.slugs()
    if text in known:
        return text
    number = text.lstrip("#")
    if number.isdigit() and 1 <= int(number) <= len(known):
        return known[int(number) - 1]
    close = difflib.get_close_matches(text, known, n=3, cutoff=0.6)
    suggestion = _("; did you mean {names}?").format(names=_(" or ").join(close)) if close else ""
    raise click.UsageError(_("unknown exercise {name!r}{suggestion} Run `python grade.py list` to see them all "
                             "(slugs or their # numbers work)").format(name=text, suggestion=suggestion))


def check_slugs(slugs: tuple[str, ...]) -> list[str]:
    return [resolve_slug(s) for s in slugs]


def exercise_list_option(text: str) -> list[str]:
    """The slugs of a comma-separated --exercises value (checked); all exercises when it is empty."""
    return check_slugs(tuple(s.strip() for s in text.split(",") if s.strip())) or manifest.slugs()


def slug_or_current(slug: str | None) -> str:
    return resolve_slug(slug) if slug else current_exercise()


def statement_path(slug: str) -> Path:
    """The statement in the learner's language (README.zh.md with `--lang zh`)."""
    chinese = paths.statement(slug).with_name("README.zh.md")
    return chinese if language() == "zh" and chinese.is_file() else paths.statement(slug)


@click.command("list", help=_("All exercises, with your status and score from the last run, and your progress."))
@click.option("--track", type=click.Choice(list(manifest.TRACKS)), default=None, help=_("only this track"))
@click.option("--difficulty", type=click.Choice(manifest.DIFFICULTIES), default=None, help=_("only this difficulty"))
def list_command(track: str | None, difficulty: str | None) -> None:
    from .progress import one_line, progress

    done = state.load()["exercises"]
    current = current_exercise()
    wide = console.width >= 110
    table = Table(title=_("Exercises (python grade.py show SLUG or #)"), title_justify="left")
    table.add_column("#", justify="right", no_wrap=True, min_width=2)
    table.add_column(_("slug"), no_wrap=True, min_width=22)
    if wide:
        table.add_column(_("title"), overflow="ellipsis", max_width=40, no_wrap=True)
    table.add_column(_("track"), no_wrap=True, overflow="ellipsis", max_width=None if wide else 12)
    for column in (_("level"), _("score"), _("status")):
        table.add_column(column, no_wrap=True)
    for i, e in enumerate(manifest.load(), 1):
        if track not in (None, e.track) or difficulty not in (None, e.difficulty):
            continue
        last = done.get(e.slug)
        status = (report.badge(Status(last["status"])) + (_(" (visible)") if last["kind"] == "check" else "")
                  if last else "-")
        score = f"{last['score']:g}/{e.points}" if last and last["kind"] == "grade" else f"-/{e.points}"
        slug = f"[bold]{e.slug}[/bold] ←" if e.slug == current else e.slug
        row = [str(i), slug] + ([escape(e.title_in(language()))] if wide else []) + [e.track, _(e.difficulty), score,
                                                                                    status]
        table.add_row(*row)
    console.print(table)
    console.print(one_line(progress()) + _(". Next: [bold]python grade.py show {slug}[/bold]").format(slug=current))


@click.command("next", help=_("The exercise to work on now (the first that does not pass yet), and how to start it."))
def next_command() -> None:
    slug = next_pending()
    if slug is None:
        console.print(_("[green]Every exercise passes.[/green] Try a mock interview: "
                        "[bold]python grade.py mock start[/bold]"))
        return
    exercise = manifest.get(slug)
    number = manifest.slugs().index(slug) + 1
    console.print(_("Next: [bold]#{number} {slug}[/bold] - {title} ({track}, {difficulty}, {points} points)").format(
        number=number, slug=slug, title=escape(exercise.title_in(language())), track=exercise.track,
        difficulty=_(exercise.difficulty), points=exercise.points))
    console.print(_("Read it: [bold]python grade.py show {slug}[/bold]; edit {file}; then "
                    "[bold]python grade.py check {slug}[/bold].").format(
        slug=slug, file=paths.relative(paths.stub_path(slug))))


@click.command(help=_("Print an exercise's statement (default: the current exercise)."))
@click.argument("slug", required=False)
def show(slug: str | None) -> None:
    slug = slug_or_current(slug)
    from rich.markdown import Markdown  # 0.1 s of imports only `show` needs
    console.print(Markdown(statement_path(slug).read_text(encoding="utf-8")))
    console.print(_("\nEdit [bold]{file}[/bold], then run [bold]python grade.py check {slug}[/bold].").format(
        file=paths.relative(paths.stub_path(slug)), slug=slug))


@click.command(help=_("Run an exercise's visible tests (default: the current exercise). With -k, -x or -s they run "
                      "under plain pytest in this terminal (full tracebacks into your file, your prints as they "
                      "happen); without them you get the kit's summary, with what your code printed under each "
                      "failure."))
@click.argument("slug", required=False)
@click.option("-k", "keyword", default=None, metavar="EXPR", help=_("only tests matching EXPR (pytest -k)"))
@click.option("-x", "exitfirst", is_flag=True, help=_("stop at the first failure (pytest -x)"))
@click.option("-s", "show_output", is_flag=True, help=_("show your print() output as it happens (pytest -s)"))
def check(slug: str | None, keyword: str | None, exitfirst: bool, show_output: bool) -> None:
    slug = slug_or_current(slug)
    stub = paths.stub_path(slug)
    if not stub.is_file():
        raise click.ClickException(_("{file} is missing: restore the stub with `python grade.py reset {slug}`").format(
            file=paths.relative(stub), slug=slug))
    if keyword or exitfirst or show_output:
        flags = (["-k", keyword] if keyword else []) + (["-x"] if exitfirst else []) + (["-s"] if show_output else [])
        done = subprocess.run([sys.executable, "-m", "pytest", str(paths.visible_tests(slug)), *flags],
                              cwd=paths.ROOT, env=runner.subprocess_env())
        sys.exit(done.returncode)
    with report.running(err_console, _("running the visible tests of {slug}").format(slug=slug)):
        results = runner.grade([slug], paths.EXERCISES, runner.RunOptions(hidden=False, stop_after_timeout=True))
    state.record(results, "check")
    exercise = results.exercises[0]
    report.print_exercise(console, exercise, show_passed=False)
    scored = [t for t in exercise.tests if t.max_score > 0]  # the banned-calls gate earns no points
    passed = sum(t.status is Status.PASS for t in scored)
    if exercise.status is Status.PASS:
        from .release import is_release
        console.print(_("[green]Visible tests passed ({passed}/{total}).[/green] ").format(
            passed=passed, total=len(scored)) + (
            _("The hidden tests that decide the score live with your instructor.") if is_release() else
            _("The hidden tests check more: run [bold]python grade.py grade {slug}[/bold].").format(slug=slug)))
    else:
        console.print(_("Visible tests passed: {passed}/{total}. Fix the first failure, or run "
                        "[bold]python grade.py hint {slug}[/bold] ([bold]check {slug} -x -s[/bold] for a full "
                        "traceback and your prints).").format(passed=passed, total=len(scored), slug=slug))
    sys.exit(0 if exercise.status is Status.PASS else 1)


@click.command(help=_("Score exercises with their visible and hidden tests. Default: your current exercise (the "
                      "first that does not pass yet); --all for every one. With --target (a submission), the "
                      "default is every exercise."))
@click.argument("slugs", nargs=-1)
@click.option("--target", default="exercises", show_default=True,
              help=_("exercises, solutions, or a submission folder / .zip holding SLUG.py files"))
@click.option("--json", "as_json", is_flag=True, help=_("print one JSON object (and nothing else) on stdout"))
@click.option("--format", "output_format", type=click.Choice(["terminal", *EXPORT_FORMATS]), default="terminal",
              show_default=True, help=_("what to print on stdout (everything but terminal prints only that)"))
@click.option("--secure/--local", default=False, show_default=True,
              help=_("secure: run the code in a sandboxed worker process, never in the judge"))
@click.option("--workers", default=1, show_default=True, help=_("exercises graded in parallel"))
@click.option("--all", "grade_all", is_flag=True, help=_("every exercise, one line each (default: the current one)"))
def grade(slugs: tuple[str, ...], target: str, as_json: bool, output_format: str, secure: bool, workers: int,
          grade_all: bool) -> None:
    output_format = "json" if as_json else output_format
    as_json = output_format != "terminal"
    chosen = check_slugs(slugs) or None
    if chosen is None and target == "exercises" and not grade_all:
        chosen = [current_exercise()]
    compact = chosen is None or len(chosen) > 3
    from .release import is_release
    options = runner.RunOptions(secure=secure, hidden=not is_release())
    if not options.hidden:
        err_console.print(_("[yellow]This is a student bundle: the hidden tests live with your instructor, so this "
                            "grade counts the visible tests only.[/yellow]"))
    try:
        with submissions.opened(resolve_target(target)) as folder:
            results = runner.grade(chosen, folder, options, workers=workers,
                                   on_result=None if as_json else lambda r: err_console.print(
                                       _("graded {slug}: {score:.1f}/{max:.0f} ({status})").format(
                                           slug=r.slug, score=r.score, max=r.max_score, status=_(r.status.value))))
    except (FileNotFoundError, submissions.UnsafeSubmission) as exc:
        raise click.ClickException(clean_text(exc)) from None
    if target == "exercises":
        state.record(results, "grade")
        state.save_last_results(results)
    if as_json:
        from . import exporters
        click.echo(exporters.render(output_format, results), nl=False)
        return
    if compact:
        for exercise in results.exercises:
            console.print(report.one_line(exercise))
    else:
        for exercise in results.exercises:
            report.print_exercise(console, exercise, show_passed=False)
        if len(results.exercises) > 1:
            console.print(report.summary_table(results))
    console.print(_("Score: [bold]{score:.1f}/{max:.0f}[/bold] ({percent:.0f}%), ").format(
        score=results.score, max=results.max_score, percent=percent(results.score, results.max_score))
        + (_("visible and hidden tests.") if options.hidden else
           _("[bold]visible tests only[/bold]: the hidden tests live with your instructor.")))
    if target != "exercises":
        return
    failing = [e.slug for e in results.exercises if e.status is not Status.PASS]
    if compact and failing:
        console.print(_("Details of one: [bold]python grade.py grade {slug}[/bold]").format(slug=failing[0]))
    elif not failing:
        upcoming = next_pending(results.exercises[-1].slug)
        console.print(_("[green]Passed.[/green] Next: [bold]python grade.py show {slug}[/bold]").format(slug=upcoming)
                      if upcoming else
                      _("[green]Every exercise passes.[/green] Try [bold]python grade.py mock start[/bold]"))


@click.command(help=_("Show the next hint for an exercise (each call reveals one more)."))
@click.argument("slug", required=False)
def hint(slug: str | None) -> None:
    slug = slug_or_current(slug)
    hints = manifest.get(slug).hints_in(language())
    index = state.next_hint_index(slug)
    if index >= len(hints):
        console.print(_("No more hints for {slug} (all {count} shown above in earlier calls). "
                        "Re-read the statement: python grade.py show {slug}").format(slug=slug, count=len(hints)))
        for i, text in enumerate(hints, 1):
            console.print(_("[bold]Hint {number}/{total}[/bold]: {text}").format(number=i, total=len(hints),
                                                                             text=escape(text)))
        return
    console.print(_("[bold]Hint {number}/{total}[/bold] for {slug}: {text}").format(
        number=index + 1, total=len(hints), slug=slug, text=escape(hints[index])))


@click.command(help=_("Restore an exercise's stub (default: the current exercise; your file is backed up first). "
                      "The exercise's last status and hint count are forgotten, as if you had never started it."))
@click.argument("slug", required=False)
@click.option("--yes", is_flag=True, help=_("do not ask for confirmation"))
def reset(slug: str | None, yes: bool) -> None:
    slug = slug_or_current(slug)
    from .stubs import StubUnavailable, original_stub
    stub = paths.stub_path(slug)
    relative = paths.relative(stub)
    try:
        original = original_stub(slug)
    except StubUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    if not yes:
        click.confirm(_("Replace {file} with the original stub?").format(file=relative), abort=True)
    current = stub.read_bytes() if stub.is_file() else None
    if current is not None and current != original:
        paths.BACKUPS.mkdir(exist_ok=True)
        backup = paths.BACKUPS / f"{slug}-{time.strftime('%Y%m%d-%H%M%S')}.py"
        shutil.copy2(stub, backup)
        saved = _("; your version is saved as {file}").format(file=paths.relative(backup))
    else:
        saved = _(" (it was already the original stub: nothing to back up)") if current is not None else ""
    stub.parent.mkdir(parents=True, exist_ok=True)
    stub.write_bytes(original)
    state.forget(slug)
    console.print(_("Restored {file}{saved}. Its status and hints start again.").format(file=relative, saved=saved))


@click.command(help=_("Re-run the current exercise's visible tests whenever you save; move on when they pass."))
@click.option("--interval", default=0.5, show_default=True, help=_("seconds between checks for changes"))
@click.option("--max-runs", default=0, hidden=True, help="stop after this many test runs (for tests)")
def watch(interval: float, max_runs: int) -> None:
    from .watch import watch_loop

    watch_loop(console, interval, max_runs)


@click.command(help=_("Show the reference solution of an exercise you have passed (grade), to compare with yours."))
@click.argument("slug", required=False)
@click.option("--yes", is_flag=True, help=_("do not ask for confirmation"))
def solution(slug: str | None, yes: bool) -> None:
    slug = slug_or_current(slug)
    last = state.load()["exercises"].get(slug, {})
    if not (last.get("status") == "pass" and last.get("kind") == "grade"):
        raise click.ClickException(_("{slug} does not pass yet: the reference opens once `python grade.py grade {slug}` "
                                     "passes (try `python grade.py hint {slug}`)").format(slug=slug))
    path = paths.solution_path(slug)
    if not path.is_file():
        raise click.ClickException(_("this copy of the kit has no reference solutions (a student bundle)"))
    if not yes:
        click.confirm(_("Show the reference solution of {slug}?").format(slug=slug), abort=True)
    from rich.syntax import Syntax
    console.print(Syntax(path.read_text(encoding="utf-8"), "python", line_numbers=True))


COMMANDS = (list_command, next_command, show, check, grade, hint, reset, watch, solution)
