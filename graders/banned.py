"""Static check: does a submission use a module or function its exercise bans?

An entry is a module (``sklearn``: the module and everything under it) or a
dotted function (``tensorflow.nn.softmax``). Imports, ``importlib.import_module``
and ``__import__`` with literal names, and attribute chains through an import
alias are all resolved.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from . import paths


@dataclass(frozen=True)
class Finding:
    line: int
    name: str  # the dotted name that was used
    rule: str  # the manifest entry it breaks


def _matches(name: str, rule: str) -> bool:
    return name == rule or name.startswith(rule + ".")


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def find_banned(source: str, rules: tuple[str, ...] | list[str]) -> list[Finding]:
    if not rules:
        return []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []  # the import itself will report the syntax error
    aliases: dict[str, str] = {}
    used: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
                used.append((node.lineno, a.name))
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                full = f"{node.module}.{a.name}"
                aliases[a.asname or a.name] = full
                used.append((node.lineno, full))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = _dotted(node.func) or ""
            if func.endswith("import_module") or func == "__import__":
                used.append((node.lineno, node.args[0].value))
    for node in ast.walk(tree):
        if isinstance(node, (ast.Attribute, ast.Name)):
            dotted = _dotted(node)
            if dotted:
                head, _, rest = dotted.partition(".")
                if head in aliases:
                    used.append((node.lineno, aliases[head] + ("." + rest if rest else "")))
    findings = {Finding(line, name, rule) for line, name in used for rule in rules if _matches(name, rule)}
    return sorted(findings, key=lambda f: (f.line, f.name))


def explain(findings: list[Finding], path: Path, slug: str) -> str:
    first = findings[0]
    others = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    return (f"{paths.relative(path)} line {first.line} uses {first.name}, which {slug} bans "
            f"({first.rule}){others}: this exercise is about writing it yourself. "
            f"Run `python grade.py show {slug}` to see what may be used.")
