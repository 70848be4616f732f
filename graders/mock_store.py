"""Where mock-interview sessions live: one versioned JSON file in the user's data folder.

The folder is $MLKIT_HOME, else $XDG_DATA_HOME/ml-interview-kit, else
~/.local/share/ml-interview-kit. It holds ``mock.json`` (every session, the active one's id)
and one workspace folder per session under ``mock/``. Writes are atomic (a killed terminal
never leaves half a file); a file that cannot be read is kept aside, never overwritten.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Callable

from . import settings

SCHEMA_VERSION = 1
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}  # version -> function bringing a store of that version one step up


class StoreError(RuntimeError):
    """The store cannot be used (e.g. written by a newer kit)."""


def home() -> Path:
    configured = settings.text(settings.HOME)
    if configured:
        return Path(configured)
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "ml-interview-kit"


def store_file() -> Path:
    return home() / "mock.json"


def workspaces() -> Path:
    return home() / "mock"


def empty() -> dict:
    return {"schema_version": SCHEMA_VERSION, "active": None, "sessions": {}}


def migrate(data: object) -> dict:
    """Bring an older store up to SCHEMA_VERSION; raises StoreError for one from a newer kit."""
    if not isinstance(data, dict) or not isinstance(data.get("sessions"), dict):
        raise ValueError("not a mock store")
    version = data.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise ValueError("no schema version")
    if version > SCHEMA_VERSION:
        raise StoreError(f"{store_file()} was written by a newer version of the kit (schema {version}); "
                         "upgrade the kit (git pull) to read it")
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](data)
        version += 1
    data["schema_version"] = SCHEMA_VERSION
    return data


def load() -> tuple[dict, str]:
    """(the store, a warning to show or ""). A corrupt file is renamed aside and a fresh store begins."""
    path = store_file()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return empty(), ""
    try:
        return migrate(json.loads(raw)), ""
    except (json.JSONDecodeError, ValueError, KeyError, TypeError):
        aside = path.with_name(f"mock.json.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        path.replace(aside)
        return empty(), (f"{path} could not be read (damaged); it is kept as {aside.name} "
                         "and a fresh history begins")


def save(data: dict) -> None:
    path = store_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=".mock-",
                                     suffix=".json", delete=False) as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False, sort_keys=True)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(handle.name, path)
