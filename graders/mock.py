"""Mock interviews: a clock, fresh problems, hints that cost points, a concept round, a debrief.

A session is a plain dict kept in the mock store (graders/mock_store.py) with a workspace folder
of fresh stubs. Every mock command first calls ``observe`` (which records saves and keeps a copy
of each file as it was before the deadline) and ``expire_if_due`` (which submits a session whose
deadline has passed). Work saved after the deadline is never graded: such a file is graded as its
last copy seen before the deadline, or as the stub when none was seen.
"""
from __future__ import annotations

import hashlib
import random
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from . import concepts, contract, manifest, mock_store, paths, runner, state
from .i18n import _, language
from .results import Adjustment, Results, Status
from .stubs import original_stub
from .topics import TOPICS, describe

HINT_COST = 0.10  # of the exercise's points, per hint
RECENT_SESSIONS = 3  # problems of the last sessions are not drawn again while others remain
ANSWERS_FILE = "answers.md"
SNAPSHOTS = ".before-deadline"
GENERIC_TOPICS = {"api contract", "input validation"}  # every exercise has them: not a strength to name


class MockError(RuntimeError):
    """A mock command that cannot be carried out; the message says what to run instead."""


def not_running() -> str:
    return _("no mock interview is running; start one with `python grade.py mock start`")


def topic_label(topic: str, full: bool = False) -> str:
    """A topic as the learner reads it: in Chinese, its name followed by its Chinese name (``full``: the
    whole Chinese description)."""
    if language() != "zh" or topic not in TOPICS:
        return topic
    chinese = describe(topic, "zh")
    return f"{topic}（{chinese if full else chinese.split('：')[0]}）"


@dataclass(frozen=True)
class MockOptions:
    minutes: float = 45.0
    track: str | None = None
    difficulty: str | None = None
    count: int = 2
    concepts: int = 2
    seed: int | None = None


# ------------------------------------------------------------------ time

def now() -> float:
    return time.time()


def iso(stamp: float | None) -> str | None:
    return None if stamp is None else datetime.fromtimestamp(stamp, timezone.utc).isoformat(timespec="seconds")


def clock(stamp: float) -> str:
    return datetime.fromtimestamp(stamp).strftime("%H:%M")


# ------------------------------------------------------------------ the store

def sessions() -> tuple[dict, str]:
    """(the store, a warning) — see mock_store.load."""
    return mock_store.load()


def active() -> tuple[dict | None, dict, str]:
    """(the active session or None, the store, a warning)."""
    store, warning = sessions()
    session = store["sessions"].get(store.get("active") or "")
    return session, store, warning


def require_active() -> tuple[dict, dict, str]:
    session, store, warning = active()
    if session is None:
        raise MockError(not_running())
    return session, store, warning


def latest_ended(store: dict) -> dict | None:
    ended = [s for s in store["sessions"].values() if s.get("state") == "submitted"]
    return max(ended, key=lambda s: s["started"]) if ended else None


def find(store: dict, session_id: str | None) -> dict:
    if session_id is None:
        session = store["sessions"].get(store.get("active") or "") or latest_ended(store)
        if session is None:
            raise MockError(_("no mock interview yet; start one with `python grade.py mock start`"))
        return session
    if session_id not in store["sessions"]:
        raise MockError(_("no mock session {session!r}; `python grade.py progress` lists them").format(
            session=session_id))
    return store["sessions"][session_id]


# ------------------------------------------------------------------ drawing problems

def exercise_topics(slug: str) -> set[str]:
    """The topics of an exercise's hidden checks (read from the test files, nothing imported)."""
    return {t.topic for t in contract.report(slug).tests if t.hidden and t.topic}


def weak_topics(store: dict | None = None) -> dict[str, float]:
    """Failed hidden checks by topic: practice gradings plus every mock session's."""
    counts: dict[str, float] = {k: float(v) for k, v in state.load()["failures"].items()}
    for session in (store or {"sessions": {}})["sessions"].values():
        for topic, n in (session.get("failures") or {}).items():
            counts[topic] = counts.get(topic, 0.0) + float(n)
    return counts


