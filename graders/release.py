"""The student bundle: stubs, statements, visible tests and the engine - nothing that gives answers away.

    python grade.py release OUT      # OUT/ and OUT.zip

Left out: solutions/, hidden_tests/ (frozen golden files with expected values live there too), the
kit's own tests and scripts, byte-compiled caches and packaging metadata. In a bundle, `grade`
runs the visible tests and says that the hidden ones live with the instructor.
"""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from . import paths

MARKER = "RELEASE"  # present at the root of a student bundle
PARTS = ("graders", "exercises", "grade.py", "pyproject.toml", "conftest.py")

README = """# ML interview exercises

Solve each exercise in `exercises/SLUG/SLUG.py`; its statement is `exercises/SLUG/README.md`.

```bash
pip install -e .                      # once
python grade.py list                  # the exercises
python grade.py show SLUG             # a statement
python grade.py check SLUG            # the visible tests
python grade.py hint SLUG             # a hint
python grade.py watch                 # re-run the visible tests whenever you save
```

This is a student bundle: the hidden tests that decide the score live with your instructor, so
`python grade.py grade` runs the visible tests only. Passing them is a good sign, not a grade.
"""


def is_release() -> bool:
    """Are we running from a student bundle?"""
    return (paths.ROOT / MARKER).exists()


def build_release(out: Path) -> tuple[Path, Path]:
    """Write the bundle as the folder ``out`` and the archive ``out``.zip; returns both."""
    out = Path(out).resolve()
    if out.exists():
        shutil.rmtree(out)
    for path in paths.kit_files(PARTS):
        target = out / path.relative_to(paths.ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    (out / "README.md").write_text(README, encoding="utf-8")
    (out / MARKER).write_text("student bundle: no solutions, no hidden tests\n", encoding="utf-8")
    archive = out.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(p for p in out.rglob("*") if p.is_file()):
            zipped.write(path, f"{out.name}/{path.relative_to(out)}")
    return out, archive
