"""The one results model. Every output (terminal table, JSON, CSV, exports) is
rendered from these objects, never from pytest's output directly."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

SCHEMA_VERSION = 3  # v2: test ids, weights, metrics, detail; exercise adjustments; run metadata
#                    v3: what each test probes, its topic, the curves it recorded (series), and what
#                        the learner's code printed in a failed test (output)

# Terminal escape sequences (CSI, OSC, and any other ESC + one character), then lone code points
# that could not be written as UTF-8 (surrogates) or that move the cursor / reorder text.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?|\x9b[0-?]*[ -/]*[@-~]?",
                      re.DOTALL)
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(text: Any) -> str:
    """``text`` made safe for every output: UTF-8 encodable, no terminal control sequences.

    Lone surrogates become U+FFFD; escape sequences and control characters other than newline
    and tab are removed. Rich markup is left to the terminal renderer to escape."""
    text = text if isinstance(text, str) else str(text)
    return _CONTROLS.sub("", _SURROGATES.sub("\ufffd", _ESCAPES.sub("", text)))


class _CleanText:
    """Dataclass mixin: the fields named in ``_TEXT`` are cleaned whenever they are set."""

    _TEXT: tuple[str, ...] = ()

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self._TEXT:
            value = clean_text(value)
        super().__setattr__(name, value)


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
class TestResult(_CleanText):
    __test__ = False  # not a pytest test class
    _TEXT = ("name", "message", "detail", "probes", "topic", "output")

    name: str
    status: Status
    max_score: float
    visibility: str = "visible"  # or "hidden"
    message: str = ""
    duration: float = 0.0
    id: str = ""  # the pytest node id: unique, where names repeat (visible and hidden, parametrised)
    weight: float = 1.0  # the test's points marker; max_score is its share of the exercise's points
    metrics: dict[str, float] = field(default_factory=dict)  # what record_metric reported
    detail: str = ""  # instructor-only (e.g. the judge's output); never shown to learners
    probes: str = ""  # the mistake this test catches, in one learner-facing line
    topic: str = ""  # graders/topics.py: what to study when it fails
    series: dict[str, list[float | None]] = field(default_factory=dict)  # record_series's curves (None: NaN)
    output: str = ""  # what the learner's code printed during a failed test (local mode)

    @property
    def score(self) -> float:
        return self.max_score if self.status is Status.PASS else 0.0

    def to_dict(self, instructor: bool = False) -> dict:
        data = {
            "id": self.id or self.name,
            "name": self.name,
            "status": self.status.value,
            # 9 digits: a test's share (e.g. 10/51 points) read back sums to its exercise's points
            "score": round(self.score, 9),
            "max_score": round(self.max_score, 9),
            "weight": self.weight,
            "visibility": self.visibility,
            "message": self.message,
            "duration": round(self.duration, 3),
            "metrics": self.metrics,
            "probes": self.probes,
            "topic": self.topic,
            "series": self.series,
            "output": self.output,
        }
        if instructor:
            data["detail"] = self.detail
        return data

    @classmethod
    def from_dict(cls, d: dict) -> "TestResult":
        visibility = "hidden" if d.get("visibility") == "hidden" else "visible"
        metrics = d.get("metrics") if isinstance(d.get("metrics"), dict) else {}
        series = d.get("series") if isinstance(d.get("series"), dict) else {}
        return cls(str(d["name"]), Status(d["status"]), float(d["max_score"]), visibility,
                   str(d.get("message", "")), float(d.get("duration", 0.0)), str(d.get("id", "")),
                   float(d.get("weight", 1.0)), {str(k): float(v) for k, v in metrics.items()},
                   str(d.get("detail", "")), str(d.get("probes", "")), str(d.get("topic", "")),
                   {str(k): [None if x is None else float(x) for x in v] for k, v in series.items()
                    if isinstance(v, list)}, str(d.get("output", "")))


@dataclass
class Adjustment(_CleanText):
    """Points added to or taken from an exercise outside its tests (a hint penalty), with the reason."""
    _TEXT = ("reason",)
    points: float
    reason: str

    def to_dict(self) -> dict:
        return {"points": round(self.points, 4), "reason": self.reason}

    @classmethod
    def from_dict(cls, d: dict) -> "Adjustment":
        return cls(float(d["points"]), str(d.get("reason", "")))


@dataclass
class ExerciseResult(_CleanText):
    _TEXT = ("slug", "message")
    slug: str
    max_score: float
    tests: list[TestResult] = field(default_factory=list)
    error: Status | None = None  # set when the exercise could not be run at all
    message: str = ""
    duration: float = 0.0
    adjustments: list[Adjustment] = field(default_factory=list)
    detail: str = ""  # instructor-only, like TestResult.detail

    @property
    def score(self) -> float:
        """The tests' points plus adjustments, never below 0."""
        return max(0.0, sum(t.score for t in self.tests) + sum(a.points for a in self.adjustments))

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

    def to_dict(self, instructor: bool = False) -> dict:
        data = {
            "slug": self.slug,
            "score": round(self.score, 4),
            "max_score": round(self.max_score, 4),
            "status": self.status.value,
            "message": self.message,
            "duration": round(self.duration, 3),
            "adjustments": [a.to_dict() for a in self.adjustments],
            "tests": [t.to_dict(instructor) for t in self.tests],
        }
        if instructor:
            data["detail"] = self.detail
        return data

    @classmethod
    def from_dict(cls, d: dict) -> "ExerciseResult":
        tests = [TestResult.from_dict(t) for t in d.get("tests", [])]
        status = Status(d["status"])
        error = status if status not in (Status.PASS, Status.PARTIAL, Status.FAIL) and not tests else None
        adjustments = [Adjustment.from_dict(a) for a in d.get("adjustments", []) or []]
        return cls(str(d["slug"]), float(d["max_score"]), tests, error, str(d.get("message", "")),
                   float(d.get("duration", 0.0)), adjustments, str(d.get("detail", "")))


@dataclass
class Results:
    exercises: list[ExerciseResult] = field(default_factory=list)
    run: dict[str, Any] = field(default_factory=dict)  # mode, kit version and commit, time, submission id

    @property
    def score(self) -> float:
        return sum(e.score for e in self.exercises)

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)

    def to_dict(self, instructor: bool = False) -> dict:
        return {
            "schema_version": SCHEMA_VERSION,
            "run": {str(k): clean_text(v) if isinstance(v, str) else v for k, v in self.run.items()},
            "score": round(self.score, 4),
            "max_score": round(self.max_score, 4),
            "exercises": [e.to_dict(instructor) for e in self.exercises],
        }

    def to_json(self, indent: int | None = 2, instructor: bool = False) -> str:
        return json.dumps(self.to_dict(instructor), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, d: dict) -> "Results":
        """Reads schema v2 and v1 (``version: 1``, before ids, weights, metrics and run metadata)."""
        version = d.get("schema_version", d.get("version", 1))
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise ValueError(f"results schema version {version!r} is newer than this kit's ({SCHEMA_VERSION})")
        run = d.get("run") if isinstance(d.get("run"), dict) else {}
        return cls([ExerciseResult.from_dict(e) for e in d.get("exercises", [])], run)


def percent(score: float, max_score: float) -> float:
    return 100.0 * score / max_score if max_score else 0.0


__all__ = ["Status", "TestResult", "Adjustment", "ExerciseResult", "Results", "clean_text", "percent"]
