"""The command line. Each command parses its options and calls one library function."""
from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.table import Table

from . import devcheck, manifest, paths, report, runner, state, submissions
from .progress import current_exercise, next_pending
from .results import Results, Status, clean_text, percent

console = Console()
err_console = Console(stderr=True)


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
    suggestion = f"; did you mean {' or '.join(close)}?" if close else ""
    raise click.UsageError(f"unknown exercise {text!r}{suggestion} Run `python grade.py list` to see them all "
                           "(slugs or their # numbers work)")


def check_slugs(slugs: tuple[str, ...]) -> list[str]:
    return [resolve_slug(s) for s in slugs]


def exercise_list_option(text: str) -> list[str]:
    """The slugs of a comma-separated --exercises value (checked); all exercises when it is empty."""
    return check_slugs(tuple(s.strip() for s in text.split(",") if s.strip())) or manifest.slugs()


def slug_or_current(slug: str | None) -> str:
    return resolve_slug(slug) if slug else current_exercise()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """ML interview exercises with auto-graded visible and hidden tests.

    Start with `python grade.py list`, then `show SLUG`, edit exercises/SLUG/SLUG.py,
    `check SLUG` (visible tests) and `grade SLUG` (your score).
    """


@main.command("list")
@click.option("--track", type=click.Choice(list(manifest.TRACKS)), default=None, help="only this track")
@click.option("--difficulty", type=click.Choice(manifest.DIFFICULTIES), default=None, help="only this difficulty")
def list_command(track: str | None, difficulty: str | None) -> None:
    """All exercises, with your status and score from the last run, and your progress."""
    from .progress import one_line, progress

    done = state.load()["exercises"]
    current = current_exercise()
    wide = console.width >= 110
    table = Table(title="Exercises (python grade.py show SLUG or #)", title_justify="left")
    table.add_column("#", justify="right", no_wrap=True, min_width=2)
    table.add_column("slug", no_wrap=True, min_width=22)
    if wide:
        table.add_column("title", overflow="ellipsis", max_width=40, no_wrap=True)
    table.add_column("track", no_wrap=True, overflow="ellipsis", max_width=None if wide else 12)
    for column in ("level", "score", "status"):
        table.add_column(column, no_wrap=True)
    for i, e in enumerate(manifest.load(), 1):
        if track not in (None, e.track) or difficulty not in (None, e.difficulty):
            continue
        last = done.get(e.slug)
        status = (report.badge(Status(last["status"])) + (" (visible)" if last["kind"] == "check" else "")
                  if last else "-")
        score = f"{last['score']:g}/{e.points}" if last and last["kind"] == "grade" else f"-/{e.points}"
        slug = f"[bold]{e.slug}[/bold] ←" if e.slug == current else e.slug
        row = [str(i), slug] + ([escape(e.title)] if wide else []) + [e.track, e.difficulty, score, status]
        table.add_row(*row)
    console.print(table)
    console.print(one_line(progress()) + ". Next: [bold]python grade.py show " + current + "[/bold]")


@main.command("next")
def next_command() -> None:
    """The exercise to work on now (the first that does not pass yet), and how to start it."""
    slug = next_pending()
    if slug is None:
        console.print("[green]Every exercise passes.[/green] Try a mock interview: "
                      "[bold]python grade.py mock start[/bold]")
        return
    exercise = manifest.get(slug)
    number = manifest.slugs().index(slug) + 1
    console.print(f"Next: [bold]#{number} {slug}[/bold] - {escape(exercise.title)} "
                  f"({exercise.track}, {exercise.difficulty}, {exercise.points} points)")
    console.print(f"Read it: [bold]python grade.py show {slug}[/bold]; edit "
                  f"{paths.relative(paths.stub_path(slug))}; then [bold]python grade.py check {slug}[/bold].")


@main.command()
@click.argument("slug", required=False)
def show(slug: str | None) -> None:
    """Print an exercise's statement (default: the current exercise)."""
    slug = slug_or_current(slug)
    console.print(Markdown(paths.statement(slug).read_text(encoding="utf-8")))
    console.print(f"\nEdit [bold]{paths.relative(paths.stub_path(slug))}[/bold], then run "
                  f"[bold]python grade.py check {slug}[/bold].")


