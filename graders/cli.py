"""The command line. Each command parses its options and calls one library function."""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import i18n, settings

i18n.adopt_argv(sys.argv)  # before the commands below build their help texts

from . import devcheck, manifest, paths, report  # noqa: E402
from .cli_learner import COMMANDS as LEARNER_COMMANDS  # noqa: E402
from .cli_learner import EXPORT_FORMATS, check_slugs, exercise_list_option  # noqa: E402
from .i18n import _  # noqa: E402
from .results import Results, Status, clean_text  # noqa: E402

console = Console()
err_console = Console(stderr=True)


def no_preload(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:  # the environment carries it to every judge, worker and Dask job this command starts
        os.environ[settings.NO_PRELOAD] = "1"


def choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        i18n.set_language(value)


@click.group(context_settings={"help_option_names": ["-h", "--help"]},
             help=_("ML interview exercises with auto-graded visible and hidden tests. Start with `python grade.py "
                    "list`, then `show SLUG`, edit exercises/SLUG/SLUG.py, `check SLUG` (visible tests) and "
                    "`grade SLUG` (your score)."))
@click.option("--lang", type=click.Choice(i18n.LANGUAGES), default=None, is_eager=True, expose_value=False,
              callback=choose_language, help=_("language of the kit's text (default: from your locale, e.g. "
                                               "LANG=zh_CN.UTF-8)"))
@click.option("--no-preload", is_flag=True, default=False, expose_value=False, callback=no_preload,
              help=_("start every judge and sandboxed worker afresh instead of forking judges from a warm template "
                     "(batch, watch and dev runs use one by default)"))
def main() -> None:
    pass


for _command in LEARNER_COMMANDS:
    main.add_command(_command)


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
