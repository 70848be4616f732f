"""The `mock`, `concepts`, `progress` and `report` commands: timed mock interviews, concept drills,
progress over time, and the HTML report.

Every string a learner reads goes through ``_`` (graders/i18n.py), help texts included."""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import click
from click.core import ParameterSource
from rich.console import Console
from rich.markup import escape

from . import concepts, i18n, manifest, mock, mock_store, mock_view, paths, progress, report
from .i18n import _
from .mock_store import StoreError
from .results import Results, clean_text

console = Console()
err_console = Console(stderr=True)


def emit_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def fail(exc: Exception) -> None:
    raise click.ClickException(str(exc)) from None


def read_self_scores(path: Path | None) -> dict | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(_("cannot read {file}: {error}").format(file=path, error=exc)) from None
    if not isinstance(data, dict):
        raise click.ClickException(_("{file}: expected {example} (one 0/1 per key point) or a count").format(
            file=path, example='{"card_id": [1, 0, 1, ...]}'))
    return data


def interactive() -> bool:
    """Whether a prompt can be answered (never block a script or CI on input)."""
    return sys.stdin.isatty()


def ask_self_scores(rows: list[dict]) -> dict:
    """Ask, key point by key point, whether the answer covered it (only on a terminal)."""
    scores = {}
    for i, row in enumerate(rows, 1):
        mock_view.print_concept_row(console, i, row)
        scores[row["card"]] = [int(click.confirm(_("  Did your answer cover key point {number}?").format(number=k),
                                                 default=False))
                               for k in range(1, row["max"] + 1)]
    return scores


def score_concepts(session: dict, scores: dict | None, as_json: bool) -> list[str]:
    """Self-scores from a file, else interactively on a terminal, else left pending (never blocks)."""
    rows = session.get("concepts") or []
    if not rows or all(r["score"] is not None for r in rows) and scores is None:
        return []
    if scores is None and interactive() and not as_json:
        console.print(_("\n[bold]Concept round[/bold]: compare your answers with the key points and score yourself."))
        scores = ask_self_scores(rows)
    return mock.apply_self_scores(rows, scores) if scores is not None else []


def finish(session: dict, store: dict, scores: dict | None, as_json: bool, reason: str = "") -> None:
    """Submit, score the concept round, save, and print the debrief."""
    if reason and not as_json:
        err_console.print(f"[yellow]{reason}[/yellow]")
    if not as_json:
        err_console.print(_("grading {problems} with the hidden tests…").format(
            problems=", ".join(session["slugs"]) or _("no coding problems")))
    mock.submit(session, store)
    problems = score_concepts(session, scores, as_json)
    mock_store.save(store)
    show_debrief(session, as_json, problems)


def show_debrief(session: dict, as_json: bool, problems: list[str] = ()) -> None:
    data = mock.debrief(session)
    if as_json:
        emit_json({**mock.debrief_json(data), "problems": list(problems)})
        return
    for problem in problems:
        err_console.print(_("[red]self-score: {problem}[/red]").format(problem=escape(problem)))
    mock_view.print_debrief(console, data)
    console.print(_("\nHTML report: [bold]python grade.py report --mock {session}[/bold]").format(
        session=session["id"]))


def running(as_json: bool = False) -> tuple[dict, dict] | None:
    """The active session, observed; None (after submitting it) when its deadline has passed."""
    try:
        session, store, warning = mock.active()
    except StoreError as exc:
        fail(exc)
    if warning:
        err_console.print(f"[yellow]{escape(warning)}[/yellow]")
    if session is None:
        fail(mock.MockError(mock.not_running()))
    mock.observe(session)
    if mock.expired(session):
        finish(session, store, None, as_json,
               _("Time is up (deadline {time}): your work as it was at the deadline is graded.").format(
                   time=mock.clock(session["deadline"])))
        return None
    return session, store


@click.group("mock", help=_("Timed mock interviews: a coding round graded by the hidden tests, and a concept round."))
def mock_group() -> None:
    pass


@mock_group.command("start", help=_("Draw problems you have not solved yet (weighted to your weak topics) into a "
                                     "fresh workspace."))
@click.option("--minutes", default=45.0, show_default=True, help=_("time for the whole interview"))
@click.option("--track", type=click.Choice(list(manifest.TRACKS)), default=None, help=_("draw from one track"))
@click.option("--difficulty", type=click.Choice(manifest.DIFFICULTIES), default=None)
@click.option("--count", default=2, show_default=True, help=_("coding problems"))
@click.option("--concepts", "concept_count", default=2, show_default=True,
              help=_("concept questions (0: coding only)"))