def draw_problems(options: MockOptions, store: dict, rng: random.Random) -> list[str]:
    pool = [e for e in manifest.load() if (options.track in (None, e.track))
            and (options.difficulty in (None, e.difficulty))]
    if not pool:
        raise MockError(_("no exercise matches track={track} difficulty={difficulty}; `python grade.py list` "
                          "shows them").format(track=options.track, difficulty=options.difficulty))
    done = state.load()["exercises"]
    recent = [s["slugs"] for s in sorted(store["sessions"].values(), key=lambda s: s["started"])[-RECENT_SESSIONS:]]
    recent_slugs = {slug for slugs in recent for slug in slugs}
    fresh = [e for e in pool if e.slug not in done and e.slug not in recent_slugs]
    unsolved = [e for e in pool if done.get(e.slug, {}).get("status") != "pass" and e.slug not in recent_slugs]
    candidates = fresh if len(fresh) >= options.count else unsolved if len(unsolved) >= options.count else pool
    weak = weak_topics(store)
    total = sum(weak.values()) or 1.0
    chosen: list[str] = []
    candidates = list(candidates)
    while candidates and len(chosen) < options.count:
        weights = [1.0 + 4.0 * sum(weak.get(t, 0.0) for t in exercise_topics(e.slug)) / total for e in candidates]
        chosen.append(candidates.pop(rng.choices(range(len(candidates)), weights=weights)[0]).slug)
    return chosen


# ------------------------------------------------------------------ start

def session_id(started: float, rng: random.Random) -> str:
    return time.strftime("%Y%m%d-%H%M%S", time.localtime(started)) + f"-{rng.randrange(16 ** 4):04x}"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def answers_template(cards: list[concepts.Card]) -> str:
    lines = ["# Concept round / 概念题", "",
             "Answer each question under its heading, in English or Chinese (可用中文或英文作答).",
             "Keep the `## [card]` headings: your answer is everything under one, up to the next "
             "(保留 `## [card]` 标题：标题下直到下一个标题的内容就是你的答案).", ""]
    for card in cards:
        lines += [f"## [{card.id}] {card.question.en}", f"> {card.question.zh}", "", ""]
    return "\n".join(lines)


def start(options: MockOptions) -> dict:
    """Draw problems and cards, lay out the workspace, and record the session as active."""
    store, _warning = sessions()
    if store.get("active") in store["sessions"]:
        raise MockError(_("mock session {session} is still running: `python grade.py mock status`, "
                          "`mock submit` or `mock abandon` first").format(session=store["active"]))
    if options.count < 1 and options.concepts < 1:
        raise MockError(_("a mock interview needs at least one problem or one concept question"))
    if options.minutes <= 0:
        raise MockError(_("--minutes must be positive"))
    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(2 ** 31)
    rng = random.Random(seed)
    slugs = draw_problems(options, store, rng) if options.count > 0 else []
    all_cards = concepts.load()
    if options.track:
        all_cards = [c for c in all_cards if c.track == options.track] or all_cards
    cards = concepts.draw(all_cards, options.concepts, rng, weak_topics(store)) if options.concepts > 0 else []
    started = now()
    sid = session_id(started, rng)
    workspace = mock_store.workspaces() / sid
    stubs = {}
    for slug in slugs:
        (workspace / slug).mkdir(parents=True, exist_ok=True)
        stub = original_stub(slug)
        (workspace / slug / f"{slug}.py").write_bytes(stub)
        shutil.copy2(paths.statement(slug), workspace / slug / "README.md")
        chinese = paths.statement(slug).with_name("README.zh.md")
        if chinese.is_file():  # the statement in Chinese too (mock status shows it with --lang zh)
            shutil.copy2(chinese, workspace / slug / "README.zh.md")
        stubs[slug] = digest(stub)
    workspace.mkdir(parents=True, exist_ok=True)
    if cards:
        (workspace / ANSWERS_FILE).write_text(answers_template(cards), encoding="utf-8")
    session = {"id": sid, "state": "active", "seed": seed, "minutes": options.minutes,
               "track": options.track, "difficulty": options.difficulty,
               "started": started, "deadline": started + options.minutes * 60, "submitted": None,
               "workspace": str(workspace), "slugs": slugs, "cards": [c.id for c in cards],
               "stubs": stubs, "hints": {s: 0 for s in slugs}, "saves": {}, "snapshots": {},
               "checks": {}, "results": None, "concepts": None, "failures": {}}
    store["sessions"][sid] = session
    store["active"] = sid
    mock_store.save(store)
    return session


# ------------------------------------------------------------------ observing the workspace

def submission_file(session: dict, slug: str) -> Path:
    return Path(session["workspace"]) / slug / f"{slug}.py"


