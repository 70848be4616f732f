"""The `mock`, `concepts`, `progress` and `report` commands: timed mock interviews, concept drills,
progress over time, and the HTML report."""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from . import concepts, manifest, mock, mock_store, mock_view, paths, progress, report
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
        raise click.ClickException(f"cannot read {path}: {exc}") from None
    if not isinstance(data, dict):
        raise click.ClickException(f'{path}: expected {{"card_id": [1, 0, 1, ...]}} (one 0/1 per key point) or a count')
    return data


def interactive() -> bool:
    """Whether a prompt can be answered (never block a script or CI on input)."""
    return sys.stdin.isatty()


def ask_self_scores(rows: list[dict]) -> dict:
    """Ask, key point by key point, whether the answer covered it (only on a terminal)."""
    scores = {}
    for i, row in enumerate(rows, 1):
        mock_view.print_concept_row(console, i, row)
        scores[row["card"]] = [int(click.confirm(f"  Did your answer cover key point {k}?", default=False))
                               for k in range(1, row["max"] + 1)]
    return scores


def score_concepts(session: dict, scores: dict | None, as_json: bool) -> list[str]:
    """Self-scores from a file, else interactively on a terminal, else left pending (never blocks)."""
    rows = session.get("concepts") or []
    if not rows or all(r["score"] is not None for r in rows) and scores is None:
        return []
    if scores is None and interactive() and not as_json:
        console.print("\n[bold]Concept round[/bold]: compare your answers with the key points and score yourself.")
        scores = ask_self_scores(rows)
    return mock.apply_self_scores(rows, scores) if scores is not None else []


def finish(session: dict, store: dict, scores: dict | None, as_json: bool, reason: str = "") -> None:
    """Submit, score the concept round, save, and print the debrief."""
    if reason and not as_json:
        err_console.print(f"[yellow]{reason}[/yellow]")
    if not as_json:
        err_console.print(f"grading {', '.join(session['slugs']) or 'no coding problems'} with the hidden tests…")
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
        err_console.print(f"[red]self-score: {escape(problem)}[/red]")
    mock_view.print_debrief(console, data)
    console.print(f"\nHTML report: [bold]python grade.py report --mock {session['id']}[/bold]")


def running(as_json: bool = False) -> tuple[dict, dict] | None:
    """The active session, observed; None (after submitting it) when its deadline has passed."""
    try:
        session, store, warning = mock.active()
    except StoreError as exc:
        fail(exc)
    if warning:
        err_console.print(f"[yellow]{escape(warning)}[/yellow]")
    if session is None:
        fail(mock.MockError(mock.NOT_RUNNING))
    mock.observe(session)
    if mock.expired(session):
        finish(session, store, None, as_json,
               f"Time is up (deadline {mock.clock(session['deadline'])}): your work as it was at the deadline is graded.")
        return None
    return session, store


@click.group("mock")
def mock_group() -> None:
    """Timed mock interviews: a coding round graded by the hidden tests, and a concept round."""


@mock_group.command("start")
@click.option("--minutes", default=45.0, show_default=True, help="time for the whole interview")
@click.option("--track", type=click.Choice(list(manifest.TRACKS)), default=None, help="draw from one track")
@click.option("--difficulty", type=click.Choice(manifest.DIFFICULTIES), default=None)
@click.option("--count", default=2, show_default=True, help="coding problems")
@click.option("--concepts", "concept_count", default=2, show_default=True, help="concept questions (0: coding only)")
@click.option("--seed", type=int, default=None, help="draw the same interview again")
@click.option("--json", "as_json", is_flag=True, help="print the session as JSON")
def mock_start(minutes: float, track: str | None, difficulty: str | None, count: int, concept_count: int,
               seed: int | None, as_json: bool) -> None:
    """Draw problems you have not solved yet (weighted to your weak topics) into a fresh workspace."""
    try:
        session = mock.start(mock.MockOptions(minutes, track, difficulty, count, concept_count, seed))
    except (mock.MockError, StoreError, KeyError, OSError) as exc:
        fail(exc)
    status = mock.status(session)
    if as_json:
        emit_json({**status, "slugs": session["slugs"], "seed": session["seed"]})
        return
    mock_view.print_status(console, status, "Mock interview started")
    console.print(f"Each hint costs {mock.HINT_COST:.0%} of its problem's points. Work saved after the deadline "
                  "is not graded. A closed terminal loses nothing: `python grade.py mock status` resumes.")


@mock_group.command("status")
@click.option("--json", "as_json", is_flag=True)
def mock_status(as_json: bool) -> None:
    """Time left, and per problem: visible tests, hints used."""
    found = running(as_json)
    if found is None:
        return
    session, store = found
    mock_store.save(store)
    status = mock.status(session)
    emit_json(status) if as_json else mock_view.print_status(console, status)


@mock_group.command("hint")
@click.argument("slug")
def mock_hint(slug: str) -> None:
    """The next hint for a problem of the interview (it costs points)."""
    found = running()
    if found is None:
        return
    session, store = found
    try:
        number, total, text, cost = mock.hint(session, slug)
    except mock.MockError as exc:
        fail(exc)
    mock_store.save(store)
    console.print(f"[bold]Hint {number}/{total}[/bold] for {slug} (-{cost:g} points): {escape(text)}")


