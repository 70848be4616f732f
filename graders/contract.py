"""Statements as contracts: numbered clauses, and the tests that enforce each one.

A statement (exercises/SLUG/README.md) holds a ``## Contract`` section of clauses,
one per bullet, each starting with its bold id::

    ## Contract

    - **C1** `roc_curve` returns float arrays of length (distinct scores) + 1 ...
    - **C2** A label other than 0/1 raises `ValueError`.

Tests declare what they enforce with ``@pytest.mark.clause("C1", "C2")``, and
say in one learner-facing line what mistake they probe, and which topic of
graders/topics.py a learner should study when they fail (every hidden test must):
``@pytest.mark.clause("C2", probes="labels outside {0, 1} accepted", topic="input validation")``.
Markers are read from the test files' syntax (no import, no TensorFlow), on
test functions, test classes and a module's ``pytestmark``.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import paths
from .topics import TOPICS

HEADING = re.compile(r"^##\s+Contract\s*$")
CLAUSE = re.compile(r"^\s*[-*]\s+\*\*(C\d+)\*\*\s*(.*)$")


@dataclass(frozen=True)
class Clause:
    id: str
    text: str


@dataclass
class Enforcement:
    test: str  # file::name
    clauses: tuple[str, ...]
    probes: str = ""
    topic: str = ""
    hidden: bool = True


@dataclass
class ContractReport:
    slug: str
    clauses: list[Clause]
    tests: list[Enforcement]
    unmarked: list[str] = field(default_factory=list)  # hidden tests declaring no clause

    def enforcing(self, clause_id: str) -> list[Enforcement]:
        return [t for t in self.tests if clause_id in t.clauses]

    @property
    def unenforced(self) -> list[Clause]:
        return [c for c in self.clauses if not self.enforcing(c.id)]

    @property
    def unknown(self) -> list[tuple[str, str]]:
        known = {c.id for c in self.clauses}
        return [(t.test, c) for t in self.tests for c in t.clauses if c not in known]

    def problems(self) -> list[str]:
        statement = paths.relative(paths.statement(self.slug))
        if not self.clauses:
            return [f"{statement} has no '## Contract' section of **C<n>** clauses; write one"]
        problems = [f"{statement} clause {c.id} is enforced by no test: add a hidden test marked "
                    f"@pytest.mark.clause(\"{c.id}\"), or drop the clause if it is not meant ({c.text[:80]})"
                    for c in self.unenforced]
        problems += [f"{test} cites clause {clause}, which {statement} does not have" for test, clause in self.unknown]
        problems += [f"{test} declares no clause: mark it @pytest.mark.clause(...)" for test in self.unmarked]
        for test in (t for t in self.tests if t.hidden):
            if not test.probes:
                problems.append(f"{test.test} says nothing of what it probes: add probes=\"...\" (one learner-facing line)")
            if test.topic not in TOPICS:
                problems.append(f"{test.test} has topic {test.topic!r}, not one of graders/topics.py: add topic=\"...\" "
                                f"({', '.join(TOPICS)})" if test.topic else
                                f"{test.test} names no topic: add topic=\"...\" (one of graders/topics.py)")
        return problems

    def probe(self, test_name: str) -> Enforcement | None:
        """The enforcement record of ``file::name`` (parametrised ids and classes resolved)."""
        base = test_name.split("[", 1)[0]
        return next((t for t in self.tests if t.test == base), None)


def parse_clauses(text: str) -> list[Clause]:
    """The clauses of a statement's ``## Contract`` section (a bullet may continue on indented lines)."""
    clauses: list[Clause] = []
    inside = False
    for line in text.splitlines():
        if line.startswith("## "):
            inside = bool(HEADING.match(line))
            continue
        if not inside:
            continue
        match = CLAUSE.match(line)
        if match:
            clauses.append(Clause(match.group(1), match.group(2).strip()))
        elif clauses and line.startswith("  ") and line.strip():
            clauses[-1] = Clause(clauses[-1].id, f"{clauses[-1].text} {line.strip()}")
    return clauses


def _keyword(node: ast.Call, name: str) -> str:
    return str(next((k.value.value for k in node.keywords if k.arg == name and isinstance(k.value, ast.Constant)), ""))


def _clause_marker(node: ast.expr) -> tuple[tuple[str, ...], str, str] | None:
    """(ids, probes, topic) of a ``pytest.mark.clause(...)`` expression, or None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "clause"):
        return None
    ids = tuple(a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return ids, _keyword(node, "probes"), _keyword(node, "topic")


def _markers(expression: ast.expr) -> list[tuple[tuple[str, ...], str, str]]:
    items = expression.elts if isinstance(expression, (ast.List, ast.Tuple)) else [expression]
    return [m for m in map(_clause_marker, items) if m]


def file_enforcements(path: Path) -> tuple[list[Enforcement], list[str]]:
    """(tests with their clauses, names of tests without any) in one test file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module_level = [m for node in tree.body if isinstance(node, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets)
                    for m in _markers(node.value)]
    found, unmarked = [], []

    def visit(node: ast.AST, inherited: list, prefix: str) -> None:
        for child in getattr(node, "body", []):
            if isinstance(child, ast.ClassDef) and child.name.startswith("Test"):
                visit(child, inherited + [m for d in child.decorator_list for m in _markers(d)], f"{child.name}::")
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and child.name.startswith("test"):
                markers = inherited + [m for d in child.decorator_list for m in _markers(d)]
                name = f"{paths.relative(path)}::{prefix}{child.name}"
                ids = tuple(dict.fromkeys(i for ids, _, _ in markers for i in ids))
                if ids:
                    found.append(Enforcement(name, ids, next((p for _, p, _ in reversed(markers) if p), ""),
                                             next((t for _, _, t in reversed(markers) if t), "")))
                else:
                    unmarked.append(name)
    visit(tree, module_level, "")
    return found, unmarked


def report(slug: str) -> ContractReport:
    statement = paths.statement(slug)
    clauses = parse_clauses(statement.read_text(encoding="utf-8")) if statement.is_file() else []
    tests: list[Enforcement] = []
    unmarked: list[str] = []
    hidden = sorted(paths.hidden_tests(slug).glob("test_*.py")) if paths.hidden_tests(slug).is_dir() else []
    visible = [paths.visible_tests(slug)] if paths.visible_tests(slug).is_file() else []
    for test_file in visible + hidden:
        found, missing = file_enforcements(test_file)
        tests += [replace(t, hidden=test_file in hidden) for t in found]
        if test_file in hidden:
            unmarked += missing
    return ContractReport(slug, clauses, tests, unmarked)

