"""The learner's progress, kept in one small versioned JSON file at the kit root.

Schema 2 (this kit): {"schema_version": 2, "exercises": {slug: {status, kind, score, max_score,
attempts, last}}, "hints": {slug: n}, "failures": {topic: n}} where ``failures`` counts the hidden
checks that failed, by topic, over every grading. Schema 1 (before versions) had no
``schema_version``, ``attempts``, ``last`` or ``failures``; it is migrated when read.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from . import paths
from .results import Results, Status

SCHEMA_VERSION = 2


def migrate(data: dict) -> dict:
    """A state file of any earlier schema, brought up to SCHEMA_VERSION (unknown keys are kept)."""
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        return data  # written by a newer kit: read what we understand, keep the rest
    if version == 1:
        for entry in data.get("exercises", {}).values():
            if isinstance(entry, dict):
                entry.setdefault("attempts", 1)
                entry.setdefault("last", "")
        data["schema_version"] = 2
    return data


def load(path: Path | None = None) -> dict:
    path = path or paths.STATE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    data = migrate(data)
    data.setdefault("schema_version", SCHEMA_VERSION)
    for key in ("exercises", "hints", "failures"):
        if not isinstance(data.get(key), dict):
            data[key] = {}
    return data


def save(data: dict, path: Path | None = None) -> None:
    path = path or paths.STATE_FILE
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=".grade-state-",
                                     delete=False) as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
    os.replace(handle.name, path)


def record(results: Results, kind: str, path: Path | None = None) -> None:
    """Remember each exercise's last status; ``kind`` is 'check' (visible only) or 'grade'.

    A grading also counts its failed hidden checks by topic (progress's weakest topics)."""
    data = load(path)
    now = time.strftime("%Y-%m-%dT%H:%M:%S")
    for exercise in results.exercises:
        before = data["exercises"].get(exercise.slug, {})
        data["exercises"][exercise.slug] = {"status": exercise.status.value, "kind": kind,
                                            "score": round(exercise.score, 2), "max_score": exercise.max_score,
                                            "attempts": int(before.get("attempts", 0)) + 1, "last": now}
        if kind == "grade":
            for test in exercise.tests:
                if test.visibility == "hidden" and test.status is not Status.PASS and test.topic:
                    data["failures"][test.topic] = int(data["failures"].get(test.topic, 0)) + 1
    save(data, path)


def save_last_results(results: Results, path: Path | None = None) -> None:
    """Keep the latest grading of exercises/ for `grade.py report`."""
    path = path or paths.LAST_RESULTS
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=".grade-last-",
                                     delete=False) as handle:
        handle.write(results.to_json())
    os.replace(handle.name, path)


def forget(slug: str, path: Path | None = None) -> None:
    """Drop an exercise's status and hint count (after `reset`)."""
    data = load(path)
    data["exercises"].pop(slug, None)
    data["hints"].pop(slug, None)
    save(data, path)


def next_hint_index(slug: str, path: Path | None = None) -> int:
    """How many hints of ``slug`` the learner has already seen; increments the count."""
    data = load(path)
    seen = int(data["hints"].get(slug, 0))
    data["hints"][slug] = seen + 1
    save(data, path)
    return seen
