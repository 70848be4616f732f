"""The kit's performance benchmarks (issue 16): run `python benchmarks/bench.py [--quick]`.

Prints, side by side, medians over several runs (one run each with --quick):
  throughput  the same N submissions (honest, mixed correctness: the reference, the stub, wrong answers
              from the audit corpus) of a numpy, a light TensorFlow and a training-heavy exercise, graded
              by `grade.py batch` (secure, warm path; and with --no-preload) and by `nbgrader autograde`
              on the notebooks from `grade.py export nbgrader`: submissions per minute and the ratio;
  overhead    `grade.py grade SLUG --target solutions` against bare `pytest` on the same suites, per track;
  start       judge and sandboxed-worker start latency, fresh and warm;
  dev check   whole-kit `dev check`, both modes (skipped with --quick unless --dev-check).
Writes benchmarks/results/latest.json. Figures depend on the machine: the JSON records its cores and load.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graders import manifest, paths  # noqa: E402
from graders.patches import apply_patch  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "latest.json"
THROUGHPUT = {"numpy": "activations", "tf": "wgan_gp", "tf_heavy": "cnn_classifier"}
OVERHEAD = {"foundations": "activations", "classical-ml": "ridge_regression", "deep-learning": "wgan_gp",
            "reinforcement-learning": "q_learning", "ml-systems": "serving_batcher", "large-models": "rag_retrieval"}
ASSIGNMENT = "bench"


def timed(command: list[str], cwd: Path = ROOT, env: dict | None = None, timeout: float = 7200) -> float:
    """Wall seconds of one run; raises if it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=timeout)
    seconds = time.perf_counter() - start
    if done.returncode not in (0, 1):  # `grade` exits 1 when a score is below full marks
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}): {done.stderr[-1500:]}")
    return seconds


def median_of(runs: int, measure) -> dict:
    values = [measure() for _ in range(runs)]
    return {"median": statistics.median(values), "runs": [round(v, 3) for v in values]}


# --------------------------------------------------------------------------- submissions

def submissions(slug: str, n: int) -> dict[str, str]:
    """n sources: the reference, the stub, then the audit corpus' wrong and correct answers in turn."""
    reference = paths.solution_path(slug).read_text(encoding="utf-8")
    sources = {"s00_reference": reference, "s01_stub": paths.stub_path(slug).read_text(encoding="utf-8")}
    corpus = paths.ROOT / "tests" / "corpus" / slug
    entries = sorted(corpus.glob("mutant_*.diff")) + sorted(corpus.glob(f"correct_*/{slug}.py"))
    for i, entry in enumerate(entries[: max(0, n - 2)], start=2):
        text = entry.read_text(encoding="utf-8")
        sources[f"s{i:02d}_{entry.stem if entry.suffix == '.diff' else entry.parent.name}"] = (
            apply_patch(reference, text) if entry.suffix == ".diff" else text)
    while len(sources) < n:  # a small corpus: repeat the reference under new names
        sources[f"s{len(sources):02d}_reference_again"] = reference
    return dict(list(sources.items())[:n])


def kit_batch_seconds(slug: str, sources: dict[str, str], preload: bool) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-kit-") as scratch:
        folder = Path(scratch) / "submissions"
        for student, source in sources.items():
            (folder / student).mkdir(parents=True)
            (folder / student / f"{slug}.py").write_text(source, encoding="utf-8")
        flags = [] if preload else ["--no-preload"]
        return timed([sys.executable, "grade.py", *flags, "batch", str(folder), "--out", str(Path(scratch) / "out"),
                      "--exercises", slug, "--workers", "2", "--secure"])


