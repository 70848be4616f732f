"""Terminal output of mock interviews: the start banner, status, the concept round and the debrief.

Every string goes through ``_`` (graders/i18n.py); in Chinese the concept round shows each card's
Chinese text first and topics carry their Chinese names."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import concepts, report
from .i18n import _, language
from .mock import topic_label
from .results import Status, percent


def minutes(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return _("{minutes:.0f} min").format(minutes=seconds / 60) if seconds >= 60 else _("{seconds:.0f} s").format(
        seconds=seconds)


def state_text(state: str) -> str:
    """A session's state in the learner's language (the JSON keeps the English word)."""
    return {"active": _("active"), "submitted": _("submitted"), "abandoned": _("abandoned")}.get(state, state)


def track_title(title: str) -> str:
    """A track's title (manifest.TRACKS) in the learner's language."""
    return _(title)


def _marked_for_translation() -> tuple[str, ...]:
    """Texts shown through ``_(variable)``, listed here so that Babel extracts them: the manifest's track
    titles (track_title) and difficulties (cli_learner's ``_(e.difficulty)``)."""
    return (_("Track 1 - foundations from scratch (numpy)"), _("Track 2 - classical ML (scikit-learn)"),
            _("Track 3 - deep learning (TensorFlow / Keras 3)"), _("Track 4 - reinforcement learning (gymnasium)"),
            _("Track 5 - ML systems"), _("Track 6 - large-model engineering"), _("easy"), _("medium"), _("hard"))


def statement_name(workspace: str, slug: str) -> str:
    """The statement to read in the workspace: README.zh.md in Chinese when the workspace has it."""
    if language() == "zh" and (Path(workspace) / slug / "README.zh.md").is_file():
        return f"{slug}/README.zh.md"
    return f"{slug}/README.md"


def print_status(console: Console, status: dict, title: str | None = None) -> None:
    title = _("Mock interview") if title is None else title
    left = status["seconds_left"]
    console.print(_("[bold]{title} {session}[/bold]: {left} left (deadline {deadline})").format(
        title=title, session=status["session_id"], left=minutes(left), deadline=status["deadline"])
        if status["state"] == "active" else
        f"[bold]{title} {status['session_id']}[/bold]: {state_text(status['state'])}")
    console.print(_("Workspace: [bold]{workspace}[/bold]").format(workspace=escape(status["workspace"])))
    if status["problems"]:
        table = Table(title_justify="left")
        for column in (_("problem"), _("statement"), _("edit"), _("visible tests"), _("hints")):
            table.add_column(column, overflow="fold")
        for row in status["problems"]:
            slug = row["slug"]
            tests = report.status_text(Status(row["visible_tests"])) if row["visible_tests"] else _("not run")
            table.add_row(slug, statement_name(status["workspace"], slug), f"{slug}/{slug}.py", tests,
                          str(row["hints_used"]))
        console.print(table)
    if status["cards"]:
        console.print(_("Concept round: {count} question(s) in [bold]answers.md[/bold] there (English or "
                        "Chinese).").format(count=len(status["cards"])))
    console.print(_("Commands: [bold]python grade.py mock check SLUG[/bold] (visible tests), "
                    "[bold]mock hint SLUG[/bold] (costs points), [bold]mock status[/bold], [bold]mock submit[/bold]."))


def concept_texts(row: dict) -> tuple[list[str], list[str], list[str]]:
    """(questions, key points, follow-ups) of a concept row in the learner's language: in Chinese the
    Chinese question first, then the English; the key points and follow-ups in Chinese where known."""
    if language() != "zh":
        return [row["question"], row["question_zh"]], row["key_points"], row["follow_ups"]
    key_points = row.get("key_points_zh") or row["key_points"]
    try:
        follow_ups = [f.zh for f in concepts.get(row["card"]).follow_ups]
    except (KeyError, OSError, ValueError):  # a card since removed or renamed: its English follow-ups
        follow_ups = row["follow_ups"]
    return [row["question_zh"], row["question"]], key_points, follow_ups


def print_concept_row(console: Console, index: int, row: dict) -> None:
    questions, key_points, follow_ups = concept_texts(row)
    console.print(_("\n[bold]Concept {number}[/bold] {card} {question}").format(
        number=index, card=escape(f"[{row['card']}]"), question=escape(questions[0])))
    console.print(f"  {escape(questions[1])}")
    answer = row["answer"].strip()
    console.print(_("  Your answer: ") + (escape(answer[:600]) + ("…" if len(answer) > 600 else "") if answer
                                          else _("[red](no answer written)[/red]")))
    console.print(_("  Key points of a strong answer ([dim]✓ = your answer names a key term: an aid, not a "
                    "grade[/dim]):"))
    for i, (point, seen) in enumerate(zip(key_points, row["mentioned"]), 1):
        mark = "[green]✓[/green]" if seen else "[dim]·[/dim]"
        covered = "" if row["covered"] is None else (_("  [green]covered[/green]") if row["covered"][i - 1]
                                                      else _("  [red]missed[/red]"))
        console.print(f"   {mark} {i}. {escape(point)}{covered}")
    for follow_up in follow_ups:
        console.print(_("  Follow-up: [italic]{text}[/italic]").format(text=escape(follow_up)))


def print_debrief(console: Console, data: dict) -> None:
    results = data["results"]
    console.print(_("\n[bold]Debrief of mock interview {session}[/bold]").format(session=data["session_id"])
                  + (_("  [yellow](submitted after the deadline: graded as of the deadline)[/yellow]")
                     if data["late"] else ""))
    if results.exercises:
        table = Table(title=_("Coding round"), title_justify="left")
        for column in (_("problem"), _("score"), _("status"), _("hints"), _("first → last save"), _("notes")):
            table.add_column(column, overflow="fold")
        for exercise in results.exercises:
            adjustments = "; ".join(f"{a.points:+g}: {a.reason}" for a in exercise.adjustments)
            saves = data["saves"].get(exercise.slug)
            span = f"{minutes(saves['first'])} → {minutes(saves['last'])}" if saves else _("no save seen")
            table.add_row(exercise.slug, f"{exercise.score:.1f}/{exercise.max_score:g}", report.badge(exercise.status),
                          str(data["hints"].get(exercise.slug, 0)), span,
                          escape("; ".join(x for x in (adjustments, exercise.message) if x)))
        console.print(table)
        console.print(_("Coding score: [bold]{score:.1f}/{max:g}[/bold] ({percent:.0f}%)").format(
            score=results.score, max=results.max_score, percent=percent(results.score, results.max_score)))
        failed = data["failed_checks"]
        if failed:
            console.print(_("\n[bold]Hidden checks that failed[/bold] (what each one probes):"))
            for row in failed:
                topic = (_(" [dim]({topic})[/dim]").format(topic=escape(topic_label(row["topic"])))
                         if row["topic"] else "")
                times = f" (×{row['count']})" if row.get("count", 1) > 1 else ""
                console.print(f"  {report.badge(Status(row['status']))} {row['slug']}: {escape(row['probes'])}{times}{topic}")
    rows = data["concepts"]
    if rows:
        for i, row in enumerate(rows, 1):
            print_concept_row(console, i, row)
        if data["concept_score"] is None:
            console.print(_("\nConcept score: [yellow]not self-scored yet[/yellow]: run "
                            "[bold]python grade.py mock debrief --self-score FILE[/bold] "
                            '(FILE: {example} one 0/1 per key point, or a count).').format(
                example='{"card_id": [1, 0, 1, ...]}'))
        else:
            console.print(_("\nConcept score (self-assessed, separate from the coding score): "
                            "[bold]{score:g}/{max}[/bold] key points").format(score=data["concept_score"],
                                                                             max=data["concept_max"]))
    if data["study_next"]:
        console.print(_("\n[bold]Study next[/bold]:"))
        for i, row in enumerate(data["study_next"], 1):
            more = _(", ").join([*row["exercises"], *(_("card {card}").format(card=c) for c in row["cards"])])
            console.print(_("  {number}. [bold]{topic}[/bold]: {why}").format(
                number=i, topic=escape(topic_label(row["topic"], full=True)), why=escape(row["why"]))
                + (_(" → practise {exercises}").format(exercises=escape(more)) if more else ""))
    console.print(_("\n[bold]Verdict[/bold]: {verdict}").format(verdict=escape(data["verdict"])))


def print_progress(console: Console, data: dict) -> None:
    table = Table(title=_("Progress by track"), title_justify="left")
    for column in (_("track"), _("solved"), _("attempted"), _("points")):
        table.add_column(column)
    for row in data["tracks"]:
        table.add_row(track_title(row["title"]), f"{row['solved']}/{row['total']}", str(row["attempted"]),
                      f"{row['points']:g}/{row['max_points']:g}")
    console.print(table)
    if data["mocks"]:
        history = Table(title=_("Mock interviews"), title_justify="left")
        for column in (_("session"), _("date"), _("minutes"), _("coding"), _("concepts")):
            history.add_column(column)
        for m in data["mocks"]:
            concept = "-" if m["concept_score"] is None else f"{m['concept_score']:g}/{m['concept_max']}"
            history.add_row(m["id"], m["date"][:16].replace("T", " "), f"{m['minutes']:g}",
                            f"{m['coding_score']:g}/{m['coding_max']:g} ({percent(m['coding_score'], m['coding_max']):.0f}%)",
                            concept)
        console.print(history)
    else:
        console.print(_("No mock interview yet: [bold]python grade.py mock start[/bold]"))
    console.print(_("Trend: {trend}").format(trend=escape(data["trend"])))
    if data["weak_topics"]:
        console.print(_("Weakest topics (hidden checks failed): ")
                      + _(", ").join(_("{topic} ({count})").format(topic=escape(topic_label(w["topic"])),
                                                                   count=w["failures"]) for w in data["weak_topics"]))
    if data["next"]:
        console.print(_("Next: [bold]python grade.py show {slug}[/bold]").format(slug=data["next"]))
