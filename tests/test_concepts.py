"""Concept cards (concepts/cards/*.toml): every seed question covered once, every card complete and bilingual."""
import random

import pytest

from graders import concepts


def test_every_card_is_valid_and_every_seed_question_has_exactly_one():
    cards = concepts.load()
    assert cards, "no cards in concepts/cards/"
    assert concepts.validate(cards) == []


CARD = """
seeds = ["000 #9"]
track = "deep-learning"
topics = ["regularization"]
exercises = ["overfitting"]
[question]
en = "How do you fight overfitting?"
zh = "如何应对过拟合？"
[[key_points]]
en = "Stop early on a validation metric."
zh = "根据验证集指标早停。"
terms = ["early stopping", "早停"]
[[key_points]]
en = "Penalise weights (L2)."
zh = "对权重加惩罚（L2）。"
terms = ["weight decay", "权重衰减"]
[[key_points]]
en = "More or augmented data."
zh = "更多数据或数据增强。"
terms = ["augmentation", "数据增强"]
[[follow_ups]]
en = "Why does dropout help?"
zh = "dropout 为什么有效？"
"""


def write(tmp_path, name, text):
    (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")


def test_a_complete_card_parses_and_its_key_terms_mark_an_answer(tmp_path):
    write(tmp_path, "overfitting", CARD)
    card = concepts.load(tmp_path)[0]
    assert card.id == "overfitting" and concepts.card_problems(card) == []
    answer = "I would use EARLY STOPPING and 数据增强."
    assert [p.mentioned_in(answer) for p in card.key_points] == [True, False, True]
    assert card.key_points[2].mentioned_in("random augmentations")  # plurals count
    assert not card.key_points[1].mentioned_in("the weight decayed")  # whole words only, in Latin script
    assert card.key_points[2].mentioned_in("用了数据增强方法")  # Chinese has no spaces: anywhere


@pytest.mark.parametrize("change, problem", [
    (('seeds = ["000 #9"]', 'seeds = ["000 #31"]'), "is not like '000 #7'"),
    (('track = "deep-learning"', 'track = "vision"'), "track 'vision'"),
    (('topics = ["regularization"]', 'topics = ["magic"]'), "topic 'magic'"),
    (('exercises = ["overfitting"]', 'exercises = ["nope"]'), "exercise 'nope' does not exist"),
    (('zh = "如何应对过拟合？"', 'zh = "How to fight it?"'), "is meant to be Chinese"),
    (('terms = ["early stopping", "早停"]', 'terms = ["early stopping"]'), "key terms in English and in Chinese"),
    (('terms = ["weight decay", "权重衰减"]', 'terms = ["l2", "权重衰减"]'), "too short"),
])
def test_each_kind_of_mistake_in_a_card_is_reported(tmp_path, change, problem):
    write(tmp_path, "overfitting", CARD.replace(*change))
    assert any(problem in p for p in concepts.card_problems(concepts.load(tmp_path)[0]))


def test_missing_and_twice_covered_seeds_are_reported(tmp_path):
    write(tmp_path, "a", CARD)
    write(tmp_path, "b", CARD)
    problems = concepts.validate(concepts.load(tmp_path))
    assert "seed question 000 #9 is on several cards: a, b" in problems
    assert "seed question 003 #30 has no card" in problems


def test_a_malformed_card_names_its_file(tmp_path):
    write(tmp_path, "broken", "seeds = [")
    with pytest.raises(concepts.CardError, match="broken.toml: not valid TOML"):
        concepts.load(tmp_path)
    write(tmp_path, "broken", CARD.replace('zh = "如何应对过拟合？"\n', ""))
    with pytest.raises(concepts.CardError, match="broken.toml question: needs non-empty `en` and `zh`"):
        concepts.load(tmp_path)


def test_draw_gives_distinct_cards_and_favours_weak_topics(tmp_path):
    for name, topic in (("a", "regularization"), ("b", "optimization"), ("c", "clustering")):
        write(tmp_path, name, CARD.replace('topics = ["regularization"]', f'topics = ["{topic}"]'))
    cards = concepts.load(tmp_path)
    draws = [concepts.draw(cards, 2, random.Random(seed)) for seed in range(50)]
    assert all(len({c.id for c in d}) == 2 for d in draws)
    firsts = [concepts.draw(cards, 1, random.Random(seed), {"clustering": 50.0})[0].id for seed in range(50)]
    assert firsts.count("c") > 40
