"""Answers read out of submitted notebooks: SLUG.ipynb becomes SLUG.py (nbgrader's submitted/ tree too)."""
from __future__ import annotations

import json
from pathlib import Path

from . import manifest


def answer_source(notebook: dict) -> str:
    """The code of a notebook's answer cells (nbgrader solution cells; every code cell if none is marked)."""
    cells = [c for c in notebook.get("cells", []) if c.get("cell_type") == "code"]
    marked = [c for c in cells if (c.get("metadata", {}).get("nbgrader") or {}).get("solution")]
    chosen = marked or cells
    sources = ["".join(c["source"]) if isinstance(c.get("source"), list) else str(c.get("source", ""))
               for c in chosen]
    return "\n\n".join(s for s in sources if not s.lstrip().startswith(("%", "!")))


def notebooks_to_modules(folder: Path, out: Path) -> int:
    """Write out/SLUG.py for every SLUG.ipynb under ``folder`` (nbgrader's submitted/STUDENT/ASSIGNMENT/
    layout included); returns how many."""
    known = set(manifest.all_slugs())
    count = 0
    for path in sorted(Path(folder).rglob("*.ipynb")):
        if path.stem in known and ".ipynb_checkpoints" not in path.parts:
            try:
                notebook = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            (Path(out) / f"{path.stem}.py").write_text(answer_source(notebook), encoding="utf-8")
            count += 1
    return count
