"""The one results model. Every output (terminal table, JSON, CSV, exports) is
rendered from these objects, never from pytest's output directly."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum

SCHEMA_VERSION = 1


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    CRASH = "crash"
    PROTOCOL = "protocol"
    BANNED = "banned"
    MISSING = "missing"
    REFUSED = "refused"  # the submission archive itself was refused (unsafe zip)
    PARTIAL = "partial"  # exercises only: some tests passed


@dataclass
class TestResult:
    __test__ = False  # not a pytest test class

    name: str
    status: Status
    max_score: float
    visibility: str = "visible"  # or "hidden"
    message: str = ""
    duration: float = 0.0

    @property
    def score(self) -> float:
        return self.max_score if self.status is Status.PASS else 0.0

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "status": self.status.value,
            "score": round(self.score, 4),
            "max_score": round(self.max_score, 4),
            "visibility": self.visibility,
            "message": self.message,
            "duration": round(self.duration, 3),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "TestResult":
        return cls(d["name"], Status(d["status"]), d["max_score"], d.get("visibility", "visible"),
                   d.get("message", ""), d.get("duration", 0.0))


@dataclass
class ExerciseResult:
    slug: str
    max_score: float
    tests: list[TestResult] = field(default_factory=list)
    error: Status | None = None  # set when the exercise could not be run at all
    message: str = ""
    duration: float = 0.0

    @property
    def score(self) -> float:
        return sum(t.score for t in self.tests)

    @property
    def status(self) -> Status:
        if self.error is not None:
            return self.error
        if self.tests and all(t.status is Status.PASS for t in self.tests):
            return Status.PASS
        if any(t.status is Status.PASS and t.max_score > 0 for t in self.tests):
            return Status.PARTIAL
        worst = [t.status for t in self.tests if t.status not in (Status.FAIL, Status.PASS)]
        return worst[0] if worst else Status.FAIL

    def visible_only(self) -> bool:
        return all(t.visibility == "visible" for t in self.tests)

    def to_dict(self) -> dict:
        return {
            "slug": self.slug,
            "score": round(self.score, 4),
            "max_score": round(self.max_score, 4),
            "status": self.status.value,
            "message": self.message,
            "duration": round(self.duration, 3),
            "tests": [t.to_dict() for t in self.tests],
        }

    @classmethod
    def from_dict(cls, d: dict) -> "ExerciseResult":
        tests = [TestResult.from_dict(t) for t in d.get("tests", [])]
        status = Status(d["status"])
        error = status if status not in (Status.PASS, Status.PARTIAL, Status.FAIL) and not tests else None
        return cls(d["slug"], d["max_score"], tests, error, d.get("message", ""), d.get("duration", 0.0))


@dataclass
class Results:
    exercises: list[ExerciseResult] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)

    def to_dict(self) -> dict:
        return {
            "version": SCHEMA_VERSION,
            "score": round(self.score, 4),
            "max_score": round(self.max_score, 4),
            "exercises": [e.to_dict() for e in self.exercises],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, d: dict) -> "Results":
        return cls([ExerciseResult.from_dict(e) for e in d.get("exercises", [])])


def percent(score: float, max_score: float) -> float:
    return 100.0 * score / max_score if max_score else 0.0


__all__ = ["Status", "TestResult", "ExerciseResult", "Results", "percent"]
