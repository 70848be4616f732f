"""Progress over time: exercises per track, mock-interview history, weakest topics, what next."""
from __future__ import annotations

from datetime import datetime

from . import manifest, mock, state
from .i18n import _
from .results import percent

TREND_WINDOW = 3  # sessions compared with the ones before them


def tracks(done: dict) -> list[dict]:
    rows = []
    for track, title in manifest.TRACKS.items():
        exercises = [e for e in manifest.load() if e.track == track]
        if not exercises:
            continue
        graded = [done[e.slug] for e in exercises if e.slug in done]
        rows.append({"track": track, "title": title, "total": len(exercises),
                     "solved": sum(1 for d in graded if d.get("status") == "pass" and d.get("kind") == "grade"),
                     "attempted": len(graded),
                     "points": round(sum(float(d.get("score", 0)) for d in graded if d.get("kind") == "grade"), 2),
                     "max_points": float(sum(e.points for e in exercises))})
    return rows


def mock_history(store: dict) -> list[dict]:
    rows = []
    for session in sorted(store["sessions"].values(), key=lambda s: s["started"]):
        if session.get("state") != "submitted" or not session.get("results"):
            continue
        data = mock.debrief(session)
        results = data["results"]
        rows.append({"id": session["id"], "date": mock.iso(session["started"]),
                     "minutes": round((session["submitted"] - session["started"]) / 60, 1),
                     "coding_score": round(results.score, 2), "coding_max": results.max_score,
                     "concept_score": data["concept_score"], "concept_max": data["concept_max"]})
    return rows


def trend(history: list[dict]) -> str:
    scores = [percent(m["coding_score"], m["coding_max"]) for m in history if m["coding_max"]]
    if len(scores) < 2:
        return _("not enough mock interviews yet for a trend (two or more)")
    recent, before = scores[-TREND_WINDOW:], scores[:-TREND_WINDOW] or scores[:1]
    change = sum(recent) / len(recent) - sum(before) / len(before)
    word = _("improving") if change > 2 else _("slipping") if change < -2 else _("steady")
    return _("{word}: coding {change:+.0f} points (%) over the last {count} session(s)").format(
        word=word, change=change, count=len(recent))


def next_pending(after: str | None = None) -> str | None:
    """The first exercise after ``after`` (wrapping round, manifest order) whose last run did not pass."""
    done = state.load()["exercises"]
    slugs = manifest.slugs()
    start = slugs.index(after) + 1 if after in slugs else 0
    return next((slug for slug in slugs[start:] + slugs[:start] if done.get(slug, {}).get("status") != "pass"), None)


def current_exercise() -> str:
    """The first exercise (in manifest order) whose last run did not pass; the last one when all pass."""
    return next_pending() or manifest.slugs()[-1]


def suggest_next(done: dict, weak: dict[str, float]) -> str | None:
    """The unsolved exercise that practises the weakest topics most (manifest order breaks ties)."""
    unsolved = [e.slug for e in manifest.load() if done.get(e.slug, {}).get("status") != "pass"]
    if not unsolved:
        return None
    return max(unsolved, key=lambda slug: (sum(weak.get(t, 0.0) for t in mock.exercise_topics(slug)),
                                           -unsolved.index(slug)))


def progress() -> dict:
    data = state.load()
    store, warning = mock.sessions()
    weak = mock.weak_topics(store)
    history = mock_history(store)
    return {"tracks": tracks(data["exercises"]), "mocks": history, "trend": trend(history),
            "weak_topics": [{"topic": t, "failures": int(n)} for t, n in sorted(weak.items(), key=lambda i: -i[1])[:5]],
            "next": suggest_next(data["exercises"], weak), "warning": warning,
            "generated": datetime.now().isoformat(timespec="seconds")}


def one_line(data: dict) -> str:
    rows = data["tracks"]
    solved, attempted, total = (sum(r[k] for r in rows) for k in ("solved", "attempted", "total"))
    points, max_points = sum(r["points"] for r in rows), sum(r["max_points"] for r in rows)
    line = _("Progress: {solved}/{total} solved, {attempted} attempted, {points:g}/{max_points:g} points").format(
        solved=solved, total=total, attempted=attempted, points=points, max_points=max_points)
    if data["mocks"]:
        last = data["mocks"][-1]
        line += _(" · {count} mock interview(s), last {percent} coding").format(
            count=len(data["mocks"]), percent=f"{percent(last['coding_score'], last['coding_max']):.0f}%")
    return line
