"""Reference solution: a weighted feasibility scorecard for an AI project."""
import math
from numbers import Real

CRITERIA = ("market_demand", "technical_feasibility", "data_resources", "funding_and_talent", "business_model")
VETO_BELOW = 3.0      # a weighted criterion rated below this is a fatal flaw
NO_GO_BELOW = 5.0
GO_AT = 7.0


def _is_number(value):
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _check_keys(mapping, what):
    unknown = sorted(set(mapping) - set(CRITERIA))
    if unknown:
        raise ValueError(f"unknown criterion {unknown[0]!r} in {what}; known criteria: {', '.join(CRITERIA)}")


def score_project(criteria, weights):
    """Weighted mean rating (0-10) of the weighted criteria, a verdict, and the weighted criteria not yet rated.

    Returns (score, verdict, missing); verdict is "go", "investigate" or "no-go".
    """
    _check_keys(weights, "weights")
    _check_keys(criteria, "criteria")
    for name, w in weights.items():
        if not _is_number(w) or w < 0:
            raise ValueError(f"weight of {name!r} must be a finite number >= 0, got {w!r}")
    used = [name for name in CRITERIA if name in weights and weights[name] > 0]
    if not used:
        raise ValueError("at least one weight must be positive")
    for name in used:
        if name not in criteria:
            raise ValueError(f"missing criterion {name!r}: it has a positive weight; rate it 0-10, "
                             f"or pass None if it has not been assessed yet")
    for name, rating in criteria.items():
        if rating is not None and (not _is_number(rating) or not 0 <= rating <= 10):
            raise ValueError(f"rating of {name!r} must be a number in [0, 10] or None, got {rating!r}")

    rated = [name for name in used if criteria[name] is not None]
    missing = sorted(name for name in used if criteria[name] is None)
    if not rated:
        raise ValueError(f"nothing to score: every weighted criterion is None ({', '.join(missing)})")
    total = sum(weights[name] for name in rated)
    score = float(sum(weights[name] * criteria[name] for name in rated) / total)

    if score < NO_GO_BELOW or any(criteria[name] < VETO_BELOW for name in rated):
        verdict = "no-go"
    elif missing or score <= GO_AT:
        verdict = "investigate"
    else:
        verdict = "go"
    return score, verdict, missing
