"""Self-contained HTML reports: one learner's results, a class, a mock interview, progress.

Each function takes data and returns one HTML page: inline CSS, plots as ``data:`` SVG images
(graders/plots.py), no fonts, scripts or images from the network (a Content-Security-Policy
forbids them). Jinja2 autoescapes everything: a learner's message is text, never markup.
The instructor-only ``detail`` of tests and exercises is never passed to the templates.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile
from collections import Counter
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from . import plots
from .results import ExerciseResult, Results, Status, clean_text, percent
from .topics import TOPICS

TEMPLATES = Path(__file__).parent / "templates"

# Records on <body> how many images decoded (data-images="ok/total") and how many errors the page
# raised (data-errors): the headless-browser test reads them from the dumped DOM.
CHECK_SCRIPT = Markup(
    "(function(){var errors=0;"
    "window.addEventListener('error',function(){errors+=1;},true);"
    "window.addEventListener('load',function(){var imgs=document.images,ok=0;"
    "for(var i=0;i<imgs.length;i++){if(imgs[i].complete&&imgs[i].naturalWidth>0){ok+=1;}}"
    "document.body.setAttribute('data-images',ok+'/'+imgs.length);"
    "document.body.setAttribute('data-errors',String(errors));});})();"
)
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(str(CHECK_SCRIPT).encode()).digest()).decode()
CSP = (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{_SCRIPT_HASH}'; "
       "base-uri 'none'; form-action 'none'")


def _finalize(value: Any) -> Any:
    """Every printed string is cleaned of control characters; our own Markup is left alone."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return clean_text(value)
    return value


def _num(value: Any, digits: int = 1) -> str:
    """A number for people: ``3``, ``2.5``, ``-0.5``; None is a dash."""
    if value is None:
        return "—"
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _pct(score: Any, top: Any) -> str:
    if score is None or not top:
        return "—"
    return f"{percent(float(score), float(top)):.0f}%"


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      finalize=_finalize, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _num
    env.globals.update(pct=_pct, csp=CSP, check_script=CHECK_SCRIPT)
    return env


def _render(template: str, **context: Any) -> str:
    return _env().get_template(template).render(**context)


def _anchor(prefix: str, index: int, text: str) -> str:
    return f"{prefix}-{index}-" + re.sub(r"[^A-Za-z0-9_-]+", "-", clean_text(text))[:40].strip("-")


def _plot(src: str, alt: str, caption: str = "") -> dict:
    return {"src": src, "alt": alt, "caption": caption}


def _test_view(test: Any) -> dict:
    """What a learner may see of a test: no ``detail``."""
    charts = []
    for base, names in plots.group_series(test.series):
        chart = {name: test.series[name] for name in names}
        kind = "episode returns with a moving average" if any(map(plots.is_returns, names)) else "curves"
        charts.append(_plot(plots.line_chart(chart, f"{test.name}: {base}"),
                            f"{', '.join(names)} of {test.name}: {kind}"))
    return {
        "name": test.name, "hidden": test.visibility == "hidden", "status": test.status.value,
        "score": test.score, "max_score": test.max_score, "message": test.message, "probes": test.probes,
        "topic": test.topic, "metrics": dict(test.metrics), "plots": charts,
    }


def _exercise_view(index: int, exercise: ExerciseResult, extra: dict | None = None) -> dict:
    tests = [_test_view(t) for t in exercise.tests]
    return {
        "anchor": _anchor("ex", index, exercise.slug), "slug": exercise.slug, "status": exercise.status.value,
        "score": exercise.score, "max_score": exercise.max_score, "message": exercise.message,
        "passed": sum(t.status is Status.PASS for t in exercise.tests), "count": len(exercise.tests),
        "hidden": sum(t.visibility == "hidden" for t in exercise.tests),
        "adjustments": [{"points": a.points, "reason": a.reason} for a in exercise.adjustments],
        "tests": tests, "curves": sum(len(t["plots"]) for t in tests), **(extra or {}),
    }


def _score_plot(results: Results, title: str = "Score per exercise") -> dict | None:
    if not results.exercises:
        return None
    rows = [(e.slug, e.score, e.max_score, e.status.value) for e in results.exercises]
    return _plot(plots.score_bars(rows, title), "bar chart of each exercise's score out of its maximum")


def _run_items(run: dict) -> list[tuple[str, str]]:
    return [(str(k), str(v)) for k, v in run.items() if isinstance(v, (str, int, float)) and str(v)]


def results_page(results: Results, title: str = "Grading report") -> str:
    """One learner's results: totals, score table, every test's status and message, curves."""
    exercises = [_exercise_view(i, e) for i, e in enumerate(results.exercises, 1)]
    return _render(
        "results.html", title=title, run=_run_items(results.run), exercises=exercises,
        score=results.score, max_score=results.max_score,
        solved=sum(e.status is Status.PASS for e in results.exercises), score_plot=_score_plot(results))


def _class_failures(grades: dict[str, Results], slug: str) -> list[dict]:
    """The checks of ``slug`` that students failed, most frequent first."""
    seen: dict[str, dict] = {}
    for student, results in grades.items():
        for exercise in results.exercises:
            if exercise.slug != slug:
                continue
            failed = [(t.id or t.name, t.name, t.probes, t.topic, t.visibility, t.status.value)
                      for t in exercise.tests if t.status is not Status.PASS]
            if not exercise.tests and exercise.status is not Status.PASS:
                failed = [(f"exercise:{exercise.status.value}", f"exercise did not run ({exercise.status.value})",
                           exercise.message, "", "visible", exercise.status.value)]
            for key, name, probes, topic, visibility, status in failed:
                entry = seen.setdefault(key, {"name": name, "probes": probes, "topic": topic,
                                              "hidden": visibility == "hidden", "students": set(),
                                              "statuses": Counter()})
                entry["students"].add(student)
                entry["statuses"][status] += 1
    rows = [{**e, "count": len(e.pop("students")),
             "statuses": ", ".join(f"{s} ×{n}" if n > 1 else s for s, n in sorted(e["statuses"].items()))}
            for e in seen.values()]
    return sorted(rows, key=lambda r: (-r["count"], r["name"]))