@click.option("--seed", type=int, default=None, help=_("draw the same interview again"))
@click.option("--json", "as_json", is_flag=True, help=_("print the session as JSON"))
def mock_start(minutes: float, track: str | None, difficulty: str | None, count: int, concept_count: int,
               seed: int | None, as_json: bool) -> None:
    try:
        session = mock.start(mock.MockOptions(minutes, track, difficulty, count, concept_count, seed))
    except (mock.MockError, StoreError, KeyError, OSError) as exc:
        fail(exc)
    status = mock.status(session)
    if as_json:
        emit_json({**status, "slugs": session["slugs"], "seed": session["seed"]})
        return
    mock_view.print_status(console, status, _("Mock interview started"))
    console.print(_("Each hint costs {cost:.0%} of its problem's points. Work saved after the deadline is not "
                    "graded. A closed terminal loses nothing: `python grade.py mock status` resumes.").format(
        cost=mock.HINT_COST))


@mock_group.command("status", help=_("Time left, and per problem: visible tests, hints used."))
@click.option("--json", "as_json", is_flag=True)
def mock_status(as_json: bool) -> None:
    found = running(as_json)
    if found is None:
        return
    session, store = found
    mock_store.save(store)
    status = mock.status(session)
    emit_json(status) if as_json else mock_view.print_status(console, status)


@mock_group.command("hint", help=_("The next hint for a problem of the interview (it costs points)."))
@click.argument("slug")
def mock_hint(slug: str) -> None:
    found = running()
    if found is None:
        return
    session, store = found
    try:
        number, total, text, cost = mock.hint(session, slug)
    except mock.MockError as exc:
        fail(exc)
    mock_store.save(store)
    console.print(_("[bold]Hint {number}/{total}[/bold] for {slug} (-{cost:g} points): {text}").format(
        number=number, total=total, slug=slug, cost=cost, text=escape(text)))


@mock_group.command("check", help=_("Run a problem's visible tests on your workspace copy."))
@click.argument("slug")
def mock_check(slug: str) -> None:
    found = running()
    if found is None:
        return
    session, store = found
    try:
        results = mock.check(session, slug)
    except mock.MockError as exc:
        fail(exc)
    mock_store.save(store)
    report.print_exercise(console, results.exercises[0])
    left = mock.status(session)["seconds_left"]
    console.print(_("{slug}: visible tests {status}; {left} left.").format(
        slug=slug, status=report.status_text(results.exercises[0].status), left=mock_view.minutes(left)))


@mock_group.command("submit", help=_("Grade the coding round with the hidden tests, run the concept round, print "
                                      "the debrief."))
@click.option("--self-score", "self_score", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help=_("JSON {example}: your own marks per key point (no prompt)").format(
                  example='{"card_id": [1, 0, 1, ...]}'))
@click.option("--json", "as_json", is_flag=True, help=_("print the debrief as JSON"))
def mock_submit(self_score: Path | None, as_json: bool) -> None:
    scores = read_self_scores(self_score)
    found = running(as_json)
    if found is None:
        return
    finish(*found, scores, as_json)


@mock_group.command("debrief", help=_("Show a submitted session's debrief again (default: the latest)."))
@click.argument("session_id", required=False)
@click.option("--self-score", "self_score", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help=_("score (or re-score) the concept round from this JSON file"))
@click.option("--json", "as_json", is_flag=True)
def mock_debrief(session_id: str | None, self_score: Path | None, as_json: bool) -> None:
    try:
        store, _warning = mock.sessions()
        session = mock.find(store, session_id)
    except (mock.MockError, StoreError) as exc:
        fail(exc)
    if session["state"] != "submitted":
        fail(mock.MockError(_("session {session} is {state}; `mock submit` it first").format(
            session=session["id"], state=mock_view.state_text(session["state"]))))
    problems = mock.apply_self_scores(session.get("concepts") or [], read_self_scores(self_score) or {})
    mock_store.save(store)
    show_debrief(session, as_json, problems)


@mock_group.command("abandon", help=_("End the running session without grading it."))
def mock_abandon() -> None:
    try:
        session, store, _warning = mock.require_active()
    except (mock.MockError, StoreError) as exc:
        fail(exc)
    mock.abandon(session, store)
    console.print(_("Abandoned mock session {session} (its workspace stays in {workspace}).").format(
        session=session["id"], workspace=escape(session["workspace"])))


@click.command("concepts", help=_("Drill the concept cards drawn from the question banks (questions, key points, "
                                   "follow-ups)."))
