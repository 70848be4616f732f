"""The original stub of an exercise, as the kit shipped it (not the learner's edited copy)."""
from __future__ import annotations

import subprocess

from . import paths


class StubUnavailable(RuntimeError):
    """The original stub cannot be found (not a git clone of the kit)."""


def original_stub(slug: str) -> bytes:
    """exercises/SLUG/SLUG.py as committed in the kit's git history."""
    relative = paths.stub_path(slug).relative_to(paths.ROOT).as_posix()
    try:
        shown = subprocess.run(["git", "show", f"HEAD:{relative}"], cwd=paths.ROOT, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        shown = None
    if shown is None or shown.returncode != 0:
        raise StubUnavailable(f"cannot find the original {relative} in git (is this a clone of the kit?)")
    return shown.stdout