def batch_page(grades: dict[str, Results], title: str = "Class report") -> str:
    """A class: per exercise the score distribution and the checks most students failed; a score grid."""
    students = sorted(grades)
    slugs: dict[str, float] = {}
    for student in students:
        for exercise in grades[student].exercises:
            slugs.setdefault(exercise.slug, exercise.max_score)
    grid = []
    for student in students:
        by_slug = {e.slug: e for e in grades[student].exercises}
        cells = [{"score": by_slug[s].score, "max_score": by_slug[s].max_score, "status": by_slug[s].status.value}
                 if s in by_slug else None for s in slugs]
        grid.append({"student": student, "cells": cells, "score": grades[student].score,
                     "max_score": grades[student].max_score})
    sections = []
    for i, (slug, max_score) in enumerate(slugs.items(), 1):
        scores = [e.score for s in students for e in grades[s].exercises if e.slug == slug]
        statuses = Counter(e.status.value for s in students for e in grades[s].exercises if e.slug == slug)
        sections.append({
            "anchor": _anchor("ex", i, slug), "slug": slug, "max_score": max_score, "graded": len(scores),
            "mean": sum(scores) / len(scores) if scores else None,
            "solved": statuses.get("pass", 0), "failures": _class_failures(grades, slug),
            "plot": _plot(plots.histogram(scores, max_score, f"{slug}: scores"),
                          f"histogram of the class's scores on {slug}") if scores else None,
        })
    topics = Counter()
    for section in sections:
        for failure in section["failures"]:
            if failure["topic"]:
                topics[failure["topic"]] += failure["count"]
    totals = [grades[s].score for s in students]
    top = max((grades[s].max_score for s in students), default=0.0)
    total_plot = (_plot(plots.histogram(totals, top, "total scores"), "histogram of the class's total scores")
                  if students and top else None)
    return _render(
        "batch.html", title=title, students=len(students), slugs=list(slugs), grid=grid, sections=sections,
        topics=[{"topic": t, "count": n, "about": TOPICS.get(t, ("",))[0]} for t, n in topics.most_common()],
        mean=sum(totals) / len(totals) if totals else None, top=top, total_plot=total_plot)


def _parse_time(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return None


def _minutes_between(start: Any, end: Any) -> float | None:
    a, b = _parse_time(start), _parse_time(end)
    try:
        return (b - a).total_seconds() / 60.0 if a and b else None
    except TypeError:  # one aware, one naive
        return None


def mock_page(debrief: dict) -> str:
    """A mock interview's debrief: verdict, coding results with time and hints, concepts, what to study."""
    results: Results = debrief.get("results") or Results()
    times, hints = debrief.get("times") or {}, debrief.get("hints") or {}
    exercises = [_exercise_view(i, e, {"seconds": times.get(e.slug), "hints": int(hints.get(e.slug) or 0)})
                 for i, e in enumerate(results.exercises, 1)]
    late = _minutes_between(debrief.get("deadline"), debrief.get("submitted"))
    concepts = []
    for i, card in enumerate(debrief.get("concepts") or [], 1):
        points = list(card.get("key_points") or [])
        mentioned = list(card.get("mentioned") or [])
        covered = card.get("covered")
        concepts.append({**card, "anchor": _anchor("card", i, str(card.get("card", ""))),
                         "points": [(p, bool(mentioned[j]) if j < len(mentioned) else False,
                                     bool(covered[j]) if isinstance(covered, list) and j < len(covered) else None)
                                    for j, p in enumerate(points)]})
    plot_list = [p for p in [_score_plot(results, "Coding score per exercise")] if p]
    if results.exercises:
        rows = [(e.slug, times.get(e.slug), int(hints.get(e.slug) or 0)) for e in results.exercises]
        plot_list.append(_plot(plots.time_bars(rows), "bar chart of minutes spent per exercise, with hints taken"))
    return _render(
        "mock.html", title=f"Mock interview {debrief.get('session_id', '')}".strip(), d=debrief,
        exercises=exercises, score=results.score, max_score=results.max_score, concepts=concepts,
        used=_minutes_between(debrief.get("started"), debrief.get("submitted")),
        late=late if late is not None and late > 0 else None, plots=plot_list,
        study=list(debrief.get("study_next") or []))


def progress_page(progress: dict) -> str:
    """A learner's progress: per-track completion, mock interview history, weak topics, what next."""
    tracks = list(progress.get("tracks") or [])
    mocks = list(progress.get("mocks") or [])
    plot_list = []
    if tracks:
        plot_list.append(_plot(plots.track_progress(tracks), "bars of solved and attempted exercises per track"))
    if mocks:
        plot_list.append(_plot(plots.mock_trend(mocks), "coding and concept percentages over mock interviews"))
    weak = [{**w, "about": TOPICS.get(str(w.get("topic")), ("",))[0]} for w in progress.get("weak_topics") or []]
    return _render("progress.html", title="Progress", tracks=tracks, mocks=mocks, weak=weak,
                   next=progress.get("next"), plots=plot_list)


def write(html: str, out: Path) -> Path:
    """Writes ``html`` to ``out`` atomically (a temporary file in the same folder, then a rename)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(html)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


__all__ = ["results_page", "batch_page", "mock_page", "progress_page", "write"]