def observe(session: dict) -> None:
    """Record each changed file's save times, and keep a copy of it as it was before the deadline."""
    for slug in session["slugs"]:
        path = submission_file(session, slug)
        try:
            data, saved = path.read_bytes(), path.stat().st_mtime
        except OSError:
            continue
        if digest(data) == session["stubs"][slug] or saved > session["deadline"]:
            continue
        seen = session["saves"].setdefault(slug, {"first": saved, "last": saved})
        seen["first"], seen["last"] = min(seen["first"], saved), max(seen["last"], saved)
        copy = Path(session["workspace"]) / SNAPSHOTS / f"{slug}.py"
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes(data)
        session["snapshots"][slug] = saved


def expired(session: dict, at: float | None = None) -> bool:
    return session["state"] == "active" and (now() if at is None else at) > session["deadline"]


def status(session: dict) -> dict:
    """Time left and, per problem, the last visible-test result, hints used and save times."""
    return {"session_id": session["id"], "state": session["state"], "started": iso(session["started"]),
            "deadline": iso(session["deadline"]), "seconds_left": max(0.0, session["deadline"] - now()),
            "workspace": session["workspace"], "cards": list(session["cards"]),
            "problems": [{"slug": slug, "statement": str(Path(session["workspace"]) / slug / "README.md"),
                          "file": str(submission_file(session, slug)), "visible_tests": session["checks"].get(slug),
                          "hints_used": session["hints"].get(slug, 0), "saved": slug in session["saves"]}
                         for slug in session["slugs"]]}


# ------------------------------------------------------------------ hints and checks

def not_in_interview(session: dict, slug: str) -> str:
    return _("{slug} is not in this mock interview ({problems})").format(
        slug=slug, problems=", ".join(session["slugs"]) or _("no problems"))


def hint(session: dict, slug: str) -> tuple[int, int, str, float]:
    """(hint number, hints in all, its text, its cost in points); records the hint in the session."""
    if slug not in session["slugs"]:
        raise MockError(not_in_interview(session, slug))
    hints = manifest.get(slug).hints_in(language())
    used = session["hints"].get(slug, 0)
    if used >= len(hints):
        raise MockError(_("no more hints for {slug}: all {count} used").format(slug=slug, count=len(hints)))
    session["hints"][slug] = used + 1
    return used + 1, len(hints), hints[used], hint_cost(slug)


def hint_cost(slug: str) -> float:
    return round(HINT_COST * manifest.get(slug).points, 2)


def check(session: dict, slug: str) -> Results:
    if slug not in session["slugs"]:
        raise MockError(not_in_interview(session, slug))
    results = runner.grade([slug], Path(session["workspace"]), runner.RunOptions(hidden=False))
    session["checks"][slug] = results.exercises[0].status.value
    return results


# ------------------------------------------------------------------ submitting

def graded_copy(session: dict, folder: Path, submitted_at: float) -> dict[str, str]:
    """Lay out what is graded in ``folder``: each file as it was at the deadline. Returns notes per slug."""
    notes = {}
    for slug in session["slugs"]:
        target = folder / f"{slug}.py"
        path = submission_file(session, slug)
        late = path.exists() and path.stat().st_mtime > session["deadline"] and submitted_at > session["deadline"]
        snapshot = Path(session["workspace"]) / SNAPSHOTS / f"{slug}.py"
        if not late:
            if path.exists():
                shutil.copy2(path, target)
        elif slug in session["snapshots"] and snapshot.exists():
            shutil.copy2(snapshot, target)
            notes[slug] = _("saved after the deadline: graded as last seen before it ({time})").format(
                time=clock(session["snapshots"][slug]))
        else:
            target.write_bytes(original_stub(slug))
            notes[slug] = _("saved after the deadline, and no earlier version was seen: graded as the stub")
    return notes


def grade_coding(session: dict, submitted_at: float) -> Results:
    with tempfile.TemporaryDirectory(prefix="mock-grade-") as scratch:
        notes = graded_copy(session, Path(scratch), submitted_at)
        results = runner.grade(session["slugs"], Path(scratch), runner.RunOptions())
    for exercise in results.exercises:
        used = session["hints"].get(exercise.slug, 0)
        if used:
            reason = (_("{count} hint used in the mock interview ({cost:.0%} of the points each)") if used == 1 else
                      _("{count} hints used in the mock interview ({cost:.0%} of the points each)"))
            exercise.adjustments.append(Adjustment(-used * hint_cost(exercise.slug),
                                                   reason.format(count=used, cost=HINT_COST)))
        if exercise.slug in notes:
            exercise.message = (exercise.message + "; " if exercise.message else "") + notes[exercise.slug]
    results.run.update({"mode": "mock", "submission": session["id"]})
    return results


