"""Tests with teeth, for every exercise in the catalogue.

* dev check: the reference passes every visible and hidden test and the untouched
  stub scores 0, in local and in secure mode (`python grade.py dev check`).
* the audit corpus (tests/corpus/SLUG/): every plausible wrong answer (`mutant_*`)
  fails at least one hidden test; every independently written correct answer
  (`correct_*`) scores full marks.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from graders import devcheck, manifest

SLUGS = manifest.slugs()
FAST_BUDGET = 10  # seconds: corpora of exercises with longer hidden suites run only with --run-slow
CORPUS = [(slug, entry) for slug in SLUGS for entry in devcheck.corpus_entries(slug)]


def corpus_param(slug, entry):
    marks = [pytest.mark.slow] if manifest.get(slug).budget > FAST_BUDGET else []
    return pytest.param((slug, entry), id=f"{slug}/{entry.stem}", marks=marks)


@pytest.fixture(scope="module")
def dev_reports():
    general, reports = devcheck.run(None, ("local", "secure"), workers=2)
    return general, {r.slug: r for r in reports}


def test_kit_layout(dev_reports):
    general, _ = dev_reports
    assert not general, "\n".join(general)


@pytest.mark.parametrize("slug", SLUGS)
def test_dev_check(dev_reports, slug):
    report = dev_reports[1][slug]
    assert report.ok, f"{slug}:\n" + "\n".join(report.problems)


def grade_corpus_entry(item):
    return item, devcheck.grade_corpus_entry(*item)


@pytest.fixture(scope="module")
def corpus_results(request):
    run_slow = request.config.getoption("--run-slow")
    chosen = [item for item in CORPUS if run_slow or manifest.get(item[0]).budget <= FAST_BUDGET]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(grade_corpus_entry, chosen))


@pytest.mark.parametrize("item", [corpus_param(s, e) for s, e in CORPUS])
def test_corpus(corpus_results, item):
    problem = devcheck.corpus_problem(*item, corpus_results[item])
    assert problem is None, problem


def test_every_exercise_has_an_audit_corpus():
    missing = [slug for slug in SLUGS
               if sum(e.name.startswith("mutant_") for e in devcheck.corpus_entries(slug)) < 5
               or not any(e.name.startswith("correct_") for e in devcheck.corpus_entries(slug))]
    assert not missing, f"exercises without 5 mutants and a correct alternative: {missing}"