def nbgrader_course(slug: str, sources: dict[str, str], root: Path) -> Path:
    course = root / "course"
    subprocess.run([sys.executable, "grade.py", "export", "nbgrader", str(course), "--exercises", slug,
                    "--assignment", ASSIGNMENT], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["nbgrader", "generate_assignment", ASSIGNMENT, "--force"], cwd=course, check=True,
                   capture_output=True)
    released = json.loads((course / "release" / ASSIGNMENT / f"{slug}.ipynb").read_text(encoding="utf-8"))
    for student, source in sources.items():
        notebook = json.loads(json.dumps(released))
        for cell in notebook["cells"]:
            if (cell.get("metadata", {}).get("nbgrader") or {}).get("solution"):
                cell["source"] = source
        target = course / "submitted" / student / ASSIGNMENT
        target.mkdir(parents=True)
        (target / f"{slug}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    return course


def nbgrader_seconds(slug: str, sources: dict[str, str]) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-nbgrader-") as scratch:
        course = nbgrader_course(slug, sources, Path(scratch))
        return timed(["nbgrader", "autograde", ASSIGNMENT, "--create", "--force"], cwd=course)


def throughput(kind: str, slug: str, n: int, runs: int) -> dict:
    sources = submissions(slug, n)
    kit = median_of(runs, lambda: kit_batch_seconds(slug, sources, preload=True))
    cold = median_of(runs, lambda: kit_batch_seconds(slug, sources, preload=False))
    nb = median_of(runs, lambda: nbgrader_seconds(slug, sources))
    per_minute = {name: 60 * n / m["median"] for name, m in (("kit", kit), ("kit_no_preload", cold),
                                                              ("nbgrader", nb))}
    return {"slug": slug, "submissions": n, "kit_batch_seconds": kit, "kit_no_preload_seconds": cold,
            "nbgrader_autograde_seconds": nb, "submissions_per_minute": per_minute,
            "ratio": per_minute["kit"] / per_minute["nbgrader"]}


# --------------------------------------------------------------------------- overhead

def overhead(slug: str, runs: int) -> dict:
    suites = [str(paths.visible_tests(slug)), str(paths.hidden_tests(slug))]
    pytest_args = [sys.executable, "-m", "pytest", *suites, "-q", "-p", "no:cacheprovider",
                   "--grader-target", str(paths.SOLUTIONS)]
    grade = median_of(runs, lambda: timed([sys.executable, "grade.py", "grade", slug, "--target", "solutions"]))
    bare = median_of(runs, lambda: timed(pytest_args))
    lean = median_of(runs, lambda: timed(pytest_args, env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}))
    return {"slug": slug, "grade_seconds": grade, "pytest_seconds": bare, "pytest_no_plugin_autoload_seconds": lean,
            "ratio": grade["median"] / bare["median"], "ratio_vs_lean_pytest": grade["median"] / lean["median"]}


# --------------------------------------------------------------------------- start latency

def judge_start(slug: str, runs: int) -> dict:
    """Grading the untouched stub (every test fails at once): mostly the judge's start-up."""
    from graders import runner, warm
    exercise = manifest.get(slug)

    def once(warm_path: bool) -> float:
        start = time.perf_counter()
        runner.grade_exercise(exercise, paths.EXERCISES, runner.RunOptions(warm=warm_path))
        return time.perf_counter() - start

    once(True)  # the template's own start is paid once per batch, not per grading
    result = {"fresh": median_of(runs, lambda: once(False)), "warm": median_of(runs, lambda: once(True))}
    warm.close_all()
    return result


def worker_start(slug: str, runs: int) -> dict:
    """A sandboxed worker: from start to 'ready' (fresh), or from 'load' to 'ready' (pooled, already warm)."""
    from graders import wire
    from graders.sandbox import WorkerProcess
    from graders.limits import limits_for, preload_for
    exercise = manifest.get(slug)
    source = paths.solution_path(slug).read_text(encoding="utf-8")
    args = (exercise.slug, list(exercise.banned), preload_for(slug), limits_for(exercise), [])

    def fresh() -> float:
        start = time.perf_counter()
        worker = WorkerProcess(paths.solution_path(slug), *args)
        wire.receive(worker.fd_in, time.monotonic() + 300)
        seconds = time.perf_counter() - start
        worker.kill()
        return seconds

    def pooled() -> float:
        worker = WorkerProcess(None, *args)
        time.sleep(30 if "keras" in preload_for(slug) or "tensorflow" in preload_for(slug) else 8)  # warm by now
        start = time.perf_counter()
        wire.send(worker.fd_out, {"op": "load", "source": source})
        wire.receive(worker.fd_in, time.monotonic() + 300)
        seconds = time.perf_counter() - start
        worker.kill()
        return seconds

    return {"fresh": median_of(runs, fresh), "pooled": median_of(runs, pooled)}


