"""`grade.py dev sweep SLUG --seeds N`: rerun an exercise's convergence tests over seeds.

Convergence tests (``@pytest.mark.convergence``) train with the ``train_seed``
fixture and report their figure with ``record_metric(name, value, threshold)``.
The sweep runs them on the reference once per seed and summarises each figure:
min / median / max, the threshold, the worst margin and how many seeds passed.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from . import manifest, paths, runner, settings
from .results import Status


@dataclass
class Figure:
    test: str
    name: str
    threshold: float
    higher_is_better: bool
    values: list[float] = field(default_factory=list)

    @property
    def worst(self) -> float:
        return min(self.values) if self.higher_is_better else max(self.values)

    @property
    def margin(self) -> float:
        return self.worst - self.threshold if self.higher_is_better else self.threshold - self.worst


@dataclass
class SweepReport:
    slug: str
    seeds: list[int]
    figures: dict[tuple[str, str], Figure] = field(default_factory=dict)
    passes: dict[str, int] = field(default_factory=dict)  # test name -> seeds on which it passed
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.passes) and all(n == len(self.seeds) for n in self.passes.values())


def sweep(slug: str, seeds: list[int], secure: bool = False) -> SweepReport:
    exercise = manifest.get(slug)
    report = SweepReport(slug, seeds)
    options = dict(visible=False, hidden=True, secure=secure, banned_check=False, marker="convergence",
                   warm=settings.preload())
    for seed in seeds:
        result, events = runner.grade_exercise_with_events(exercise, paths.SOLUTIONS,
                                                           runner.RunOptions(seed=seed, **options))
        for test in result.tests:
            report.passes.setdefault(test.name, 0)
            if test.status is Status.PASS:
                report.passes[test.name] += 1
            else:
                report.failures.append(f"seed {seed}: {test.name} {test.status.value}: {test.message[:160]}")
        for event in events:
            if event.get("event") == "metric":
                test = event["nodeid"].split("::")[-1]
                key = (test, event["name"])
                figure = report.figures.setdefault(key, Figure(test, event["name"], event["threshold"],
                                                               event["higher_is_better"]))
                figure.values.append(event["value"])
    return report


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
