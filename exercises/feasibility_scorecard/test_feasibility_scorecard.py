"""Visible tests for feasibility_scorecard: `python grade.py check feasibility_scorecard`."""
from graders.asserts import assert_scalar_close, expect_raises

NAMES = ("market_demand", "technical_feasibility", "data_resources", "funding_and_talent", "business_model")


def test_equal_weights_give_the_mean(learner):
    criteria = dict(zip(NAMES, [8, 7, 9, 6, 10]))
    weights = {name: 1 for name in NAMES}
    score, verdict, missing = learner.score_project(criteria, weights)
    assert_scalar_close(score, 8.0, "score_project(ratings 8, 7, 9, 6, 10; equal weights) score")
    assert verdict == "go" and list(missing) == [], f"got verdict {verdict!r}, missing {missing}"


def test_weights_matter(learner):
    criteria = dict(zip(NAMES, [10, 4, 4, 4, 4]))
    weights = {"market_demand": 4, "technical_feasibility": 1, "data_resources": 1, "funding_and_talent": 1,
               "business_model": 1}
    score, verdict, _ = learner.score_project(criteria, weights)
    assert_scalar_close(score, 7.0, "score_project with market_demand weighted 4 score")
    assert verdict == "go"


def test_unassessed_criterion_is_reported(learner):
    criteria = dict(zip(NAMES, [8, 8, None, 8, 8]))
    score, verdict, missing = learner.score_project(criteria, {name: 1 for name in NAMES})
    assert list(missing) == ["data_resources"] and verdict == "investigate", f"got {verdict!r}, {missing}"


def test_typo_raises_value_error(learner):
    criteria = dict(zip(NAMES, [8, 8, 8, 8, 8]), buisness_model=8)
    weights = {name: 1 for name in NAMES}
    with expect_raises(ValueError, f"score_project(criteria={criteria}, weights={weights})",
                       "'buisness_model' is a misspelt criterion name"):
        learner.score_project(criteria, weights)