@main.command()
@click.argument("slug", required=False)
@click.option("-k", "keyword", default=None, metavar="EXPR", help="only tests matching EXPR (pytest -k)")
@click.option("-x", "exitfirst", is_flag=True, help="stop at the first failure (pytest -x)")
@click.option("-s", "show_output", is_flag=True, help="show your print() output as it happens (pytest -s)")
def check(slug: str | None, keyword: str | None, exitfirst: bool, show_output: bool) -> None:
    """Run an exercise's visible tests (default: the current exercise).

    With -k, -x or -s the visible tests run under plain pytest in this terminal (full tracebacks
    into your file, your prints as they happen); without them you get the kit's summary, with the
    output your code printed shown under each failure."""
    slug = slug_or_current(slug)
    stub = paths.stub_path(slug)
    if not stub.is_file():
        raise click.ClickException(f"{paths.relative(stub)} is missing: restore the stub with "
                                   f"`python grade.py reset {slug}`")
    if keyword or exitfirst or show_output:
        flags = (["-k", keyword] if keyword else []) + (["-x"] if exitfirst else []) + (["-s"] if show_output else [])
        done = subprocess.run([sys.executable, "-m", "pytest", str(paths.visible_tests(slug)), *flags],
                              cwd=paths.ROOT, env=runner.subprocess_env())
        sys.exit(done.returncode)
    with report.running(err_console, f"running the visible tests of {slug}"):
        results = runner.grade([slug], paths.EXERCISES, runner.RunOptions(hidden=False, stop_after_timeout=True))
    state.record(results, "check")
    exercise = results.exercises[0]
    report.print_exercise(console, exercise, show_passed=False)
    scored = [t for t in exercise.tests if t.max_score > 0]  # the banned-calls gate earns no points
    passed = sum(t.status is Status.PASS for t in scored)
    if exercise.status is Status.PASS:
        from .release import is_release
        console.print(f"[green]Visible tests passed ({passed}/{len(scored)}).[/green] " + (
            "The hidden tests that decide the score live with your instructor." if is_release() else
            f"The hidden tests check more: run [bold]python grade.py grade {slug}[/bold]."))
    else:
        console.print(f"Visible tests passed: {passed}/{len(scored)}. Fix the first failure, "
                      f"or run [bold]python grade.py hint {slug}[/bold] "
                      f"([bold]check {slug} -x -s[/bold] for a full traceback and your prints).")
    sys.exit(0 if exercise.status is Status.PASS else 1)


EXPORT_FORMATS = ("json", "csv", "junit", "gradescope", "github-classroom", "nbgrader-feedback", "text")  # graders.exporters.FORMATS, unimported


@main.command()
@click.argument("slugs", nargs=-1)
@click.option("--target", default="exercises", show_default=True,
              help="exercises, solutions, or a submission folder / .zip holding SLUG.py files")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object (and nothing else) on stdout")
@click.option("--format", "output_format", type=click.Choice(["terminal", *EXPORT_FORMATS]), default="terminal",
              show_default=True, help="what to print on stdout (everything but terminal prints only that)")
@click.option("--secure/--local", default=False, show_default=True,
              help="secure: run the code in a sandboxed worker process, never in the judge")
@click.option("--workers", default=1, show_default=True, help="exercises graded in parallel")
@click.option("--all", "grade_all", is_flag=True, help="every exercise, one line each (default: the current one)")
def grade(slugs: tuple[str, ...], target: str, as_json: bool, output_format: str, secure: bool, workers: int,
          grade_all: bool) -> None:
    """Score exercises with their visible and hidden tests.

    Default: your current exercise (the first that does not pass yet); `--all` for every one.
    With --target (a submission), the default is every exercise."""
    output_format = "json" if as_json else output_format
    as_json = output_format != "terminal"
    chosen = check_slugs(slugs) or None
    if chosen is None and target == "exercises" and not grade_all:
        chosen = [current_exercise()]
    compact = chosen is None or len(chosen) > 3
    from .release import is_release
    options = runner.RunOptions(secure=secure, hidden=not is_release())
    if not options.hidden:
        err_console.print("[yellow]This is a student bundle: the hidden tests live with your instructor, so this "
                          "grade counts the visible tests only.[/yellow]")
    try:
        with submissions.opened(resolve_target(target)) as folder:
            results = runner.grade(chosen, folder, options, workers=workers,
                                   on_result=None if as_json else lambda r: err_console.print(
                                       f"graded {r.slug}: {r.score:.1f}/{r.max_score:.0f} ({r.status.value})"))
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
    console.print(f"Score: [bold]{results.score:.1f}/{results.max_score:.0f}[/bold] "
                  f"({percent(results.score, results.max_score):.0f}%), "
                  + ("visible and hidden tests." if options.hidden else
                     "[bold]visible tests only[/bold]: the hidden tests live with your instructor."))
    if target != "exercises":
        return
    failing = [e.slug for e in results.exercises if e.status is not Status.PASS]
    if compact and failing:
        console.print(f"Details of one: [bold]python grade.py grade {failing[0]}[/bold]")
    elif not failing:
        upcoming = next_pending(results.exercises[-1].slug)
        console.print(f"[green]Passed.[/green] Next: [bold]python grade.py show {upcoming}[/bold]" if upcoming else
                      "[green]Every exercise passes.[/green] Try [bold]python grade.py mock start[/bold]")


