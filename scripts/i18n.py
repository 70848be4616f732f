"""Refresh the Chinese catalog with Babel: extract `_()` strings, update the .po, compile the .mo.

    python scripts/i18n.py            # extract + update + compile
    python scripts/i18n.py --compile  # compile only (after editing graders/locale/zh/LC_MESSAGES/mlkit.po)

tests/test_i18n.py fails when a string has no translation or the .mo is older than the .po.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "graders" / "locale"
POT = LOCALE / "mlkit.pot"
PO = LOCALE / "zh" / "LC_MESSAGES" / "mlkit.po"


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT, check=True)


def main() -> None:
    if "--compile" not in sys.argv:
        pybabel("extract", "-F", "babel.cfg", "-k", "_", "-k", "ngettext:1,2", "--no-location", "--sort-output",
                "-o", str(POT), "graders")
        if PO.exists():
            pybabel("update", "-i", str(POT), "-d", str(LOCALE), "-D", "mlkit", "-l", "zh", "--no-fuzzy-matching",
                    "--ignore-obsolete")
        else:
            pybabel("init", "-i", str(POT), "-d", str(LOCALE), "-D", "mlkit", "-l", "zh")
    pybabel("compile", "-d", str(LOCALE), "-D", "mlkit", "-l", "zh", "--use-fuzzy")


if __name__ == "__main__":
    main()