# --------------------------------------------------------------------------- main

def machine() -> dict:
    return {"cores": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
            "python": sys.version.split()[0], "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer submissions, one run each: a few minutes")
    parser.add_argument("--dev-check", action="store_true", help="also time whole-kit dev check with --quick")
    parser.add_argument("--only", default="", help="comma-separated parts: throughput,overhead,start,devcheck")
    parser.add_argument("--runs", type=int, default=0, help="runs per figure (default 3, 1 with --quick)")
    options = parser.parse_args()
    quick = options.quick
    runs = options.runs or (1 if quick else 3)
    parts = set(options.only.split(",")) if options.only else {"throughput", "overhead", "start", "devcheck"}
    if quick and not options.dev_check:
        parts.discard("devcheck")
    out: dict = {"machine": machine(), "quick": quick, "runs": runs}

    if "start" in parts:
        out["judge_start_seconds"] = {s: judge_start(s, runs + 1) for s in ("activations", "wgan_gp")}
        out["worker_start_seconds"] = {s: worker_start(s, runs) for s in ("activations", "wgan_gp")}
        print(json.dumps({k: out[k] for k in ("judge_start_seconds", "worker_start_seconds")}, indent=1))
    if "overhead" in parts:
        chosen = {"foundations": OVERHEAD["foundations"], "deep-learning": OVERHEAD["deep-learning"]} if quick \
            else OVERHEAD
        out["overhead"] = {track: overhead(slug, runs + 1) for track, slug in chosen.items()}
        for track, row in out["overhead"].items():
            print(f"overhead {track:24} {row['slug']:18} grade {row['grade_seconds']['median']:6.2f}s  pytest "
                  f"{row['pytest_seconds']['median']:6.2f}s (no plugin autoload "
                  f"{row['pytest_no_plugin_autoload_seconds']['median']:5.2f}s)  ratio {row['ratio']:.2f}")
        out["overhead_ratio"] = {"median": statistics.median(r["ratio"] for r in out["overhead"].values()),
                                 "per_track": {t: r["ratio"] for t, r in out["overhead"].items()},
                                 "cores": os.cpu_count()}
    if "throughput" in parts:
        sizes = {"numpy": 6, "tf": 4, "tf_heavy": 2} if quick else {"numpy": 12, "tf": 8, "tf_heavy": 4}
        for kind, slug in THROUGHPUT.items():
            row = throughput(kind, slug, sizes[kind], runs)
            out[f"throughput_ratio_{kind}"] = {**row, "cores": os.cpu_count()}
            rate = row["submissions_per_minute"]
            print(f"throughput {kind:9} {slug:15} n={row['submissions']:2}  kit {rate['kit']:6.2f}/min  "
                  f"kit --no-preload {rate['kit_no_preload']:6.2f}/min  nbgrader {rate['nbgrader']:6.2f}/min  "
                  f"ratio {row['ratio']:.2f}")
    if "devcheck" in parts:
        out["dev_check_seconds"] = {
            "warm": median_of(1, lambda: timed([sys.executable, "grade.py", "dev", "check", "--mode", "both"])),
            "no_preload": median_of(1, lambda: timed([sys.executable, "grade.py", "--no-preload", "dev", "check",
                                                      "--mode", "both"])),
            "exercises": len(manifest.slugs()), "cores": os.cpu_count()}
        print(f"dev check (both modes, {out['dev_check_seconds']['exercises']} exercises): "
              f"{out['dev_check_seconds']['warm']['median']:.0f}s warm, "
              f"{out['dev_check_seconds']['no_preload']['median']:.0f}s --no-preload")
    out["machine_after"] = machine()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() and options.only else {}
    RESULTS.write_text(json.dumps({**previous, **out}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
