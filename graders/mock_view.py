"""Terminal output of mock interviews: the start banner, status, the concept round and the debrief."""
from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import report
from .results import Status, percent


def minutes(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.0f} min" if seconds >= 60 else f"{seconds:.0f} s"


def print_status(console: Console, status: dict, title: str = "Mock interview") -> None:
    left = status["seconds_left"]
    console.print(f"[bold]{title} {status['session_id']}[/bold]: "
                  f"{minutes(left)} left (deadline {status['deadline']})" if status["state"] == "active" else
                  f"[bold]{title} {status['session_id']}[/bold]: {status['state']}")
    console.print(f"Workspace: [bold]{escape(status['workspace'])}[/bold]")
    if status["problems"]:
        table = Table(title_justify="left")
        for column in ("problem", "statement", "edit", "visible tests", "hints"):
            table.add_column(column, overflow="fold")
        for row in status["problems"]:
            slug = row["slug"]
            table.add_row(slug, f"{slug}/README.md", f"{slug}/{slug}.py", row["visible_tests"] or "not run",
                          str(row["hints_used"]))
        console.print(table)
    if status["cards"]:
        console.print(f"Concept round: {len(status['cards'])} question(s) in "
                      "[bold]answers.md[/bold] there (English or Chinese).")
    console.print("Commands: [bold]python grade.py mock check SLUG[/bold] (visible tests), "
                  "[bold]mock hint SLUG[/bold] (costs points), [bold]mock status[/bold], [bold]mock submit[/bold].")


def print_concept_row(console: Console, index: int, row: dict) -> None:
    console.print(f"\n[bold]Concept {index}[/bold] [{escape(row['card'])}] {escape(row['question'])}")
    console.print(f"  {escape(row['question_zh'])}")
    answer = row["answer"].strip()
    console.print("  Your answer: " + (escape(answer[:600]) + ("…" if len(answer) > 600 else "") if answer
                                       else "[red](no answer written)[/red]"))
    console.print("  Key points of a strong answer ([dim]✓ = your answer names a key term: an aid, not a grade[/dim]):")
    for i, (point, seen) in enumerate(zip(row["key_points"], row["mentioned"]), 1):
        mark = "[green]✓[/green]" if seen else "[dim]·[/dim]"
        covered = "" if row["covered"] is None else ("  [green]covered[/green]" if row["covered"][i - 1]
                                                      else "  [red]missed[/red]")
        console.print(f"   {mark} {i}. {escape(point)}{covered}")
    for follow_up in row["follow_ups"]:
        console.print(f"  Follow-up: [italic]{escape(follow_up)}[/italic]")


def print_debrief(console: Console, data: dict) -> None:
    results = data["results"]
    console.print(f"\n[bold]Debrief of mock interview {data['session_id']}[/bold]"
                  + ("  [yellow](submitted after the deadline: graded as of the deadline)[/yellow]" if data["late"] else ""))
    if results.exercises:
        table = Table(title="Coding round", title_justify="left")
        for column in ("problem", "score", "status", "hints", "first → last save", "notes"):
            table.add_column(column, overflow="fold")
        for exercise in results.exercises:
            adjustments = "; ".join(f"{a.points:+g}: {a.reason}" for a in exercise.adjustments)
            saves = data["saves"].get(exercise.slug)
            span = f"{minutes(saves['first'])} → {minutes(saves['last'])}" if saves else "no save seen"
            table.add_row(exercise.slug, f"{exercise.score:.1f}/{exercise.max_score:g}", report.badge(exercise.status),
                          str(data["hints"].get(exercise.slug, 0)), span,
                          escape("; ".join(x for x in (adjustments, exercise.message) if x)))
        console.print(table)
        console.print(f"Coding score: [bold]{results.score:.1f}/{results.max_score:g}[/bold] "
                      f"({percent(results.score, results.max_score):.0f}%)")
        failed = data["failed_checks"]
        if failed:
            console.print("\n[bold]Hidden checks that failed[/bold] (what each one probes):")
            for row in failed:
                topic = f" [dim]({escape(row['topic'])})[/dim]" if row["topic"] else ""
                console.print(f"  {report.badge(Status(row['status']))} {row['slug']}: {escape(row['probes'])}{topic}")
    rows = data["concepts"]
    if rows:
        for i, row in enumerate(rows, 1):
            print_concept_row(console, i, row)
        if data["concept_score"] is None:
            console.print("\nConcept score: [yellow]not self-scored yet[/yellow]: run "
                          "[bold]python grade.py mock debrief --self-score FILE[/bold] "
                          '(FILE: {"card_id": [1, 0, 1, ...]} one 0/1 per key point, or a count).')
        else:
            console.print(f"\nConcept score (self-assessed, separate from the coding score): "
                          f"[bold]{data['concept_score']:g}/{data['concept_max']}[/bold] key points")
    if data["study_next"]:
        console.print("\n[bold]Study next[/bold]:")
        for i, row in enumerate(data["study_next"], 1):
            more = ", ".join([*row["exercises"], *(f"card {c}" for c in row["cards"])])
            console.print(f"  {i}. [bold]{escape(row['topic'])}[/bold]: {escape(row['why'])}"
                          + (f" → practise {escape(more)}" if more else ""))
    console.print(f"\n[bold]Verdict[/bold]: {escape(data['verdict'])}")


def print_progress(console: Console, data: dict) -> None:
    table = Table(title="Progress by track", title_justify="left")
    for column in ("track", "solved", "attempted", "points"):
        table.add_column(column)
    for row in data["tracks"]:
        table.add_row(row["title"], f"{row['solved']}/{row['total']}", str(row["attempted"]),
                      f"{row['points']:g}/{row['max_points']:g}")
    console.print(table)
    if data["mocks"]:
        history = Table(title="Mock interviews", title_justify="left")
        for column in ("session", "date", "minutes", "coding", "concepts"):
            history.add_column(column)
        for m in data["mocks"]:
            concept = "-" if m["concept_score"] is None else f"{m['concept_score']:g}/{m['concept_max']}"
            history.add_row(m["id"], m["date"][:16].replace("T", " "), f"{m['minutes']:g}",
                            f"{m['coding_score']:g}/{m['coding_max']:g} ({percent(m['coding_score'], m['coding_max']):.0f}%)",
                            concept)
        console.print(history)
    else:
        console.print("No mock interview yet: [bold]python grade.py mock start[/bold]")
    console.print(f"Trend: {escape(data['trend'])}")
    if data["weak_topics"]:
        console.print("Weakest topics (hidden checks failed): "
                      + ", ".join(f"{escape(w['topic'])} ({w['failures']})" for w in data["weak_topics"]))
    if data["next"]:
        console.print(f"Next: [bold]python grade.py show {data['next']}[/bold]")
