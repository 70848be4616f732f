"""Correct, independently written: normalise the weights first, then walk a table of rules."""
import math

CRITERIA = ("market_demand", "technical_feasibility", "data_resources", "funding_and_talent", "business_model")


def _bad_number(x):
    return isinstance(x, bool) or not isinstance(x, (int, float)) or math.isnan(x) or math.isinf(x)


def score_project(criteria, weights):
    for source, label in ((weights, "weights"), (criteria, "criteria")):
        for key in source:
            if key not in CRITERIA:
                raise ValueError(f"{label} has an unknown key: {key}")
    active = {}
    for key, w in weights.items():
        if _bad_number(w) or w < 0:
            raise ValueError(f"bad weight for {key}: {w}")
        if w > 0:
            active[key] = float(w)
    if not active:
        raise ValueError("all weights are zero")
    for key in active:
        if key not in criteria:
            raise ValueError(f"criterion {key} is weighted but missing from criteria")
    for key, r in criteria.items():
        if r is None:
            continue
        if _bad_number(r) or r < 0 or r > 10:
            raise ValueError(f"rating for {key} out of range: {r}")

    known = {k: w for k, w in active.items() if criteria[k] is not None}
    unknown = sorted(k for k in active if criteria[k] is None)
    if not known:
        raise ValueError("no weighted criterion has a rating")
    norm = sum(known.values())
    score = 0.0
    for k, w in known.items():
        score += (w / norm) * criteria[k]
    worst = min(criteria[k] for k in known)

    rules = [
        (lambda: score < 5 or worst < 3, "no-go"),
        (lambda: bool(unknown) or score < 7, "investigate"),
        (lambda: True, "go"),
    ]
    for condition, verdict in rules:
        if condition():
            return score, verdict, unknown
