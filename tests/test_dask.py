"""Batch grading on a real Dask cluster (a scheduler and two workers on 127.0.0.1, started here):
the grades equal a local run's, even when one worker is killed in the middle of the batch."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from graders import batch, paths

SLUG = "activations"
STUDENTS = 8
UNSTABLE = "def softmax(x, axis=-1):\n    e = np.exp(x)\n    return e / e.sum(axis=axis, keepdims=True)\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(*command: str, scratch: Path) -> subprocess.Popen:
    """A Dask process whose temporary folders go under ``scratch``: the worker the test kills cannot
    remove its grading's folder, and pytest's tmp_path does."""
    return subprocess.Popen(["dask", *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, env={**os.environ, "TMPDIR": str(scratch)})


@pytest.fixture
def cluster(tmp_path):
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = [start("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard", scratch=tmp_path)]
    time.sleep(3)
    for name in ("w1", "w2"):
        processes.append(start("worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                               "--name", name, scratch=tmp_path))
    from distributed import Client
    with Client(address, timeout="60s") as client:
        client.wait_for_workers(2, timeout=120)
    yield address, processes
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


@pytest.fixture
def submissions(tmp_path):
    source = paths.solution_path(SLUG).read_text(encoding="utf-8")
    for i in range(STUDENTS):
        folder = tmp_path / "subs" / f"student{i:02d}"
        folder.mkdir(parents=True)
        (folder / f"{SLUG}.py").write_text(source + ("\n\n" + UNSTABLE if i % 2 else ""), encoding="utf-8")
    return tmp_path / "subs"


def grades(out) -> dict[str, tuple[str, str]]:
    rows = [line.split(",") for line in (out / "grades.csv").read_text().splitlines()[1:]]
    return {row[0]: (row[2], row[4]) for row in rows}


def test_a_dask_batch_survives_a_lost_worker_and_grades_as_a_local_one(cluster, submissions, tmp_path):
    address, processes = cluster
    local = tmp_path / "local"
    batch.run_batch(submissions, local, [SLUG], workers=2, secure=True)

    remote = tmp_path / "remote"
    outcome: dict = {}
    thread = threading.Thread(target=lambda: outcome.setdefault(
        "graded", batch.run_batch(submissions, remote, [SLUG], secure=True, scheduler=address)))
    thread.start()
    deadline = time.monotonic() + 600
    while len(list(remote.glob("*/results.json"))) < 2 and time.monotonic() < deadline and thread.is_alive():
        time.sleep(0.2)
    os.killpg(processes[2].pid, signal.SIGKILL)  # worker w2, in the middle of the batch
    thread.join(timeout=900)
    assert not thread.is_alive() and "graded" in outcome, "the batch did not finish after losing a worker"
    assert len(outcome["graded"]) == STUDENTS
    assert grades(remote) == grades(local)
    assert {status for _, status in grades(local).values()} == {"pass", "partial"}
