"""The exercise catalogue: one TOML file is the single source of truth."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import paths

FORMAT_VERSION = 1
TRACKS = {
    "foundations": "Track 1 - foundations from scratch (numpy)",
    "classical-ml": "Track 2 - classical ML (scikit-learn)",
    "deep-learning": "Track 3 - deep learning (TensorFlow / Keras 3)",
    "reinforcement-learning": "Track 4 - reinforcement learning (gymnasium)",
    "ml-systems": "Track 5 - ML systems",
    "large-models": "Track 6 - large-model engineering",
}
DIFFICULTIES = ("easy", "medium", "hard")


class ManifestError(ValueError):
    """The catalogue file is malformed."""


@dataclass(frozen=True)
class Exercise:
    slug: str
    title: str
    track: str
    difficulty: str
    points: int
    budget: float  # seconds the reference's hidden suite may take on 2 CPU cores
    seed: str  # e.g. "003 #29"
    seed_title: str  # the seed question's title, in the original Chinese
    hints: tuple[str, ...]
    banned: tuple[str, ...] = field(default=())  # modules or dotted functions
    draft: bool = False  # still being written: hidden from the CLI, grading and dev check
    title_zh: str = ""  # the title in Chinese (`--lang zh`)
    hints_zh: tuple[str, ...] = field(default=())  # the hints in Chinese, same order

    def title_in(self, language: str) -> str:
        return self.title_zh if language == "zh" and self.title_zh else self.title

    def hints_in(self, language: str) -> tuple[str, ...]:
        return self.hints_zh if language == "zh" and self.hints_zh else self.hints

    @property
    def timeout(self) -> float:
        """Hard wall-clock limit for grading this exercise (visible + hidden)."""
        return 60.0 + 4.0 * self.budget

    @property
    def test_timeout(self) -> float:
        """Limit for a single test (or a single call in secure mode)."""
        return 5.0 + 2.0 * self.budget


def _parse(entry: dict, where: str) -> Exercise:
    required = ("slug", "title", "track", "difficulty", "points", "budget", "seed", "seed_title", "hints")
    missing = [key for key in required if key not in entry]
    if missing:
        raise ManifestError(f"{where}: missing {', '.join(missing)}")
    if entry["track"] not in TRACKS:
        raise ManifestError(f"{where}: unknown track {entry['track']!r} (one of {', '.join(TRACKS)})")
    if entry["difficulty"] not in DIFFICULTIES:
        raise ManifestError(f"{where}: difficulty must be one of {', '.join(DIFFICULTIES)}")
    if not entry["hints"] or not all(isinstance(h, str) and h.strip() for h in entry["hints"]):
        raise ManifestError(f"{where}: hints must be a non-empty list of non-empty strings")
    if "hints_zh" in entry and len(entry["hints_zh"]) != len(entry["hints"]):
        raise ManifestError(f"{where}: hints_zh must translate each of the {len(entry['hints'])} hints, in order")
    return Exercise(
        slug=entry["slug"],
        title=entry["title"],
        track=entry["track"],
        difficulty=entry["difficulty"],
        points=int(entry["points"]),
        budget=float(entry["budget"]),
        seed=entry["seed"],
        seed_title=entry["seed_title"],
        hints=tuple(entry["hints"]),
        banned=tuple(entry.get("banned", ())),
        draft=bool(entry.get("draft", False)),
        title_zh=str(entry.get("title_zh", "")),
        hints_zh=tuple(entry.get("hints_zh", ())),
    )


def parse_manifest(text: str, source: str = "catalog.toml") -> list[Exercise]:
    data = tomllib.loads(text)
    if data.get("format_version") != FORMAT_VERSION:
        raise ManifestError(f"{source}: format_version must be {FORMAT_VERSION}")
    entries = data.get("exercises") or []
    if not entries:
        raise ManifestError(f"{source}: no [[exercises]] entries")
    exercises = [_parse(e, f"{source} entry {i + 1} ({e.get('slug', '?')})") for i, e in enumerate(entries)]
    slugs = [e.slug for e in exercises]
    duplicates = {s for s in slugs if slugs.count(s) > 1}
    if duplicates:
        raise ManifestError(f"{source}: duplicate slugs {sorted(duplicates)}")
    return exercises


@lru_cache(maxsize=4)
def _load(path: Path) -> tuple[Exercise, ...]:
    return tuple(parse_manifest(path.read_text(encoding="utf-8"), str(path.name)))


def load(path: Path | None = None) -> tuple[Exercise, ...]:
    """The released exercises (drafts left out unless MLKIT_DRAFTS=1, for their authors)."""
    from . import settings
    with_drafts = settings.show_drafts()
    return tuple(e for e in _load(path or paths.MANIFEST) if with_drafts or not e.draft)


def all_slugs() -> list[str]:
    """Every slug in the catalogue, drafts included."""
    return [e.slug for e in _load(paths.MANIFEST)]


def get(slug: str) -> Exercise:
    for exercise in load():
        if exercise.slug == slug:
            return exercise
    raise KeyError(f"no exercise called {slug!r}; run `python grade.py list` to see them all")


def slugs() -> list[str]:
    return [e.slug for e in load()]
