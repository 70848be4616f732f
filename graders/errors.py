"""Exceptions that carry a grading status. The plugin maps each to its Status."""
from __future__ import annotations


class GradingSignal(Exception):
    """Base: an exception whose class decides the test's status."""

    status = "error"


class LearnerTimeout(GradingSignal):
    status = "timeout"


class LearnerMemory(GradingSignal):
    status = "memory"


class LearnerCrash(GradingSignal):
    status = "crash"


class ProtocolViolation(GradingSignal):
    status = "protocol"


class BannedCall(GradingSignal):
    status = "banned"


class SubmissionMissing(GradingSignal):
    status = "missing"


class SubmissionImportError(GradingSignal):
    status = "error"
