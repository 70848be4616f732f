"""What a sandboxed worker preloads and the limits it runs under, per exercise (no numpy: the
grader's own process imports this to size its judges)."""
from __future__ import annotations

import ast
from pathlib import Path

from . import manifest, paths
from .sandbox import Limits

PRELOADABLE = ("numpy", "tensorflow", "keras", "sklearn", "gymnasium")


def imported_modules(path: Path, anywhere: bool = False) -> set[str]:
    """Top-level package names a Python file imports: at module level, or ``anywhere`` (inside functions too)."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return set()
    names: set[str] = set()
    for node in (ast.walk(tree) if anywhere else tree.body):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def preload_for(slug: str) -> list[str]:
    """Heavy libraries the stub imports, at top level or inside its functions: a worker loads them before
    the sandbox's hook is armed (a pooled worker ahead of need, so a first call does not pay TensorFlow's
    import)."""
    names = imported_modules(paths.stub_path(slug), anywhere=True)
    return [n for n in PRELOADABLE if n in names or n == "numpy"]


def limits_for(exercise: manifest.Exercise) -> Limits:
    heavy = exercise.track in ("deep-learning", "reinforcement-learning") or any(
        m in ("tensorflow", "keras") for m in preload_for(exercise.slug))  # TensorFlow reserves a lot of address space
    return Limits(memory_mb=8192 if heavy else 2048, cpu_seconds=int(exercise.timeout * 2) + 30)