def failed_checks(results: Results) -> list[dict]:
    """The hidden checks that did not pass, one row per distinct mistake probed (parametrised
    cases of one test count together): what it probes, its topic, how many cases (never source)."""
    rows: dict[tuple[str, str], dict] = {}
    for e in results.exercises:
        for t in e.tests:
            if t.visibility == "hidden" and t.status is not Status.PASS:
                probes = t.probes or t.name.split("[", 1)[0]
                row = rows.setdefault((e.slug, probes), {"slug": e.slug, "test": t.name, "probes": probes,
                                                         "topic": t.topic, "status": t.status.value, "count": 0})
                row["count"] += 1
    return list(rows.values())


def parse_answers(text: str) -> dict[str, str]:
    """Card id -> the answer written under its ``## [id]`` heading (quoted question lines left out)."""
    answers: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            head = line[3:].strip()
            current = head[1:head.index("]")].strip() if head.startswith("[") and "]" in head else None
            if current is not None:
                answers.setdefault(current, [])
        elif current is not None and not line.startswith(">"):
            answers[current].append(line)
    return {card: "\n".join(lines).strip() for card, lines in answers.items()}


def concept_round(session: dict) -> list[dict]:
    """Each drawn card with the candidate's answer and which key points its key terms touch."""
    path = Path(session["workspace"]) / ANSWERS_FILE
    answers = parse_answers(path.read_text(encoding="utf-8", errors="replace")) if path.exists() else {}
    rows = []
    for card_id in session["cards"]:
        card = concepts.get(card_id)
        answer = answers.get(card_id, "")
        rows.append({"card": card_id, "question": card.question.en, "question_zh": card.question.zh,
                     "answer": answer, "key_points": [p.text.en for p in card.key_points],
                     "key_points_zh": [p.text.zh for p in card.key_points],
                     "mentioned": [p.mentioned_in(answer) for p in card.key_points],
                     "follow_ups": [f.en for f in card.follow_ups], "topics": list(card.topics),
                     "covered": None, "score": None, "max": len(card.key_points)})
    return rows


def apply_self_scores(rows: list[dict], scores: dict) -> list[str]:
    """Fill each row's self-score from ``{card: [0/1 per key point] | count}``; returns problems."""
    problems = []
    for row in rows:
        given = scores.get(row["card"])
        if given is None:
            continue
        if isinstance(given, bool) or not isinstance(given, (int, list)):
            problems.append(_("{card}: give a list of 0/1 per key point or a count").format(card=row["card"]))
            continue
        if isinstance(given, int):
            if not 0 <= given <= row["max"]:
                problems.append(_("{card}: {given} is not between 0 and {max}").format(card=row["card"], given=given,
                                                                                     max=row["max"]))
                continue
            row["covered"], row["score"] = None, float(given)  # a count: which points is not known
            continue
        else:
            if len(given) != row["max"] or any(v not in (0, 1, True, False) for v in given):
                problems.append(_("{card}: expected {max} values of 0 or 1, one per key point").format(
                    card=row["card"], max=row["max"]))
                continue
            covered = [bool(v) for v in given]
        row["covered"], row["score"] = covered, float(sum(covered))
    return problems


def concept_totals(rows: list[dict]) -> tuple[float | None, int]:
    scored = [r for r in rows if r["score"] is not None]
    total = sum(r["max"] for r in rows)
    return (sum(r["score"] for r in scored) if rows and len(scored) == len(rows) else None), total


def submit(session: dict, store: dict, submitted_at: float | None = None) -> dict:
    """Grade the coding round and set up the concept round; the session is ended and saved."""
    submitted_at = now() if submitted_at is None else submitted_at
    observe(session)
    results = grade_coding(session, submitted_at)
    failures: dict[str, int] = {}
    for check_row in failed_checks(results):
        if check_row["topic"]:
            failures[check_row["topic"]] = failures.get(check_row["topic"], 0) + 1
    session.update({"state": "submitted", "submitted": min(submitted_at, session["deadline"]),
                    "late": submitted_at > session["deadline"], "results": results.to_dict(),
                    "concepts": concept_round(session), "failures": failures})
    store["active"] = None
    store["sessions"][session["id"]] = session
    mock_store.save(store)
    return session


