"""Unified diffs for the audit corpus: a wrong answer is stored as its difference from the
reference solution, so it names the mistake and follows the solution when it changes."""
from __future__ import annotations

import difflib
import re

HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class PatchError(ValueError):
    """A patch that does not apply to the text it was made from."""


def _lines(text: str) -> list[str]:
    return (text if text.endswith("\n") or not text else text + "\n").splitlines(keepends=True)


def make_patch(old: str, new: str, name: str, context: int = 2) -> str:
    """The unified diff turning `old` into `new` (file name `name`; a final newline is assumed on both)."""
    return "".join(difflib.unified_diff(_lines(old), _lines(new), f"a/{name}", f"b/{name}", n=context))


def _hunks(patch: str) -> list[tuple[int, list[str], list[str]]]:
    """(first old line, 0-based; old lines; new lines) for each hunk."""
    hunks: list[tuple[int, list[str], list[str]]] = []
    for line in patch.splitlines(keepends=True):
        match = HUNK.match(line)
        if match:
            first, count = int(match.group(1)), match.group(2)
            hunks.append((first if count == "0" else first - 1, [], []))  # count 0: insert after line `first`
        elif hunks and line[:1] in (" ", "-"):
            hunks[-1][1].append(line[1:])
            if line[0] == " ":
                hunks[-1][2].append(line[1:])
        elif hunks and line[:1] == "+":
            hunks[-1][2].append(line[1:])
    return hunks


def apply_patch(old: str, patch: str) -> str:
    """Apply a unified diff made by make_patch; raise PatchError if a hunk's old lines are not found."""
    lines = _lines(old)
    out: list[str] = []
    position = 0
    for start, removed, added in _hunks(patch):
        if start >= position and lines[start:start + len(removed)] == removed:
            at = start
        else:  # the solution moved: look for the hunk's old lines further on
            at = next((i for i in range(position, len(lines) - len(removed) + 1)
                       if lines[i:i + len(removed)] == removed), None)
        if at is None:
            first = removed[0].strip() if removed else ""
            raise PatchError(f"the hunk at line {start + 1} ({first!r}) does not match the solution any more")
        out += lines[position:at] + added
        position = at + len(removed)
    return "".join(out + lines[position:])