@mock_group.command("check")
@click.argument("slug")
def mock_check(slug: str) -> None:
    """Run a problem's visible tests on your workspace copy."""
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
    console.print(f"{slug}: visible tests {results.exercises[0].status.value}; {mock_view.minutes(left)} left.")


@mock_group.command("submit")
@click.option("--self-score", "self_score", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help='JSON {"card_id": [1, 0, 1, ...]}: your own marks per key point (no prompt)')
@click.option("--json", "as_json", is_flag=True, help="print the debrief as JSON")
def mock_submit(self_score: Path | None, as_json: bool) -> None:
    """Grade the coding round with the hidden tests, run the concept round, print the debrief."""
    scores = read_self_scores(self_score)
    found = running(as_json)
    if found is None:
        return
    finish(*found, scores, as_json)


@mock_group.command("debrief")
@click.argument("session_id", required=False)
@click.option("--self-score", "self_score", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="score (or re-score) the concept round from this JSON file")
@click.option("--json", "as_json", is_flag=True)
def mock_debrief(session_id: str | None, self_score: Path | None, as_json: bool) -> None:
    """Show a submitted session's debrief again (default: the latest)."""
    try:
        store, _ = mock.sessions()
        session = mock.find(store, session_id)
    except (mock.MockError, StoreError) as exc:
        fail(exc)
    if session["state"] != "submitted":
        fail(mock.MockError(f"session {session['id']} is {session['state']}; `mock submit` it first"))
    problems = mock.apply_self_scores(session.get("concepts") or [], read_self_scores(self_score) or {})
    mock_store.save(store)
    show_debrief(session, as_json, problems)


@mock_group.command("abandon")
def mock_abandon() -> None:
    """End the running session without grading it."""
    try:
        session, store, _ = mock.require_active()
    except (mock.MockError, StoreError) as exc:
        fail(exc)
    mock.abandon(session, store)
    console.print(f"Abandoned mock session {session['id']} (its workspace stays in {escape(session['workspace'])}).")


@click.command("concepts")
@click.option("--track", type=click.Choice(list(manifest.TRACKS)), default=None)
@click.option("--random", "pick_random", is_flag=True, help="one card at random")
@click.option("--language", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="every card (filtered) as JSON")
def concepts_command(track: str | None, pick_random: bool, language: str, as_json: bool) -> None:
    """Drill the concept cards drawn from the question banks (questions, key points, follow-ups)."""
    cards = [c for c in concepts.load() if track in (None, c.track)]
    if pick_random and cards:
        cards = [random.choice(cards)]
    if as_json:
        emit_json({"cards": [c.to_dict() for c in cards]})
        return
    for card in cards:
        console.print(f"\n[bold]{escape(card.question.get(language))}[/bold]  [dim]({card.id}; "
                      f"seed {', '.join(card.seeds)}; {card.track})[/dim]")
        if pick_random:
            if interactive():
                click.pause("Answer aloud or on paper, then press any key to see the key points…")
        for i, point in enumerate(card.key_points, 1):
            console.print(f"  {i}. {escape(point.text.get(language))}")
        for follow_up in card.follow_ups:
            console.print(f"  Follow-up: [italic]{escape(follow_up.get(language))}[/italic]")
        if card.exercises:
            console.print(f"  Practise: {', '.join(card.exercises)}")


@click.command("progress")
@click.option("--json", "as_json", is_flag=True)
def progress_command(as_json: bool) -> None:
    """Solved and attempted exercises per track, mock history and trend, weakest topics, what next."""
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
    raise click.ClickException("nothing to report yet: run `python grade.py grade` or `python grade.py mock start`, "
                               "or name a results.json")


def load_results(path: Path) -> Results:
    try:
        return Results.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise click.ClickException(f"{path} is not a results file: {clean_text(exc)}") from None


@click.command("report")
@click.argument("results_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--mock", "session_id", default=None, help="a mock session's id (see `progress`)")
@click.option("--progress", "show_progress", is_flag=True, help="your progress over time")
@click.option("--out", default="report.html", show_default=True, type=click.Path(dir_okay=False, path_type=Path))
def report_command(results_file: Path | None, session_id: str | None, show_progress: bool, out: Path) -> None:
    """Write a self-contained HTML report with plots (default: the latest mock interview or grading)."""
    from . import html_report

    if sum(map(bool, (results_file, session_id, show_progress))) > 1:
        raise click.UsageError("give one of RESULTS_FILE, --mock SESSION or --progress")
    try:
        store, _ = mock.sessions()
        if results_file:
            html = html_report.results_page(load_results(results_file), f"Grading report: {results_file.name}")
        elif show_progress:
            html = html_report.progress_page(progress.progress())
        else:
            kind, source = ("mock", mock.find(store, session_id)) if session_id else latest_report_source(store)
            if kind == "mock" and source["state"] != "submitted":
                raise mock.MockError(f"mock session {source['id']} is {source['state']}: submit it first")
            html = (html_report.mock_page(mock.debrief(source)) if kind == "mock"
                    else html_report.results_page(source, "Grading report: your latest grade"))
    except (mock.MockError, StoreError) as exc:
        fail(exc)
    written = html_report.write(html, out)
    console.print(f"Wrote {escape(str(written))}: open it in a browser (file://{escape(str(written.resolve()))})")
