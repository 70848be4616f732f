"""Hidden tests for feasibility_scorecard.

Wrong answers this suite is built to catch (one line each):
- the seed's all-or-nothing rule, or an unweighted mean (weights ignored)
- weights not normalised (score = sum(w * r) instead of sum(w * r) / sum(w)), or normalised over all weights
  including those of criteria rated None
- None (not assessed) counted as a rating of 0, or dropped from `missing`
- unknown criterion names (typos) in criteria or weights accepted silently, or a ValueError that does not
  name the offending key
- a weighted criterion absent from `criteria` accepted silently (instead of a ValueError naming it)
- no veto: one weighted criterion below 3 does not force "no-go"; or the veto applied to zero-weight criteria
- thresholds off at the boundaries (score exactly 7 is "go", exactly 5 is "investigate", a rating of
  exactly 3 is no veto), or "go" although something is missing
- ratings outside [0, 10], nan ratings, negative, infinite or nan weights or all-zero weights accepted silently
- "investigate" for a missing criterion decided before "no-go" (the rules apply in order)
- a criterion without weight (0 or absent) reported in `missing` or allowed to veto
"""
import math

import pytest
from hypothesis import given, settings, strategies as st

from graders.asserts import assert_scalar_close, expect_raises

NAMES = ("market_demand", "technical_feasibility", "data_resources", "funding_and_talent", "business_model")
EQUAL = {name: 1.0 for name in NAMES}


def rated(*values):
    return dict(zip(NAMES, values))


def call_of(criteria, weights):
    return f"score_project(criteria={criteria}, weights={weights})"


def unpack(result, call):
    assert isinstance(result, (tuple, list)) and len(result) == 3, f"called {call}; expected (score, verdict, missing)"
    score, verdict, missing = result
    return score, verdict, list(missing)


# --------------------------------------------------------------------------- score

@pytest.mark.clause("C1", "C4", probes="the weighted mean of the statement's example, or not a (score, verdict, missing) tuple",
                    topic="ml project judgement")
@pytest.mark.points(2)
def test_weighted_mean_hand_example(learner):
    criteria = rated(8, 6, 9, 7, 5)
    weights = {"market_demand": 3, "technical_feasibility": 2, "data_resources": 2, "funding_and_talent": 1,
               "business_model": 2}
    call = call_of(criteria, weights)
    assert tuple(learner.CRITERIA) == NAMES, (
        f"CRITERIA is {learner.CRITERIA!r}; the statement's public API fixes the five names and their order")
    score, verdict, missing = unpack(learner.score_project(criteria, weights), call)
    assert verdict in ("go", "investigate", "no-go"), f"called {call}; verdict {verdict!r} is not one of the three"
    assert_scalar_close(score, 71 / 10, call + " score", rtol=1e-12,
                        why="score = sum(w_i * rating_i) / sum(w_i) over the weighted criteria")
    assert verdict == "go" and missing == [], f"called {call}; got verdict {verdict!r}, missing {missing}"


@pytest.mark.clause("C2", "C4", "C6", probes="weights not normalised by their sum, or a wrong verdict on random ratings",
                    topic="ml project judgement")
@pytest.mark.points(2)
@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(ratings=st.lists(st.floats(3, 10), min_size=5, max_size=5),
       weights=st.lists(st.floats(0.1, 5), min_size=5, max_size=5), scale=st.floats(0.01, 100))
def test_score_matches_reference_and_ignores_weight_scale(learner, reference, ratings, weights, scale):
    criteria, w = rated(*ratings), dict(zip(NAMES, weights))
    call = call_of(criteria, w)
    expected = reference.score_project(criteria, w)
    got = unpack(learner.score_project(criteria, w), call)
    assert_scalar_close(got[0], expected[0], call + " score", rtol=1e-9, show_expected=False)
    assert got[1] == expected[1], f"called {call}; verdict {got[1]!r} is wrong for a score of {expected[0]:.4f}"
    scaled = {k: v * scale for k, v in w.items()}
    assert_scalar_close(unpack(learner.score_project(criteria, scaled), call)[0], expected[0],
                        call + f" with every weight times {scale:.3g}", rtol=1e-9, show_expected=False,
                        why="weights are relative: divide by their sum")


