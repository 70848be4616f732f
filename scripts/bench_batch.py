"""Wall time of one batch of N submissions (activations, secure mode): local backend vs a Dask cluster
(a scheduler and two single-threaded workers on 127.0.0.1, started here).

    python scripts/bench_batch.py [--students 20] [--runs 1]
"""
from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

from graders import batch, paths  # noqa: E402

UNSTABLE = "def softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n"


def make_submissions(root: Path, students: int) -> Path:
    source = paths.solution_path("activations").read_text(encoding="utf-8")
    for i in range(students):
        folder = root / "subs" / f"student{i:02d}"
        folder.mkdir(parents=True)
        (folder / "activations.py").write_text(source + ("\n\n" + UNSTABLE if i % 2 else ""), encoding="utf-8")
    return root / "subs"


def cluster() -> tuple[str, list[subprocess.Popen]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    processes = [subprocess.Popen(["dask", "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], **quiet)]
    time.sleep(3)
    processes += [subprocess.Popen(["dask", "worker", address, "--nthreads", "1", "--no-dashboard"], **quiet)
                  for _ in range(2)]
    from distributed import Client
    with Client(address, timeout="60s") as client:
        client.wait_for_workers(2, timeout=120)
    return address, processes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    address, processes = cluster()
    try:
        with tempfile.TemporaryDirectory() as scratch:
            subs = make_submissions(Path(scratch), args.students)
            for run in range(args.runs):
                for name, scheduler in (("local (2 threads)", None), ("dask (2 workers)", address)):
                    start = time.perf_counter()
                    batch.run_batch(subs, Path(scratch) / f"out-{name[:5]}-{run}", ["activations"], workers=2,
                                    secure=True, scheduler=scheduler)
                    print(f"{name:18} {args.students} submissions: {time.perf_counter() - start:6.1f} s")
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
