"""The kit's own text in the learner's language: English, or Chinese with `--lang zh` or a zh locale.

Program text is marked with ``_("...")`` and translated through a gettext catalog
(graders/locale/zh/LC_MESSAGES/mlkit.po, compiled to mlkit.mo; `python scripts/i18n.py` runs
Babel to extract, update and compile). Statements and hints live beside their English
(README.zh.md, ``hints_zh`` in the manifest).

The language is chosen once per process: MLKIT_LANG (which `--lang` sets, so the judge and its
workers follow), else the locale (LC_ALL, LC_MESSAGES, LANG starting with ``zh``), else English.
"""
from __future__ import annotations

import gettext
import os
from functools import lru_cache
from pathlib import Path

from . import settings

DOMAIN = "mlkit"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "zh")


def language() -> str:
    chosen = settings.text(settings.LANG).lower()
    if chosen in LANGUAGES:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def adopt_argv(argv: list[str]) -> None:
    """Honour `--lang X` before the commands' help texts are built (they are built at import)."""
    for i, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else None
        if value in LANGUAGES:
            set_language(value)


def set_language(chosen: str) -> None:
    """Switch this process and the processes it starts (the judge, its workers)."""
    os.environ[settings.LANG] = chosen
    _catalog.cache_clear()


@lru_cache(maxsize=None)
def _catalog(chosen: str) -> gettext.NullTranslations:
    if chosen == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[chosen], fallback=True)


def _(message: str) -> str:
    """``message`` in the current language (the English itself when no translation exists)."""
    return _catalog(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog(language()).ngettext(singular, plural, n)