def abandon(session: dict, store: dict) -> None:
    session["state"] = "abandoned"
    store["active"] = None
    mock_store.save(store)


# ------------------------------------------------------------------ the debrief

def topic_exercises(topic: str, exclude: set[str]) -> list[str]:
    return [e.slug for e in manifest.load() if e.slug not in exclude and topic in exercise_topics(e.slug)][:3]


def study_next(session: dict, results: Results) -> list[dict]:
    weights: dict[str, float] = {}
    reasons: dict[str, list[str]] = {}
    for row in failed_checks(results):
        if row["topic"]:
            weights[row["topic"]] = weights.get(row["topic"], 0) + 1
            reasons.setdefault(row["topic"], []).append(f"{row['slug']}: {row['probes']}")
    for row in session.get("concepts") or []:
        missed = 0 if row["score"] is None else int(row["max"] - row["score"])
        for topic in row["topics"] if missed else []:
            weights[topic] = weights.get(topic, 0) + 0.5 * missed
            reasons.setdefault(topic, []).append(_("concept {card}: {count} key point(s) not covered").format(
                card=row["card"], count=missed))
    cards = concepts.load()
    ranked = sorted(weights, key=lambda t: (-weights[t], t))[:5]
    return [{"topic": t, "why": _("; ").join(reasons[t][:3]), "exercises": topic_exercises(t, set(session["slugs"])),
             "cards": [c.id for c in cards if t in c.topics][:3]} for t in ranked if t in TOPICS]


def verdict(coding: float, concept: float | None, strengths: list[str], study: list[dict]) -> str:
    overall = coding if concept is None else 0.7 * coding + 0.3 * concept
    level = (_("Strong hire") if overall >= 0.85 else _("Hire") if overall >= 0.7 else _("Lean hire") if overall >= 0.55
             else _("Lean no hire") if overall >= 0.4 else _("No hire"))
    solid = _(", ").join(topic_label(t) for t in strengths[:2])
    parts = [_("solid on {topics}").format(topics=solid)] if strengths else []
    if study:
        parts.append(_("revisit {topic}").format(topic=topic_label(study[0]["topic"])))
    if not parts:
        return _("{level}.").format(level=level)
    return _("{level}: {details}.").format(level=level, details=_("; ").join(parts))


def debrief(session: dict) -> dict:
    """Everything the debrief shows (and the HTML report draws), from a submitted session."""
    results = Results.from_dict(session["results"])
    saves = {slug: {"first": seen["first"] - session["started"], "last": seen["last"] - session["started"]}
             for slug, seen in session["saves"].items()}
    times = {slug: (saves[slug]["last"] - saves[slug]["first"]) if slug in saves else None for slug in session["slugs"]}
    rows = session.get("concepts") or []
    concept_score, concept_max = concept_totals(rows)
    passed_topics: dict[str, int] = {}
    failed = {r["topic"] for r in failed_checks(results)}
    for exercise in results.exercises:
        for test in exercise.tests:
            if test.visibility == "hidden" and test.status is Status.PASS and test.topic and test.topic not in failed:
                passed_topics[test.topic] = passed_topics.get(test.topic, 0) + 1
    strengths = sorted((t for t in passed_topics if t not in GENERIC_TOPICS), key=lambda t: (-passed_topics[t], t))
    study = study_next(session, results)
    coding = results.score / results.max_score if results.max_score else 0.0
    concept_fraction = None if concept_score is None or not concept_max else concept_score / concept_max
    return {"session_id": session["id"], "started": iso(session["started"]), "deadline": iso(session["deadline"]),
            "submitted": iso(session["submitted"]), "late": bool(session.get("late")), "results": results,
            "times": times, "saves": saves, "hints": dict(session["hints"]), "failed_checks": failed_checks(results),
            "concepts": rows, "concept_score": concept_score, "concept_max": concept_max,
            "study_next": study,
            "verdict": verdict(coding, concept_fraction if rows else None, strengths, study)}


def debrief_json(data: dict) -> dict:
    """The debrief as plain JSON (the Results as their own dict)."""
    return {**data, "results": data["results"].to_dict()}