@main.command()
@click.argument("slug", required=False)
def hint(slug: str | None) -> None:
    """Show the next hint for an exercise (each call reveals one more)."""
    slug = slug_or_current(slug)
    hints = manifest.get(slug).hints
    index = state.next_hint_index(slug)
    if index >= len(hints):
        console.print(f"No more hints for {slug} (all {len(hints)} shown above in earlier calls). "
                      f"Re-read the statement: python grade.py show {slug}")
        for i, text in enumerate(hints, 1):
            console.print(f"[bold]Hint {i}/{len(hints)}[/bold]: {text}")
        return
    console.print(f"[bold]Hint {index + 1}/{len(hints)}[/bold] for {slug}: {hints[index]}")


@main.command()
@click.argument("slug", required=False)
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
def reset(slug: str | None, yes: bool) -> None:
    """Restore an exercise's stub (default: the current exercise; your file is backed up first).

    The exercise's last status and hint count are forgotten, as if you had never started it."""
    slug = slug_or_current(slug)
    from .stubs import StubUnavailable, original_stub
    stub = paths.stub_path(slug)
    relative = paths.relative(stub)
    try:
        original = original_stub(slug)
    except StubUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    if not yes:
        click.confirm(f"Replace {relative} with the original stub?", abort=True)
    current = stub.read_bytes() if stub.is_file() else None
    if current is not None and current != original:
        paths.BACKUPS.mkdir(exist_ok=True)
        backup = paths.BACKUPS / f"{slug}-{time.strftime('%Y%m%d-%H%M%S')}.py"
        shutil.copy2(stub, backup)
        saved = f"; your version is saved as {paths.relative(backup)}"
    else:
        saved = " (it was already the original stub: nothing to back up)" if current is not None else ""
    stub.parent.mkdir(parents=True, exist_ok=True)
    stub.write_bytes(original)
    state.forget(slug)
    console.print(f"Restored {relative}{saved}. Its status and hints start again.")


@main.command()
@click.option("--interval", default=0.5, show_default=True, help="seconds between checks for changes")
@click.option("--max-runs", default=0, hidden=True, help="stop after this many test runs (for tests)")
def watch(interval: float, max_runs: int) -> None:
    """Re-run the current exercise's visible tests whenever you save; move on when they pass."""
    from .watch import watch_loop

    watch_loop(console, interval, max_runs)


@main.command()
@click.argument("submissions_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="folder for grades.csv and STUDENT/results.json")
@click.option("--exercises", "exercise_list", default="", help="comma-separated slugs (default: all)")
@click.option("--workers", default=2, show_default=True, help="submissions graded in parallel")
@click.option("--secure/--insecure", default=True, show_default=True,
              help="secure runs student code only in sandboxed workers, never in the judge")
@click.option("--regrade", is_flag=True, help="grade again students who already have results.json")
@click.option("--allow-weak-sandbox", is_flag=True,
              help="grade even where this machine lacks some protections (see `dev sandbox`)")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="run the jobs on this Dask cluster (its workers need the kit installed and the submissions' path)")
@click.option("--report", "with_report", is_flag=True, help="also write OUT/report.html: the class's scores and "
                                                           "the checks most students failed, with plots")
