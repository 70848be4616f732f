#!/usr/bin/env python3
"""Benchmarks: hidden-suite wall time of the reference per exercise, local vs secure.

    python scripts/bench.py [SLUG ...] [--runs 3]

Prints, per exercise, the median over runs of the wall time of grading the reference's
hidden suite (pytest start-up and TensorFlow import included) in local and secure mode,
the catalogue budget, and the secure-mode overhead. Figures, not assertions: this
machine is small and noisy, so compare medians.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graders import manifest, paths, runner  # noqa: E402


def wall_time(slug: str, secure: bool) -> float:
    options = runner.RunOptions(visible=False, hidden=True, secure=secure, banned_check=False)
    result = runner.grade_exercise(manifest.get(slug), paths.SOLUTIONS, options)
    if result.status.value != "pass":
        print(f"  warning: {slug} ({'secure' if secure else 'local'}) did not pass: {result.status.value}")
    return result.duration


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("slugs", nargs="*")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--local-only", action="store_true")
    args = parser.parse_args()
    slugs = args.slugs or manifest.slugs()
    print(f"{'exercise':24} {'budget':>7} {'local':>8} {'secure':>8} {'overhead':>9}   (medians of {args.runs} runs, s)")
    for slug in slugs:
        local = statistics.median(wall_time(slug, False) for _ in range(args.runs))
        secure = float("nan") if args.local_only else statistics.median(wall_time(slug, True) for _ in range(args.runs))
        budget = manifest.get(slug).budget
        flag = "" if local <= budget else "  over budget"
        print(f"{slug:24} {budget:7.0f} {local:8.1f} {secure:8.1f} {secure - local:+9.1f}{flag}", flush=True)


if __name__ == "__main__":
    main()
