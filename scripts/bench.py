#!/usr/bin/env python3
"""Benchmarks: hidden-suite wall time of the reference per exercise, local vs secure.

    python scripts/bench.py [SLUG ...] [--runs 3]

Prints, per exercise, the medians over runs of grading the reference's hidden suite in
local and secure mode: `tests`, the time spent inside the hidden tests (what the catalogue
budget limits), and `wall`, the whole run (pytest start-up, imports, the secure worker's
start included); then the secure-mode overhead on the wall time. Figures, not assertions: this
machine is small and noisy, so compare medians.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graders import manifest, paths, runner  # noqa: E402


def timings(slug: str, secure: bool, runs: int) -> tuple[float, float]:
    """Medians over runs of (time inside the hidden tests, wall time of the whole run)."""
    options = runner.RunOptions(visible=False, hidden=True, secure=secure, banned_check=False)
    tests, wall = [], []
    for _ in range(runs):
        result = runner.grade_exercise(manifest.get(slug), paths.SOLUTIONS, options)
        if result.status.value != "pass":
            print(f"  warning: {slug} ({'secure' if secure else 'local'}) did not pass: {result.status.value}")
        tests.append(sum(t.duration for t in result.tests))
        wall.append(result.duration)
    return statistics.median(tests), statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("slugs", nargs="*")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--local-only", action="store_true")
    args = parser.parse_args()
    slugs = args.slugs or manifest.slugs()
    print(f"{'exercise':24} {'budget':>7} {'tests':>7} {'wall':>7} {'secure tests':>13} {'wall':>7} {'overhead':>9}"
          f"   (medians of {args.runs} runs, s)")
    nan = (float("nan"), float("nan"))
    for slug in slugs:
        local_tests, local_wall = timings(slug, False, args.runs)
        secure_tests, secure_wall = nan if args.local_only else timings(slug, True, args.runs)
        budget = manifest.get(slug).budget
        flag = "" if max(local_tests, secure_tests if secure_tests == secure_tests else 0) <= budget else "  over budget"
        print(f"{slug:24} {budget:7.0f} {local_tests:7.1f} {local_wall:7.1f} {secure_tests:13.1f} {secure_wall:7.1f} "
              f"{secure_wall - local_wall:+9.1f}{flag}", flush=True)


if __name__ == "__main__":
    main()