def batch(submissions_dir: Path, out: Path, exercise_list: str, workers: int, secure: bool, regrade: bool,
          allow_weak_sandbox: bool, scheduler: str | None, with_report: bool) -> None:
    """Grade a folder of submissions (one folder or .zip per student)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from . import batch as batch_module
    from . import sandbox

    missing = sandbox.missing_protections() if secure else []
    if missing and not allow_weak_sandbox:
        raise click.ClickException("this machine cannot isolate student code fully; missing: " + "; ".join(missing)
                                   + ". Run `python grade.py dev sandbox` for details, grade on a machine with "
                                   "bubblewrap and user namespaces, or pass --allow-weak-sandbox to accept the risk.")
    if missing:
        err_console.print("[yellow]weak sandbox accepted; missing: " + escape("; ".join(missing)) + "[/yellow]")

    slugs = exercise_list_option(exercise_list)
    students = batch_module.find_submissions(submissions_dir)
    if not students:
        raise click.ClickException(f"no submissions in {submissions_dir} (expected one folder or .zip per student)")
    counts = {"failures": 0, "resumed": 0}
    start = time.perf_counter()
    with Progress(TextColumn("[bold]grading"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[info]}"),
                  TimeElapsedColumn(), console=err_console) as progress:
        task = progress.add_task("students", total=len(students), info="")

        def done(student: str, results: Results, resumed: bool) -> None:
            counts["resumed"] += resumed
            counts["failures"] += any(e.status not in (Status.PASS, Status.PARTIAL, Status.FAIL)
                                      for e in results.exercises)
            progress.advance(task)
            finished = progress.tasks[0].completed
            rate = 60 * finished / max(time.perf_counter() - start, 1e-9)
            progress.update(task, info=f"{counts['failures']} with errors, {counts['resumed']} resumed, "
                                       f"{rate:.1f} students/min")

        graded = batch_module.run_batch(submissions_dir, out, slugs, workers, secure, regrade, on_done=done,
                                        scheduler=scheduler)
    console.print(report.batch_table(graded))
    console.print(f"Wrote {out / 'grades.csv'} and {len(graded)} results.json files.")
    if with_report:
        from . import html_report
        written = html_report.write(html_report.batch_page(graded, f"Class report: {submissions_dir.name}"),
                                    out / "report.html")
        console.print(f"Wrote {written}: the class's scores and most-failed checks (open it in a browser).")


from .cli_mock import concepts_command, mock_group, progress_command, report_command  # noqa: E402

main.add_command(mock_group)
main.add_command(concepts_command)
main.add_command(progress_command)
main.add_command(report_command)


@main.group()
def dev() -> None:
    """Kit-author commands."""


@dev.command("check")
@click.argument("slugs", nargs=-1)
@click.option("--mode", type=click.Choice(["local", "secure", "both"]), default="both", show_default=True)
@click.option("--workers", default=2, show_default=True)
def dev_check(slugs: tuple[str, ...], mode: str, workers: int) -> None:
    """Prove every suite passes on solutions/ and the untouched stubs score 0."""
    modes = ("local", "secure") if mode == "both" else (mode,)

    def show(r: devcheck.CheckReport) -> None:
        budget = manifest.get(r.slug).budget
        times = ", ".join(f"{m} {t:.1f}s" for m, t in r.timings.items())
        mark = "[green]ok[/green]" if r.ok else "[red]FAIL[/red]"
        console.print(f"{mark} {r.slug:24} budget {budget:g}s; reference run {times}")
        for problem in r.problems:
            console.print(f"     - {escape(problem)}")

    general, reports = devcheck.run(check_slugs(slugs) or None, modes, workers, on_report=show)
    for problem in general:
        console.print(f"[red]FAIL[/red] {escape(problem)}")
    failed = [r.slug for r in reports if not r.ok]
    if failed or general:
        console.print(f"[red]dev check failed[/red] for {', '.join(failed) or 'the kit layout'}")
        sys.exit(1)
    console.print(f"[green]dev check passed[/green]: {len(reports)} exercises, modes {', '.join(modes)}")


@dev.command("corpus")
@click.argument("slugs", nargs=-1)
@click.option("--secure/--local", default=False, show_default=True)
@click.option("--workers", default=2, show_default=True)
def dev_corpus(slugs: tuple[str, ...], secure: bool, workers: int) -> None:
    """Grade the audit corpus (tests/corpus/SLUG): every wrong answer must fail, every correct one score full."""
    from .jobs import Job, LocalExecutor

    items = [(slug, entry) for slug in (check_slugs(slugs) or manifest.slugs())
             for entry in devcheck.corpus_entries(slug)]
    problems = []

    def finished(job: Job, result) -> None:
        slug, entry, _ = job.args
        problem = devcheck.corpus_problem(slug, entry, result)
        mark = "[red]FAIL[/red]" if problem else "[green]ok[/green]"
        console.print(f"{mark} {slug}/{entry.stem}: {result.score:g}/{result.max_score:g} ({result.duration:.1f}s)")
        if problem:
            problems.append(problem)
            console.print(f"     - {escape(problem)}")

    LocalExecutor(workers).run([Job(f"{slug}/{entry.name}", devcheck.grade_corpus_entry, (slug, entry, secure))
                                for slug, entry in items], finished)
    console.print(f"{'[red]' if problems else '[green]'}{len(items) - len(problems)}/{len(items)} corpus entries "
                  f"behave{'[/red]' if problems else '[/green]'}")
    sys.exit(1 if problems else 0)


@dev.command("mutant")
@click.argument("slug")
@click.argument("name")
@click.argument("wrong_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def dev_mutant(slug: str, name: str, wrong_file: Path) -> None:
    """Add WRONG_FILE (a copy of the solution with one mistake) to the audit corpus as mutant_NAME.diff."""
    from .patches import make_patch

    check_slugs((slug,))
    solution = paths.solution_path(slug).read_text(encoding="utf-8")
    patch = make_patch(solution, wrong_file.read_text(encoding="utf-8"), f"{slug}.py")
    if not patch:
        console.print(f"[red]{wrong_file} is identical to the solution[/red]")
        sys.exit(1)
    out = paths.ROOT / "tests" / "corpus" / slug / f"mutant_{name.removeprefix('mutant_')}.diff"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(patch, encoding="utf-8")
    console.print(f"wrote {paths.relative(out)}; check it with `python grade.py dev corpus {slug}`")


@main.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
def release(out: Path) -> None:
    """Write the student bundle OUT/ and OUT.zip: stubs, statements, visible tests, the engine; no answers."""
    from .release import build_release

    folder, archive = build_release(out)
    console.print(f"wrote {folder}/ and {archive}: hand either to your students")


@main.group()
def export() -> None:
    """Build what a classroom tool needs (Gradescope autograder, ...) or convert a results.json."""


@export.command("gradescope")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--exercises", "exercise_list", default="", help="comma-separated slugs (default: all)")
def export_gradescope(out: Path, exercise_list: str) -> None:
    """Write a Gradescope autograder zip (setup.sh, run_autograder) that grades in secure mode."""
    from . import gradescope

    slugs = exercise_list_option(exercise_list)
    path = gradescope.build_autograder(out, slugs)
    console.print(f"wrote {path} ({len(slugs)} exercises): upload it as the assignment's autograder")


@export.command("github-classroom")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--kit-repo", required=True, help="OWNER/NAME of the instructor's private copy of the kit")
@click.option("--exercises", "exercise_list", default="", help="comma-separated slugs (default: all)")
def export_github_classroom(out: Path, kit_repo: str, exercise_list: str) -> None:
    """Write OUT/.github/workflows/classroom.yml: grade each exercise, report partial credit to Classroom."""
    from . import github_classroom

    slugs = exercise_list_option(exercise_list)
    path = github_classroom.write_workflow(out, slugs, kit_repo)
    console.print(f"wrote {path}: commit it to the assignment's template repository and add a KIT_TOKEN secret "
                  f"that can read {escape(kit_repo)}")


@export.command("nbgrader")
@click.argument("course", type=click.Path(file_okay=False, path_type=Path))
@click.option("--exercises", "exercise_list", default="", help="comma-separated slugs (default: all)")
@click.option("--assignment", default="ml-interview", show_default=True, help="the nbgrader assignment's name")
def export_nbgrader(course: Path, exercise_list: str, assignment: str) -> None:
    """Write an nbgrader course: nbgrader_config.py and source/ASSIGNMENT/SLUG.ipynb per exercise."""
    from . import notebook

    slugs = exercise_list_option(exercise_list)
    written = notebook.write_course(course, slugs, assignment)
    console.print(f"wrote {len(written)} notebooks under {course / 'source' / assignment}; then, in {course}: "
                  f"nbgrader generate_assignment {assignment} && nbgrader autograde {assignment}")


@export.command("results")
@click.argument("output_format", type=click.Choice(EXPORT_FORMATS))
@click.argument("results_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def export_results(output_format: str, results_file: Path) -> None:
    """Convert a saved results.json (from grade --json or batch) to another format, on stdout."""
    from . import exporters
    from .results import Results

    try:
        results = Results.from_dict(json.loads(results_file.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise click.ClickException(f"{results_file} is not a results file: {clean_text(exc)}") from None
    click.echo(exporters.render(output_format, results), nl=False)


@dev.command("contract")
@click.argument("slugs", nargs=-1)
def dev_contract(slugs: tuple[str, ...]) -> None:
    """Print each statement's Contract clauses beside the tests that enforce them; flag the gaps."""
    from . import contract

    problems = 0
    for slug in check_slugs(slugs) or manifest.all_slugs():
        found = contract.report(slug)
        console.print(f"[bold]{slug}[/bold]: {len(found.clauses)} clauses, "
                      f"{len(found.clauses) - len(found.unenforced)} enforced")
        if slugs:
            for clause in found.clauses:
                tests = found.enforcing(clause.id)
                mark = "[green]ok[/green]" if tests else "[red]--[/red]"
                console.print(f"  {mark} {clause.id} {escape(clause.text[:100])}")
                for test in tests:
                    probes = f" [dim]({escape(test.probes)})[/dim]" if test.probes else ""
                    console.print(f"       {escape(test.test.split('::', 1)[1])}{probes}")
        for problem in found.problems():
            problems += 1
            console.print(f"  [red]problem[/red] {escape(problem)}")
    if problems:
        raise SystemExit(1)


