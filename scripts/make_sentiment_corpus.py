"""Write the small English sentiment corpus shipped with the `text_cnn` exercise.

Every sentence is generated from the templates and word lists below (written for this
kit, released under CC0 1.0), so the corpus is deterministic and has no third-party
licence. Labels: 1 = positive, 0 = negative. Negation ("not", "never", "nothing",
"did not") flips the polarity of the phrase it governs, so a bag of words is not
enough: a model has to look at short word groups, which is what a 1-D convolution does.

    python scripts/make_sentiment_corpus.py            # writes exercises/text_cnn/data/sentiment.tsv
    python scripts/make_sentiment_corpus.py --check    # exits 1 if the shipped file is stale

`generate(n, seed)` is also used by the hidden tests, with another seed, to draw
held-out sentences the learner never saw.
"""
from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "exercises" / "text_cnn" / "data" / "sentiment.tsv"
N_SENTENCES = 4000
SEED = 2024

NOUNS = ["movie", "film", "book", "meal", "food", "service", "hotel", "room", "phone", "camera",
         "laptop", "show", "song", "album", "game", "restaurant", "staff", "coffee", "pizza", "app",
         "car", "trip", "class", "teacher", "plot", "ending", "screen", "battery", "concert", "museum",
         "bakery", "course", "novel", "series", "headphones", "keyboard", "printer", "flight", "tour", "menu"]
POSITIVE = ["good", "great", "excellent", "wonderful", "amazing", "fantastic", "lovely", "superb",
            "delightful", "brilliant", "enjoyable", "pleasant", "perfect", "charming", "impressive",
            "fun", "solid", "beautiful", "friendly", "helpful", "fresh", "reliable", "smooth", "tasty"]
NEGATIVE = ["bad", "terrible", "awful", "horrible", "boring", "poor", "dull", "disappointing",
            "mediocre", "weak", "annoying", "ugly", "rude", "slow", "broken", "bland", "painful",
            "messy", "noisy", "useless", "stale", "unreliable", "clumsy", "tasteless"]
INTENSIFIERS = ["", "", "", "very", "really", "quite", "truly", "so", "extremely", "pretty", "incredibly"]
VERBS_POS = [("loved", "love"), ("enjoyed", "enjoy"), ("liked", "like"), ("adored", "adore"),
             ("recommend", "recommend")]
VERBS_NEG = [("hated", "hate"), ("disliked", "dislike"), ("regretted", "regret"), ("avoided", "avoid")]
OPENERS = ["", "", "", "", "honestly ,", "overall ,", "to be fair ,", "well ,", "in short ,", "sadly ,",
           "frankly ,", "i think"]
ENDINGS = ["", "", "", ".", ".", "!", "!!", "...", ". would not say otherwise .", "."]


def _adj(rng: random.Random, positive: bool) -> str:
    return rng.choice(POSITIVE if positive else NEGATIVE)


def _phrase(rng: random.Random, positive: bool) -> str:
    intensifier = rng.choice(INTENSIFIERS)
    return f"{intensifier} {_adj(rng, positive)}".strip()


def _a(word: str) -> str:
    """The indefinite article for the word that follows it."""
    return "an" if word[0] in "aeiou" else "a"


def sentence(rng: random.Random) -> tuple[str, int]:
    """One (text, label) pair."""
    label = rng.random() < 0.5
    noun, noun2 = rng.choice(NOUNS), rng.choice(NOUNS)
    negate = rng.random() < 0.35  # the surface words say the opposite of the label
    surface = label != negate
    kind = rng.randrange(8)
    if kind == 0:
        core = f"the {noun} was {'not ' if negate else ''}{_phrase(rng, surface)}"
    elif kind == 1:
        core = f"this {noun} is {'not ' if negate else ''}{_phrase(rng, surface)}"
    elif kind == 2:
        past, base = rng.choice(VERBS_POS if surface else VERBS_NEG)
        core = f"i did not {base} the {noun}" if negate else f"i {past} the {noun}"
    elif kind == 3:
        phrase = _phrase(rng, surface)
        core = (f"nothing {_adj(rng, surface)} about the {noun}" if negate
                else f"what {_a(phrase)} {phrase} {noun}")
    elif kind == 4:
        core = (f"the {noun} and the {noun2} were never {_adj(rng, surface)}" if negate
                else f"the {noun} and the {noun2} were {_phrase(rng, surface)}")
    elif kind == 5:
        first, second = _adj(rng, surface), _adj(rng, surface)
        core = (f"the {noun} is neither {first} nor {second}" if negate
                else f"the {noun} is {first} and {second}")
    elif kind == 6:
        phrase = _adj(rng, surface) if negate else _phrase(rng, surface)
        core = f"not {_a(phrase)} {phrase} {noun} at all" if negate else f"{_a(phrase)} {phrase} {noun} overall"
    else:
        core = f"my {noun} felt {'not ' if negate else ''}{_phrase(rng, surface)}"
    text = " ".join(part for part in (rng.choice(OPENERS), core, rng.choice(ENDINGS)) if part)
    if rng.random() < 0.15:
        text = text.capitalize()
    return text, int(label)


def generate(n: int, seed: int, exclude: set[str] | frozenset[str] = frozenset()) -> tuple[list[str], list[int]]:
    """n distinct sentences (none of them in `exclude`) and their labels, deterministically from seed."""
    rng = random.Random(seed)
    texts, labels, seen = [], [], set(exclude)
    while len(texts) < n:
        text, label = sentence(rng)
        if text in seen:
            continue
        seen.add(text)
        texts.append(text)
        labels.append(label)
    return texts, labels


def render(texts: list[str], labels: list[int]) -> str:
    return "label\ttext\n" + "".join(f"{label}\t{text}\n" for text, label in zip(texts, labels))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped corpus differs")
    args = parser.parse_args(argv)
    content = render(*generate(N_SENTENCES, SEED))
    if args.check:
        same = OUT.is_file() and OUT.read_text(encoding="utf-8") == content
        print(f"{OUT} is {'up to date' if same else 'stale: run scripts/make_sentiment_corpus.py'}")
        return 0 if same else 1
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(content, encoding="utf-8")
    print(f"wrote {len(content.encode()):,} bytes, {N_SENTENCES} sentences, to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
