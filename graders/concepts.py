"""Concept cards: every question of the two seed banks as an interview card.

A card is one TOML file in concepts/cards/ (the file's stem is its id): the question in English
and Chinese, 3-6 key points a strong answer covers (each bilingual, with key terms in both
languages), one or two follow-up questions, the matching exercises and topics, and the seed
questions it covers ("000 #7"). ``validate()`` lists what is wrong with the set.
"""
from __future__ import annotations

import random
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import manifest, paths
from .topics import TOPICS

CARDS_DIR = paths.ROOT / "concepts" / "cards"
BANKS = ("000", "003")
QUESTIONS_PER_BANK = 30
SEED = re.compile(r"^(000|003) #([1-9]|[12][0-9]|30)$")


@dataclass(frozen=True)
class Text:
    en: str
    zh: str

    def get(self, language: str) -> str:
        return self.zh if language == "zh" else self.en

    def to_dict(self) -> dict:
        return {"en": self.en, "zh": self.zh}


def term_pattern(term: str) -> str:
    escaped = re.escape(term.casefold())
    return escaped if has_chinese(term) else rf"(?<![^\W_]){escaped}(?:e?s)?(?![^\W_])"  # plurals too


@dataclass(frozen=True)
class KeyPoint:
    text: Text
    terms: tuple[str, ...]

    def mentioned_in(self, answer: str) -> bool:
        """Whether ``answer`` names one of this point's key terms (an aid, never a grade).

        Latin-script terms match whole words or their plurals ("GAN" is not found in "organ"); Chinese terms,
        written without spaces, match anywhere."""
        lowered = answer.casefold()
        return any(re.search(term_pattern(term), lowered) for term in self.terms)


@dataclass(frozen=True)
class Card:
    id: str
    seeds: tuple[str, ...]
    track: str
    topics: tuple[str, ...]
    exercises: tuple[str, ...]
    question: Text
    key_points: tuple[KeyPoint, ...]
    follow_ups: tuple[Text, ...]

    def to_dict(self) -> dict:
        return {"id": self.id, "seeds": list(self.seeds), "track": self.track, "topics": list(self.topics),
                "question": self.question.to_dict(),
                "key_points": [{**p.text.to_dict(), "terms": list(p.terms)} for p in self.key_points],
                "follow_ups": [f.to_dict() for f in self.follow_ups], "exercises": list(self.exercises)}


class CardError(ValueError):
    """A card file is malformed."""


def _text(value: object, where: str) -> Text:
    if not (isinstance(value, dict) and isinstance(value.get("en"), str) and isinstance(value.get("zh"), str)
            and value["en"].strip() and value["zh"].strip()):
        raise CardError(f"{where}: needs non-empty `en` and `zh` strings")
    return Text(value["en"].strip(), value["zh"].strip())


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise CardError(f"{where}: needs a list of strings")
    return tuple(v.strip() for v in value)


def parse_card(path: Path) -> Card:
    where = paths.relative(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CardError(f"{where}: not valid TOML ({exc})") from None
    points = data.get("key_points")
    follow_ups = data.get("follow_ups")
    if not isinstance(points, list) or not isinstance(follow_ups, list):
        raise CardError(f"{where}: needs [[key_points]] and [[follow_ups]] tables")
    key_points = tuple(KeyPoint(_text(p, f"{where} key point {i}"), _strings(p.get("terms"), f"{where} key point {i} terms"))
                       for i, p in enumerate(points, 1) if isinstance(p, dict))
    return Card(path.stem, _strings(data.get("seeds"), f"{where} seeds"), str(data.get("track", "")),
                _strings(data.get("topics"), f"{where} topics"), _strings(data.get("exercises", []), f"{where} exercises"),
                _text(data.get("question"), f"{where} question"), key_points,
                tuple(_text(f, f"{where} follow-up {i}") for i, f in enumerate(follow_ups, 1)))


def load(folder: Path = CARDS_DIR) -> list[Card]:
    """Every card, sorted by id."""
    return [parse_card(path) for path in sorted(folder.glob("*.toml"))]


def get(card_id: str, folder: Path = CARDS_DIR) -> Card:
    path = folder / f"{card_id}.toml"
    if not re.fullmatch(r"[a-z0-9_]+", card_id) or not path.is_file():
        raise KeyError(f"no concept card {card_id!r}; run `python grade.py concepts --list` to see them")
    return parse_card(path)


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def card_problems(card: Card) -> list[str]:
    where = f"concepts/cards/{card.id}.toml"
    problems = [f"{where}: seed {s!r} is not like '000 #7' (banks 000 and 003, #1-#30)" for s in card.seeds
                if not SEED.match(s)]
    if not card.seeds:
        problems.append(f"{where}: cites no seed question")
    if card.track not in manifest.TRACKS:
        problems.append(f"{where}: track {card.track!r} is not one of {', '.join(manifest.TRACKS)}")
    problems += [f"{where}: topic {t!r} is not in graders/topics.py" for t in card.topics if t not in TOPICS]
    if not card.topics:
        problems.append(f"{where}: names no topic")
    known = set(manifest.all_slugs())
    problems += [f"{where}: exercise {s!r} does not exist" for s in card.exercises if s not in known]
    if not 3 <= len(card.key_points) <= 6:
        problems.append(f"{where}: has {len(card.key_points)} key points (3 to 6)")
    if not 1 <= len(card.follow_ups) <= 2:
        problems.append(f"{where}: has {len(card.follow_ups)} follow-up questions (1 or 2)")
    texts = [card.question, *(p.text for p in card.key_points), *card.follow_ups]
    problems += [f"{where}: {t.zh[:30]!r} is meant to be Chinese" for t in texts if not has_chinese(t.zh)]
    problems += [f"{where}: {t.en[:30]!r} is meant to be English" for t in texts if has_chinese(t.en)]
    for i, point in enumerate(card.key_points, 1):
        if not any(has_chinese(t) for t in point.terms) or not any(not has_chinese(t) for t in point.terms):
            problems.append(f"{where}: key point {i} needs key terms in English and in Chinese")
        problems += [f"{where}: key point {i} term {t!r} is too short to mean anything" for t in point.terms
                     if len(t) < (2 if has_chinese(t) else 3)]
    return problems


def validate(cards: list[Card]) -> list[str]:
    """Everything wrong with the set: each card's problems, and seeds covered never or twice."""
    problems = [p for card in cards for p in card_problems(card)]
    owners: dict[str, list[str]] = {}
    for card in cards:
        for seed in card.seeds:
            owners.setdefault(seed, []).append(card.id)
    for bank in BANKS:
        for number in range(1, QUESTIONS_PER_BANK + 1):
            seed = f"{bank} #{number}"
            if seed not in owners:
                problems.append(f"seed question {seed} has no card")
            elif len(owners[seed]) > 1:
                problems.append(f"seed question {seed} is on several cards: {', '.join(owners[seed])}")
    return problems


def draw(cards: list[Card], count: int, rng: random.Random, weights: dict[str, float] | None = None) -> list[Card]:
    """``count`` distinct cards, favouring those whose topics weigh more in ``weights``."""
    pool = list(cards)
    chosen: list[Card] = []
    while pool and len(chosen) < count:
        scores = [1.0 + sum((weights or {}).get(t, 0.0) for t in card.topics) for card in pool]
        pick = rng.choices(range(len(pool)), weights=scores)[0]
        chosen.append(pool.pop(pick))
    return chosen
