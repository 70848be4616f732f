"""The catalogue file: parsing, validation, and that it matches the tree."""
import pytest

from graders import manifest
from graders.manifest import ManifestError, parse_manifest

ENTRY = """
[[exercises]]
slug = "demo"
title = "Demo"
track = "foundations"
difficulty = "easy"
points = 10
budget = 5
seed = "003 #29"
seed_title = "题目"
hints = ["one", "two"]
"""


def test_parses_a_valid_entry():
    (exercise,) = parse_manifest("format_version = 1\n" + ENTRY)
    assert exercise.slug == "demo" and exercise.hints == ("one", "two") and exercise.banned == ()
    assert exercise.timeout > exercise.test_timeout > exercise.budget


@pytest.mark.parametrize("text, message", [
    (ENTRY, "format_version"),
    ("format_version = 1\n", "no [[exercises]]"),
    ("format_version = 1\n" + ENTRY + ENTRY, "duplicate slugs"),
    ("format_version = 1\n" + ENTRY.replace('track = "foundations"', 'track = "cooking"'), "unknown track"),
    ("format_version = 1\n" + ENTRY.replace('hints = ["one", "two"]', "hints = []"), "hints"),
    ("format_version = 1\n" + ENTRY.replace('points = 10\n', ""), "missing points"),
])
def test_rejects_malformed_catalogues(text, message):
    with pytest.raises(ManifestError, match=message.replace("[", r"\[")):
        parse_manifest(text)


def test_the_kit_catalogue_loads_and_lists_each_slug_once():
    slugs = manifest.slugs()
    assert len(slugs) == len(set(slugs)) >= 11
    assert manifest.get("activations").track == "foundations"
    with pytest.raises(KeyError, match="grade.py list"):
        manifest.get("no_such_exercise")
