"""Where grading jobs run: one interface, a local backend and a Dask backend.

A job is a plain function and its arguments (picklable: a Dask worker imports the kit itself).
``Executor.run(jobs, on_done)`` calls ``on_done(job, value)`` on the caller's thread as each job
finishes, in completion order. Each job grades through the usual judge and sandbox wherever it
runs, so its limits hold on a Dask worker too.

The Dask backend retries a job once when the infrastructure failed (a worker lost, a connection
closed); a job that returns is a grade, whatever the grade says, and is never retried.
"""
from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol


@dataclass(frozen=True)
class Job:
    key: str
    function: Callable[..., Any]
    args: tuple = field(default_factory=tuple)


class Executor(Protocol):
    def run(self, jobs: list[Job], on_done: Callable[[Job, Any], None]) -> None: ...


class LocalExecutor:
    """Jobs in threads of this process; each grading is its own subprocess anyway."""

    def __init__(self, workers: int = 2) -> None:
        self.workers = max(1, workers)

    def run(self, jobs: list[Job], on_done: Callable[[Job, Any], None]) -> None:
        pool = ThreadPoolExecutor(max_workers=self.workers)
        pending = {pool.submit(job.function, *job.args): job for job in jobs}
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    on_done(pending.pop(future), future.result())
        except BaseException:  # Ctrl-C: return at once (the caller stops what is still running)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown()


INFRASTRUCTURE_ERRORS = ("KilledWorker", "CommClosedError", "StreamClosedError", "FutureCancelledError",
                         "CancelledError", "TimeoutError", "OSError", "ConnectionError")


class DaskExecutor:
    """Jobs on an existing Dask cluster (``tcp://HOST:PORT``)."""

    def __init__(self, address: str) -> None:
        from distributed import Client

        self.client = Client(address, timeout="30s")

    def run(self, jobs: list[Job], on_done: Callable[[Job, Any], None]) -> None:
        from distributed import as_completed

        attempts: dict[str, int] = {}
        futures = {self._submit(job, attempts): job for job in jobs}
        queue = as_completed(list(futures))
        for future in queue:
            job = futures.pop(future)
            try:
                value = future.result()
            except Exception as exc:  # noqa: BLE001 - sort infrastructure failures from the rest
                if type(exc).__name__ in INFRASTRUCTURE_ERRORS and attempts[job.key] < 2:
                    retry = self._submit(job, attempts)
                    futures[retry] = job
                    queue.add(retry)
                    continue
                raise
            on_done(job, value)

    def _submit(self, job: Job, attempts: dict[str, int]):
        attempts[job.key] = attempts.get(job.key, 0) + 1
        return self.client.submit(job.function, *job.args, key=f"{job.key}-{attempts[job.key]}", pure=False)

    def close(self) -> None:
        self.client.close()


def executor(workers: int = 2, scheduler: str | None = None) -> Executor:
    """The Dask backend when a scheduler address is given, else the local one."""
    return DaskExecutor(scheduler) if scheduler else LocalExecutor(workers)
