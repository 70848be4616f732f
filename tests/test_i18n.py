"""The kit in Chinese: every statement, hint and program string has its counterpart, and they agree."""
import gettext
import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner

from graders import contract, i18n, manifest, paths

SLUGS = manifest.slugs()
FENCE = re.compile(r"```.*?```", re.DOTALL)
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
TAG = re.compile(r"\[/?(?:bold|green|red|yellow|dim|italic|magenta)\]")
PO_FILE = i18n.LOCALE_DIR / "zh" / "LC_MESSAGES" / "mlkit.po"


def chinese(path):
    return path.with_name("README.zh.md")


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


# ------------------------------------------------------------------ statements

@pytest.mark.parametrize("slug", SLUGS)
def test_every_statement_has_a_chinese_twin_that_agrees_on_code_and_clauses(slug):
    english_path = paths.statement(slug)
    assert chinese(english_path).is_file(), f"{slug} has no README.zh.md"
    english = english_path.read_text(encoding="utf-8")
    zh = chinese(english_path).read_text(encoding="utf-8")
    assert FENCE.findall(zh) == FENCE.findall(english), f"{slug}: the code blocks (signatures) differ"
    zh_contract = zh.replace("## Contract（约定）", "## Contract")
    assert [c.id for c in contract.parse_clauses(zh_contract)] == [c.id for c in contract.parse_clauses(english)]
    assert sum(has_chinese(line) for line in zh.splitlines()) > 10


@pytest.mark.parametrize("slug", SLUGS)
def test_every_statement_explains_the_two_question_banks(slug):
    english = paths.statement(slug).read_text(encoding="utf-8")
    zh = chinese(paths.statement(slug)).read_text(encoding="utf-8")
    assert "bank `000`" in english and "bank `003`" in english
    assert "题库 `000`" in zh and "题库 `003`" in zh


def test_a_signature_that_disagrees_is_caught(tmp_path):
    english = "## Signature\n```python\ndef f(x, axis=-1): ...\n```\n"
    zh = "## 签名\n```python\ndef f(x, axis=0): ...\n```\n"
    assert FENCE.findall(zh) != FENCE.findall(english)


# ------------------------------------------------------------------ titles and hints

@pytest.mark.parametrize("exercise", manifest.load(), ids=lambda e: e.slug)
def test_every_title_and_hint_has_a_chinese_version(exercise):
    assert has_chinese(exercise.title_zh), exercise.slug
    assert len(exercise.hints_zh) == len(exercise.hints)
    assert any(has_chinese(h) for h in exercise.hints_zh)
    for english, zh in zip(exercise.hints, exercise.hints_zh):  # a hint that is only code may stay code
        assert zh.strip() and (has_chinese(zh) or not re.search(r"(?:\b[A-Za-z]{3,}\b\s+){4}", english)), zh


# ------------------------------------------------------------------ program text

def source_messages() -> set[str]:
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(paths.ROOT / "graders"), method_map=[("**.py", "python")],
            keywords={"_": None, "ngettext": (1, 2)}):
        found.update([message] if isinstance(message, str) else message)
    return found


@pytest.fixture(scope="module")
def catalog():
    with PO_FILE.open("rb") as handle:
        return read_po(handle)


def test_every_program_string_is_translated(catalog):
    missing = sorted(m for m in source_messages() if not catalog.get(m) or not catalog.get(m).string
                     or catalog.get(m).fuzzy)
    assert missing == [], f"{len(missing)} strings lack Chinese: run `python scripts/i18n.py` and translate them"


def test_translations_keep_placeholders_and_markup(catalog):
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(message.id)), message.id
        assert sorted(TAG.findall(message.string)) == sorted(TAG.findall(message.id)), message.id


def test_the_compiled_catalog_matches_the_po_file(catalog):
    with (PO_FILE.with_suffix(".mo")).open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in catalog:
        if message.id and isinstance(message.id, str) and message.string:
            assert compiled.gettext(message.id) == message.string, "run `python scripts/i18n.py --compile`"


# ------------------------------------------------------------------ choosing the language

@pytest.fixture
def state_file(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "STATE_FILE", tmp_path / "state.json")
    monkeypatch.setenv("MLKIT_HOME", str(tmp_path / "home"))
    yield
    i18n.set_language("en")


def invoke(*args, env=None):
    from graders import cli
    return CliRunner(env={"COLUMNS": "100", **(env or {})}).invoke(cli.main, list(args), catch_exceptions=False)


def test_lang_zh_switches_commands_statements_and_hints(state_file, monkeypatch):
    monkeypatch.delenv("MLKIT_LANG", raising=False)
    listing = invoke("--lang", "zh", "list").output
    assert "练习" in listing or "进度" in listing
    assert "取材于两套" in invoke("--lang", "zh", "show", "kmeans").output
    assert has_chinese(invoke("--lang", "zh", "hint", "kmeans").output)


def test_the_locale_chooses_chinese_and_lang_overrides_it(state_file, monkeypatch):
    monkeypatch.delenv("MLKIT_LANG", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.language() == "zh"
    monkeypatch.setenv("MLKIT_LANG", "en")
    assert i18n.language() == "en"
    assert not has_chinese(invoke("--lang", "en", "next").output.split("-")[0])
