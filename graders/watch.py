"""Watch mode: re-run the current exercise's visible tests on save, like rustlings."""
from __future__ import annotations

import time

from rich.console import Console

from . import paths, report, runner, settings, state
from .progress import next_pending
from .results import Status


def _mtime(slug: str) -> float:
    try:
        return paths.stub_path(slug).stat().st_mtime
    except OSError:
        return 0.0


def run_visible(console: Console, slug: str) -> bool:
    with report.running(console, f"running the visible tests of {slug}"):
        results = runner.grade([slug], paths.EXERCISES, runner.RunOptions(hidden=False, stop_after_timeout=True,
                                                                         warm=settings.preload()))
    state.record(results, "check")
    exercise = results.exercises[0]
    console.clear()
    console.rule(f"{time.strftime('%H:%M:%S')} · {slug} · {exercise.duration:.1f} s")
    report.print_exercise(console, exercise, show_passed=False)
    return exercise.status is Status.PASS


def wait_for_save(slug: str, interval: float, debounce: float) -> None:
    seen = _mtime(slug)
    while _mtime(slug) == seen:
        time.sleep(interval)
    time.sleep(debounce)  # let the editor finish writing


def watch_loop(console: Console, interval: float = 0.5, max_runs: int = 0, debounce: float = 0.2) -> None:
    """Poll the current stub's modification time; ``max_runs`` > 0 stops after that many runs."""
    slug = next_pending()
    runs = 0
    try:
        while slug is not None:
            passed = run_visible(console, slug)
            runs += 1
            if passed:
                console.print(f"[green]{slug}: visible tests pass.[/green] `python grade.py grade {slug}` runs the "
                              "hidden tests. Moving on.")
                slug = next_pending(slug)
            else:
                console.print(f"Watching [bold]{paths.relative(paths.stub_path(slug))}[/bold]: save to re-run "
                              f"(Ctrl-C stops; `python grade.py hint {slug}` for a hint).")
            if max_runs and runs >= max_runs:
                return
            if not passed:
                wait_for_save(slug, interval, debounce)
    except KeyboardInterrupt:
        runner.stop_running()
        console.print("\nStopped watching.")
        return
    console.print("[green]Every exercise's visible tests pass.[/green] Run `python grade.py grade --all` "
                  "for your score.")