@pytest.mark.clause("C3", probes="a criterion weighted 0 still counted or still vetoing", topic="ml project judgement")
def test_zero_weight_criteria_are_ignored(learner):
    criteria = rated(8, 8, 8, 8, 1)      # business_model rated 1 but weighted 0: no effect, no veto
    weights = dict(EQUAL, business_model=0)
    call = call_of(criteria, weights)
    score, verdict, missing = unpack(learner.score_project(criteria, weights), call)
    assert_scalar_close(score, 8.0, call + " score", rtol=1e-12)
    assert verdict == "go", f"called {call}; got {verdict!r}, expected 'go' - a criterion with weight 0 does not count"


@pytest.mark.clause("C3", probes="criteria without weight required in criteria", topic="ml project judgement")
def test_criteria_without_weight_may_be_absent(learner):
    criteria = {"market_demand": 9, "data_resources": 7}
    weights = {"market_demand": 1, "data_resources": 1}
    call = call_of(criteria, weights)
    score, verdict, missing = unpack(learner.score_project(criteria, weights), call)
    assert_scalar_close(score, 8.0, call + " score", rtol=1e-12)


@pytest.mark.clause("C3", "C5", probes="a criterion without weight reported in missing or allowed to veto",
                    topic="ml project judgement")
def test_unweighted_criteria_never_missing_nor_vetoing(learner):
    criteria = rated(8, 8, 8, None, 1)      # funding_and_talent unrated, business_model rated 1: both unweighted
    for weights in ({"market_demand": 1, "technical_feasibility": 1, "data_resources": 1},
                    dict(EQUAL, funding_and_talent=0, business_model=0)):
        call = call_of(criteria, weights)
        score, verdict, missing = unpack(learner.score_project(criteria, weights), call)
        assert missing == [], (f"called {call}; missing = {missing}, but only weighted criteria (positive weight) "
                               f"can be missing")
        assert verdict == "go", (f"called {call}; got {verdict!r}: the criteria without weight are ignored, so "
                                 f"they neither veto nor leave anything unassessed")


# --------------------------------------------------------------------------- missing (None)

@pytest.mark.clause("C4", "C5", "C6", probes="None counted as 0, or missing not reported sorted",
                    topic="ml project judgement")
@pytest.mark.points(2)
def test_none_is_missing_and_excluded_from_the_score(learner):
    criteria = rated(9, None, 8, 7, None)
    call = call_of(criteria, EQUAL)
    score, verdict, missing = unpack(learner.score_project(criteria, EQUAL), call)
    assert_scalar_close(score, 8.0, call + " score", rtol=1e-12,
                        why="a criterion rated None is not assessed yet: leave it (and its weight) out of the mean")
    assert missing == ["business_model", "technical_feasibility"], (
        f"called {call}; missing = {missing}, expected the weighted criteria rated None, sorted")
    assert verdict == "investigate", f"called {call}; got {verdict!r} - a project with unassessed criteria is not a 'go'"


@pytest.mark.clause("C11", probes="every weighted criterion rated None accepted instead of raising ValueError",
                    topic="input validation")
def test_every_weighted_criterion_none_raises(learner):
    criteria = rated(None, None, None, None, None)
    with expect_raises(ValueError, call_of(criteria, EQUAL), "every weighted criterion is None: nothing to score"):
        learner.score_project(criteria, EQUAL)


# --------------------------------------------------------------------------- verdicts

@pytest.mark.clause("C6", probes="no veto for a weighted criterion rated below 3", topic="ml project judgement")
@pytest.mark.points(2)
def test_veto_on_a_fatal_flaw(learner):
    criteria = rated(10, 10, 2, 10, 10)       # mean 8.4, but almost no data
    call = call_of(criteria, EQUAL)
    score, verdict, _ = unpack(learner.score_project(criteria, EQUAL), call)
    assert verdict == "no-go", (f"called {call}; got {verdict!r} - a weighted criterion rated below 3 is a fatal "
                                f"flaw that a high average must not hide")


@pytest.mark.clause("C6", probes="'investigate' for something missing decided before 'no-go'",
                    topic="ml project judgement")
@pytest.mark.parametrize("ratings", [(4, 4, 4, None, 5), (9, 9, 2, None, 9)])
def test_no_go_wins_over_missing(learner, ratings):
    criteria = rated(*ratings)
    call = call_of(criteria, EQUAL)
    _, verdict, missing = unpack(learner.score_project(criteria, EQUAL), call)
    assert verdict == "no-go", (f"called {call}; got {verdict!r}: the rules apply in order, and a score below 5 "
                                f"or a veto is a no-go even while something is still missing")