@click.option("--track", type=click.Choice(list(manifest.TRACKS)), default=None)
@click.option("--random", "pick_random", is_flag=True, help=_("one card at random"))
@click.option("--language", type=click.Choice(["en", "zh"]), default=i18n.language(), show_default=True)
@click.option("--json", "as_json", is_flag=True, help=_("every card (filtered) as JSON"))
@click.pass_context
def concepts_command(ctx: click.Context, track: str | None, pick_random: bool, language: str, as_json: bool) -> None:
    if ctx.get_parameter_source("language") is ParameterSource.DEFAULT:
        language = i18n.language()  # the kit's language, as `--lang` set it
    cards = [c for c in concepts.load() if track in (None, c.track)]
    if pick_random and cards:
        cards = [random.choice(cards)]
    if as_json:
        emit_json({"cards": [c.to_dict() for c in cards]})
        return
    for card in cards:
        console.print(_("\n[bold]{question}[/bold]  [dim]({card}; seed {seeds}; {track})[/dim]").format(
            question=escape(card.question.get(language)), card=card.id, seeds=", ".join(card.seeds), track=card.track))
        if pick_random:
            if interactive():
                click.pause(_("Answer aloud or on paper, then press any key to see the key points…"))
        for i, point in enumerate(card.key_points, 1):
            console.print(f"  {i}. {escape(point.text.get(language))}")
        for follow_up in card.follow_ups:
            console.print(_("  Follow-up: [italic]{text}[/italic]").format(text=escape(follow_up.get(language))))
        if card.exercises:
            console.print(_("  Practise: {exercises}").format(exercises=", ".join(card.exercises)))


@click.command("progress", help=_("Solved and attempted exercises per track, mock history and trend, weakest topics, "
                                   "what next."))
@click.option("--json", "as_json", is_flag=True)
def progress_command(as_json: bool) -> None:
    try:
        data = progress.progress()
    except StoreError as exc:
        fail(exc)
    if data["warning"]:
        err_console.print(f"[yellow]{escape(data['warning'])}[/yellow]")
    emit_json(data) if as_json else mock_view.print_progress(console, data)


def latest_report_source(store: dict) -> tuple[str, object]:
    """('mock', session) or ('results', Results): whichever of the latest mock and grading is newer."""
    session = mock.latest_ended(store)
    graded = paths.LAST_RESULTS.stat().st_mtime if paths.LAST_RESULTS.exists() else None
    if session is not None and (graded is None or session["submitted"] >= graded):
        return "mock", session
    if graded is not None:
        return "results", load_results(paths.LAST_RESULTS)
    raise click.ClickException(_("nothing to report yet: run `python grade.py grade` or `python grade.py mock "
                                 "start`, or name a results.json"))


def load_results(path: Path) -> Results:
    try:
        return Results.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise click.ClickException(_("{file} is not a results file: {error}").format(file=path,
                                                                                   error=clean_text(exc))) from None


@click.command("report", help=_("Write a self-contained HTML report with plots (default: the latest mock interview "
                                 "or grading)."))
@click.argument("results_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mock", "session_id", default=None, help=_("a mock session's id (see `progress`)"))
@click.option("--progress", "show_progress", is_flag=True, help=_("your progress over time"))
@click.option("--out", default="report.html", show_default=True, type=click.Path(dir_okay=False, path_type=Path))
def report_command(results_file: Path | None, session_id: str | None, show_progress: bool, out: Path) -> None:
    from . import html_report

    if sum(map(bool, (results_file, session_id, show_progress))) > 1:
        raise click.UsageError(_("give one of RESULTS_FILE, --mock SESSION or --progress"))
    try:
        store, _warning = mock.sessions()
        if results_file:
            html = html_report.results_page(load_results(results_file),
                                            _("Grading report: {name}").format(name=results_file.name))
        elif show_progress:
            html = html_report.progress_page(progress.progress())
        else:
            kind, source = ("mock", mock.find(store, session_id)) if session_id else latest_report_source(store)
            if kind == "mock" and source["state"] != "submitted":
                raise mock.MockError(_("mock session {session} is {state}: submit it first").format(
                    session=source["id"], state=mock_view.state_text(source["state"])))
            html = (html_report.mock_page(mock.debrief(source)) if kind == "mock"
                    else html_report.results_page(source, _("Grading report: your latest grade")))
    except (mock.MockError, StoreError) as exc:
        fail(exc)
    written = html_report.write(html, out)
    console.print(_("Wrote {file}: open it in a browser (file://{path})").format(
        file=escape(str(written)), path=escape(str(written.resolve()))))
