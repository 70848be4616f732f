"""The learner's progress, kept in one small JSON file at the kit root."""
from __future__ import annotations

import json
from pathlib import Path

from . import paths
from .results import Results


def load(path: Path | None = None) -> dict:
    path = path or paths.STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        data = {}
    data.setdefault("exercises", {})
    data.setdefault("hints", {})
    return data


def save(data: dict, path: Path | None = None) -> None:
    path = path or paths.STATE_FILE
    path.write_text(json.dumps(data, indent=2, sort_keys=True), encoding="utf-8")


def record(results: Results, kind: str, path: Path | None = None) -> None:
    """Remember each exercise's last status; ``kind`` is 'check' (visible only) or 'grade'."""
    data = load(path)
    for exercise in results.exercises:
        data["exercises"][exercise.slug] = {"status": exercise.status.value, "kind": kind,
                                            "score": round(exercise.score, 2), "max_score": exercise.max_score}
    save(data, path)


def next_hint_index(slug: str, path: Path | None = None) -> int:
    """How many hints of ``slug`` the learner has already seen; increments the count."""
    data = load(path)
    seen = int(data["hints"].get(slug, 0))
    data["hints"][slug] = seen + 1
    save(data, path)
    return seen