@pytest.mark.clause("C6", probes="verdict thresholds off at the boundaries 3, 5 and 7", topic="ml project judgement")
@pytest.mark.points(2)
@pytest.mark.parametrize("ratings, expected", [
    ((7, 7, 7, 7, 7), "go"),             # exactly 7: go
    ((5, 5, 5, 5, 5), "investigate"),     # exactly 5: investigate
    ((3, 10, 10, 10, 10), "go"),          # a rating of exactly 3 is no veto (mean 8.6)
    ((4, 5, 5, 5, 5), "no-go"),          # mean 4.8 < 5
    ((6, 7, 7, 7, 7), "investigate"),     # mean 6.8
])
def test_verdict_thresholds(learner, ratings, expected):
    criteria = rated(*ratings)
    weights = {"market_demand": 1, "technical_feasibility": 1, "data_resources": 2, "funding_and_talent": 2,
               "business_model": 2}
    call = call_of(criteria, weights)
    _, verdict, _ = unpack(learner.score_project(criteria, weights), call)
    assert verdict == expected, f"called {call}; got {verdict!r}, expected {expected!r}"


# --------------------------------------------------------------------------- validation

@pytest.mark.clause("C7", probes="a misspelt criterion name accepted, or not named in the error",
                    topic="input validation")
@pytest.mark.points(2)
def test_unknown_criterion_raises_a_clear_error(learner):
    criteria = dict(rated(8, 8, 8, 8, 8), market_demnd=9)
    with expect_raises(ValueError, call_of(criteria, EQUAL), "'market_demnd' is not a criterion") as info:
        learner.score_project(criteria, EQUAL)
    assert "market_demnd" in str(info.value), (
        f"score_project with a misspelt criterion raised ValueError({str(info.value)!r}); name the unknown key")


@pytest.mark.clause("C7", probes="a misspelt weight key accepted, or not named in the error", topic="input validation")
def test_unknown_weight_key_raises_a_clear_error(learner):
    weights = dict(EQUAL, team_vibes=2.0)
    with expect_raises(ValueError, call_of(rated(8, 8, 8, 8, 8), weights), "'team_vibes' is not a criterion") as info:
        learner.score_project(rated(8, 8, 8, 8, 8), weights)
    assert "team_vibes" in str(info.value), f"ValueError({str(info.value)!r}) does not name the unknown key 'team_vibes'"


@pytest.mark.clause("C8", probes="a weighted criterion absent from criteria accepted, or not named",
                    topic="input validation")
@pytest.mark.points(2)
def test_missing_weighted_criterion_raises_a_clear_error(learner):
    criteria = rated(8, 8, 8, 8)             # business_model absent although weighted
    with expect_raises(ValueError, call_of(criteria, EQUAL),
                       "business_model is weighted but absent from criteria") as info:
        learner.score_project(criteria, EQUAL)
    assert "business_model" in str(info.value), (
        f"ValueError({str(info.value)!r}) does not name the missing criterion 'business_model'")


@pytest.mark.clause("C9", "C10", probes="out-of-range or nan ratings, negative, infinite or nan weights, no positive weight",
                    topic="input validation")
@pytest.mark.parametrize("criteria, weights", [
    (rated(11, 8, 8, 8, 8), EQUAL),
    (rated(-1, 8, 8, 8, 8), EQUAL),
    (rated(math.nan, 8, 8, 8, 8), EQUAL),
    (rated(8, 8, 8, 8, 8), dict(EQUAL, market_demand=-1.0)),
    (rated(8, 8, 8, 8, 8), dict(EQUAL, market_demand=math.inf)),
    (rated(8, 8, 8, 8, 8), dict(EQUAL, data_resources=math.nan)),
    (rated(8, 8, 8, 8, 8), {name: 0.0 for name in NAMES}),
])
def test_invalid_values_raise(learner, criteria, weights):
    with expect_raises(ValueError, call_of(criteria, weights),
                       "ratings lie in [0, 10], weights are finite and >= 0, and at least one weight is positive"):
        learner.score_project(criteria, weights)
