"""`grade.py dev check`: prove that the kit is consistent and every suite has teeth.

For each exercise: the files the manifest implies exist and look right, the
reference solution scores full marks, and the untouched stub scores 0 - in
local mode, secure mode, or both. Each problem names the file and the fix.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import banned, contract, manifest, paths, runner, settings
from .manifest import Exercise
from .patches import apply_patch
from .results import ExerciseResult, Status


@dataclass
class CheckReport:
    slug: str
    problems: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # mode -> seconds for the reference's run

    @property
    def ok(self) -> bool:
        return not self.problems


def structure_problems(exercise: Exercise) -> list[str]:
    slug = exercise.slug
    problems = []
    required = {
        paths.statement(slug): "the statement",
        paths.stub_path(slug): "the stub",
        paths.visible_tests(slug): "the visible tests",
        paths.solution_path(slug): "the reference solution",
    }
    for path, what in required.items():
        if not path.is_file():
            problems.append(f"{paths.relative(path)} is missing ({what}); create it")
    hidden = list(paths.hidden_tests(slug).glob("test_*.py")) if paths.hidden_tests(slug).is_dir() else []
    if not hidden:
        problems.append(f"{paths.relative(paths.hidden_tests(slug))}/ has no test_*.py; write the hidden suite")
    stub = paths.stub_path(slug)
    if stub.is_file():
        text = stub.read_text(encoding="utf-8")
        if "TODO" not in text or "NotImplementedError" not in text:
            problems.append(f"{paths.relative(stub)} should mark work with TODO and raise NotImplementedError")
    readme = paths.statement(slug)
    if readme.is_file() and exercise.seed.split(",")[0].split()[0] not in readme.read_text(encoding="utf-8"):
        problems.append(f"{paths.relative(readme)} does not name its seed question ({exercise.seed})")
    solution = paths.solution_path(slug)
    if solution.is_file():
        found = banned.find_banned(solution.read_text(encoding="utf-8"), exercise.banned)
        if found:
            problems.append(f"{paths.relative(solution)} line {found[0].line} uses banned {found[0].name}")
    problems += contract.report(slug).problems()  # every clause enforced, every hidden test marked
    for test_file in [paths.visible_tests(slug), *hidden]:
        if test_file.is_file() and re.search(r"^\s*(from|import)\s+(solutions|exercises)\b",
                                             test_file.read_text(encoding="utf-8"), re.M):
            problems.append(f"{paths.relative(test_file)} imports learner or reference code; use the fixtures")
    return problems


def stray_problems() -> list[str]:
    from . import readme

    known = set(manifest.all_slugs())
    problems = []
    try:
        if not readme.is_current():
            problems.append("README.md's catalogue table is stale; run `python grade.py dev readme`")
    except (OSError, ValueError) as exc:
        problems.append(f"README.md: {exc}")
    for root in (paths.EXERCISES, paths.SOLUTIONS, paths.HIDDEN_TESTS):
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
            if folder.name not in known:
                problems.append(f"{paths.relative(folder)} is not in exercises/catalog.toml; add it or remove the folder")
    return problems


def result_problems(result: ExerciseResult, target: str, mode: str) -> list[str]:
    if target == "solutions":
        if result.status is not Status.PASS:
            bad = [f"{t.name} ({t.status.value}: {t.message[:160]})" for t in result.tests if t.status is not Status.PASS]
            detail = "; ".join(bad) or result.message
            return [f"[{mode}] the reference does not pass: {detail}"]
        return []
    passing = [t.name for t in result.tests if t.status is Status.PASS and t.max_score > 0]
    if passing:
        return [f"[{mode}] the untouched stub passes {', '.join(passing)}: these tests cannot fail; give them teeth"]
    if result.score > 0:
        return [f"[{mode}] the untouched stub scores {result.score:.2f}, expected 0"]
    return []


def check_exercise(exercise: Exercise, modes: tuple[str, ...], threads: int | None = None) -> CheckReport:
    report = CheckReport(exercise.slug, structure_problems(exercise))
    if report.problems:
        return report
    for mode in modes:
        options = runner.RunOptions(secure=(mode == "secure"), threads=threads, warm=settings.preload())
        for target, folder in (("solutions", paths.SOLUTIONS), ("stub", paths.EXERCISES)):
            result = runner.grade_exercise(exercise, folder, options)
            report.problems += result_problems(result, target, mode)
            if target == "solutions":
                report.timings[mode] = result.duration  # wall time, visible + hidden + start-up
    return report


def run(slugs: list[str] | None, modes: tuple[str, ...], workers: int = 2,
        on_report: Callable[[CheckReport], None] | None = None) -> tuple[list[str], list[CheckReport]]:
    """Returns (kit-wide problems, per-exercise reports)."""
    from .jobs import Job, LocalExecutor

    exercises = [manifest.get(s) for s in slugs] if slugs else list(manifest.load())
    general = [] if slugs else stray_problems()
    threads = runner.shared_cores(runner.RunOptions(), workers).threads
    reports: dict[str, CheckReport] = {}

    def finished(job: Job, report: CheckReport) -> None:
        reports[report.slug] = report
        if on_report:
            on_report(report)

    LocalExecutor(workers).run([Job(e.slug, check_exercise, (e, modes, threads)) for e in exercises], finished)
    return general, [reports[e.slug] for e in exercises]


def corpus_entries(slug: str) -> list[Path]:
    """The audit corpus of an exercise: `mutant_*.diff` patches of the solution and `correct_*/` folders."""
    folder = paths.ROOT / "tests" / "corpus" / slug
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if (p.is_dir() and p.name.startswith("correct_"))
                  or (p.suffix == ".diff" and p.name.startswith("mutant_")))


def grade_corpus_entry(slug: str, entry: Path, secure: bool = False) -> ExerciseResult:
    """Grade one audit-corpus entry: a wrong answer (`mutant_*`, hidden suite only) or a correct one."""
    mutant = entry.name.startswith("mutant_")
    options = runner.RunOptions(visible=not mutant, hidden=True, banned_check=not mutant, secure=secure,
                                warm=settings.preload())
    if entry.is_dir():
        return runner.grade_exercise(manifest.get(slug), entry, options)
    with tempfile.TemporaryDirectory(prefix=f"mlkit-{entry.stem}-") as folder:
        source = apply_patch(paths.solution_path(slug).read_text(encoding="utf-8"), entry.read_text(encoding="utf-8"))
        (Path(folder) / f"{slug}.py").write_text(source, encoding="utf-8")
        return runner.grade_exercise(manifest.get(slug), Path(folder), options)


def corpus_problem(slug: str, entry: Path, result: ExerciseResult) -> str | None:
    """Why this corpus entry's result is wrong (a surviving mutant, a correct answer losing points), or None."""
    if entry.name.startswith("mutant_"):
        if result.error is not None or not result.tests:
            return f"{slug}/{entry.stem} did not run: {result.message}"
        if all(t.status is Status.PASS for t in result.tests if t.max_score > 0):
            return f"the wrong answer {slug}/{entry.stem} survives the hidden suite"
        return None
    if result.status is not Status.PASS:
        failing = [f"{t.name}: {t.message}" for t in result.tests if t.status is not Status.PASS]
        return f"the correct answer {slug}/{entry.stem} loses points:\n" + "\n".join(failing or [result.message])
    return None
