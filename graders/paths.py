"""Where things live. Paths are derived from the slug, never stored."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "exercises"
SOLUTIONS = ROOT / "solutions"
HIDDEN_TESTS = ROOT / "hidden_tests"
MANIFEST = EXERCISES / "catalog.toml"
STATE_FILE = ROOT / ".grade-state.json"
BACKUPS = ROOT / ".grade-backups"
LAST_RESULTS = ROOT / ".grade-last-results.json"  # the latest `grade` of exercises/ (for `report`)


def stub_path(slug: str) -> Path:
    return EXERCISES / slug / f"{slug}.py"


def solution_path(slug: str) -> Path:
    return SOLUTIONS / slug / f"{slug}.py"


def visible_tests(slug: str) -> Path:
    return EXERCISES / slug / f"test_{slug}.py"


def hidden_tests(slug: str) -> Path:
    return HIDDEN_TESTS / slug


def statement(slug: str) -> Path:
    return EXERCISES / slug / "README.md"


def data_dir(slug: str) -> Path:
    """Read-only assets an exercise ships (may not exist)."""
    return EXERCISES / slug / "data"


def relative(path: Path | str) -> str:
    """A path relative to the kit root when possible, for learner-facing text."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(ROOT))
    except ValueError:
        return str(p)


def kit_files(parts: tuple[str, ...]) -> list[Path]:
    """The kit's files under ``parts`` (folders or files at the root): git's tracked files when this
    is a checkout, else what is on disk; never caches or packaging metadata."""
    import subprocess

    try:
        listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", *parts], capture_output=True, text=True,
                                check=True, timeout=30).stdout.splitlines()
        files = [ROOT / name for name in listed]
    except (OSError, subprocess.SubprocessError):
        files = [p for part in parts for p in ([ROOT / part] if (ROOT / part).is_file()
                                               else sorted((ROOT / part).rglob("*")))]
    return [f for f in files if f.is_file() and "__pycache__" not in f.parts
            and f.suffix not in (".pyc", ".pyo") and ".egg-info" not in str(f)]