@dev.command("readme")
def dev_readme() -> None:
    """Regenerate the README's catalogue table from exercises/catalog.toml."""
    from . import readme

    changed = readme.update()
    console.print("README.md catalogue table " + ("updated" if changed else "already current"))


@dev.command("sandbox")
def dev_sandbox() -> None:
    """Show which secure-mode protections this machine provides."""
    from . import sandbox

    for name, active in sandbox.protections().items():
        console.print(f"{'[green]active[/green]     ' if active else '[red]unavailable[/red]'} {escape(name)}")
    missing = sandbox.missing_protections()
    console.print("strong isolation: " + ("[green]yes[/green]" if not missing else
                                         "[red]no[/red] - batch needs --allow-weak-sandbox; missing: "
                                         + escape("; ".join(missing))))


@dev.command("sweep")
@click.argument("slugs", nargs=-1, required=True)
@click.option("--seeds", default=10, show_default=True, help="number of seeds (0..N-1)")
@click.option("--secure/--local", default=False, show_default=True)
def dev_sweep(slugs: tuple[str, ...], seeds: int, secure: bool) -> None:
    """Rerun convergence tests of the reference over seeds and print each figure's distribution."""
    from . import sweep

    failed = False
    for slug in check_slugs(slugs):
        result = sweep.sweep(slug, list(range(seeds)), secure)
        table = Table(title=f"{slug}: convergence over {seeds} seeds", title_justify="left")
        for column in ("test", "figure", "threshold", "min", "median", "max", "worst margin"):
            table.add_column(column, justify="left" if column in ("test", "figure") else "right")
        for f in result.figures.values():
            table.add_row(f.test, f.name + ("" if f.higher_is_better else " (lower is better)"),
                          f"{f.threshold:.4g}", f"{min(f.values):.4g}", f"{sweep.median(f.values):.4g}",
                          f"{max(f.values):.4g}", f"{f.margin:+.4g}")
        console.print(table)
        for test, passed in result.passes.items():
            console.print(f"  {test}: passed on {passed}/{seeds} seeds")
        for failure in result.failures:
            console.print(f"  [red]{escape(failure)}[/red]")
        if not result.passes:
            console.print(f"  [red]{slug} has no convergence tests (mark them @pytest.mark.convergence)[/red]")
        failed |= not result.ok
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
