"""A weighted feasibility scorecard for an AI project.

Run the visible tests with `python grade.py check feasibility_scorecard`. Standard library only.
"""
import math

CRITERIA = ("market_demand", "technical_feasibility", "data_resources", "funding_and_talent", "business_model")
VETO_BELOW = 3.0      # a weighted criterion rated below this is a fatal flaw
NO_GO_BELOW = 5.0
GO_AT = 7.0


def score_project(criteria, weights):
    """Score a project; returns (score, verdict, missing).

    criteria: dict criterion -> rating, a number in [0, 10], or None (not assessed yet).
    weights:  dict criterion -> weight, a finite number >= 0 (relative: only ratios matter).
    Keys of both must be names from CRITERIA (ValueError naming an unknown key). A criterion with a
    positive weight must be a key of `criteria` (ValueError naming it if absent).
    score   = sum(w * rating) / sum(w) over the positively weighted criteria that have a rating.
    missing = sorted names of positively weighted criteria rated None.
    verdict = "no-go" if score < NO_GO_BELOW or a weighted rating is < VETO_BELOW,
              else "investigate" if missing or score < GO_AT, else "go".
    ValueError also for ratings outside [0, 10] or nan, negative weights, no positive weight, or when
    every weighted criterion is None.
    """
    # TODO: validate, then compute score, missing and verdict
    raise NotImplementedError("score_project")
