"""Start a worker process inside every isolation this machine allows.

Always: its own session, resource limits (address space, file size, CPU time,
open files, no core dumps), a scratch folder as working directory, a death
signal tied to the judge, and the worker's audit hook (see worker.py).
With user namespaces (``unshare``): no network, its own PID namespace (every
process it starts dies with it, double-forked daemons included), a private
mount namespace where the whole filesystem is read-only and every top-level
folder but the system ones (/usr, /etc, /dev, ...) is hidden behind an empty
tmpfs (the kit, any other copy of it, /tmp, homes, other submissions), with
only the Python installation bound back in; the scratch folder is the only
writable place, and all capabilities are dropped.
Where a cgroup pids controller is writable, a process-count limit.
"""
from __future__ import annotations

import json
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import paths

STAGE = "/media" if os.path.isdir("/media") else "/mnt"
KIT_RUNTIME = ("wire.py", "worker.py", "models.py", "estimators.py")
PIDS_CGROUP = Path("/sys/fs/cgroup/pids")


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 2048
    file_mb: int = 64
    cpu_seconds: int = 600
    max_processes: int = 64
    open_files: int = 512


@lru_cache(maxsize=1)
def namespaces_available() -> bool:
    if os.environ.get("MLKIT_NO_NAMESPACES") == "1":  # test the fallback on a machine that has namespaces
        return False
    if not shutil.which("unshare") or not shutil.which("setpriv"):
        return False
    try:
        probe = subprocess.run(["unshare", "--user", "--map-root-user", "--net", "--mount", "--pid", "--fork",
                                "--kill-child", "sh", "-c", f"mount -t tmpfs tmpfs {STAGE} && mount -o remount,bind,ro /"],
                               capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


@lru_cache(maxsize=1)
def pids_cgroup_available() -> bool:
    try:
        probe = PIDS_CGROUP / f"mlkit-probe-{uuid.uuid4().hex[:8]}"
        probe.mkdir()
        probe.rmdir()
        return True
    except OSError:
        return False


def protections() -> dict[str, bool]:
    """Which protections a worker gets on this machine (for notes and `dev sandbox`)."""
    ns = namespaces_available()
    return {
        "separate process, no pickle, validated JSON": True,
        "rlimits (memory, file size, CPU time, open files)": True,
        "audit hook (bans, no subprocess/fork/socket/ctypes/signals)": True,
        "no network (network namespace)": ns,
        "PID namespace (all processes killed with the worker)": ns,
        "read-only filesystem; only system folders and Python visible": ns,
        "capabilities dropped": ns,
        "process-count limit (cgroup pids)": pids_cgroup_available(),
    }


def python_roots() -> list[str]:
    """Folders the worker's Python needs to see (interpreter, stdlib, site-packages)."""
    import site
    import sysconfig

    roots = {sys.prefix, sys.base_prefix, sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
             sysconfig.get_paths()["platlib"], os.path.dirname(os.path.realpath(sys.executable))}
    roots.update(p for p in site.getsitepackages() if os.path.isdir(p))
    roots = sorted({os.path.realpath(r) for r in roots})
    return [r for r in roots if not any(r.startswith(other + os.sep) for other in roots)]  # top-most only


SYSTEM_FOLDERS = {"usr", "etc", "proc", "sys", "dev", "bin", "sbin", "lib", "lib32", "lib64", "libx32"}


def hidden_paths(extra: list[str]) -> list[str]:
    """Folders the worker must not see: every top-level folder but the system ones, plus temp folders.

    An allow-list, so a copy of the kit anywhere on the machine (another checkout, a CI work
    folder, an instructor's home) stays out of reach, not only the copy doing the grading.
    """
    top_level = [entry.path for entry in os.scandir("/")
                 if entry.is_dir(follow_symlinks=False) and entry.name not in SYSTEM_FOLDERS]
    candidates = [*top_level, str(paths.ROOT), "/var/tmp", "/dev/shm", tempfile.gettempdir(), *extra]
    found = sorted({os.path.realpath(p) for p in candidates if p and os.path.isdir(p)} - {STAGE})
    return [p for p in found if not any(p.startswith(other + os.sep) for other in found)]  # top-most only


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + os.sep)


def denied_paths(extra: list[str], allowed: list[str]) -> list[str]:
    """Without namespaces the audit hook refuses opens under these instead: the hidden folders,
    where a folder holding an `allowed` path is replaced, level by level, by its other entries."""
    pending, denied = [*hidden_paths(extra), str(paths.ROOT)], set()
    while pending:
        folder = pending.pop()
        if not any(_within(a, folder) for a in allowed):
            denied.add(folder)
        elif folder not in allowed and os.path.isdir(folder):
            try:
                pending += [os.path.join(folder, name) for name in os.listdir(folder)]
            except OSError:
                pass
    return sorted(denied)


def mount_script(scratch: str, data_dir: str | None, hide: list[str], keep: list[str], argv: list[str]) -> str:
    """Shell run as root of the new user namespace; ends by exec'ing the worker without capabilities."""
    q = shlex.quote
    lines = ["set -e", f"mount -t tmpfs -o size=8m,mode=755 tmpfs {STAGE}"]
    lines += [f"mkdir -p {STAGE}/work {STAGE}/data"]
    lines += [f"mount --bind {q(scratch)} {STAGE}/work"]
    if data_dir:
        lines += [f"mount --bind {q(data_dir)} {STAGE}/data"]
    keep_under_hidden = [k for k in keep if any(k == h or k.startswith(h + "/") for h in hide)]
    for i, path in enumerate(keep_under_hidden):
        lines += [f"mkdir -p {STAGE}/keep{i}", f"mount --bind {q(path)} {STAGE}/keep{i}"]
    for path in hide:
        lines += [f"mount -t tmpfs -o size=1m,mode=755 tmpfs {q(path)}"]
    for i, path in enumerate(keep_under_hidden):
        lines += [f"mkdir -p {q(path)}", f"mount --bind {STAGE}/keep{i} {q(path)}"]
    # everything read-only, then the scratch folder writable again
    lines += ["for m in $(awk '{print $2}' /proc/self/mounts | sort -u); do "
              "case $m in /proc*|/sys*|/dev|/dev/pts) continue;; esac; "
              "mount -o remount,bind,ro \"$m\" 2>/dev/null || true; done"]
    lines += [f"mount -o remount,bind,rw {STAGE}/work"]
    lines += ["cd " + f"{STAGE}/work",
              "exec setpriv --no-new-privs --bounding-set -all --inh-caps -all " + " ".join(q(a) for a in argv)]
    return "\n".join(lines)


def stage_files(scratch: Path, submission: Path, slug: str) -> Path:
    """Copy the submission and the worker's runtime files into the scratch folder."""
    shutil.copyfile(submission, scratch / f"{slug}.py")
    kit = scratch / "_kit"
    kit.mkdir()
    for name in KIT_RUNTIME:
        source = paths.ROOT / "graders" / name
        if source.exists():
            shutil.copyfile(source, kit / name)
    return kit


def _limit_child(limits: Limits, cgroup: Path | None):
    def apply() -> None:
        os.setsid()
        memory = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * 1024 * 1024,) * 2)
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        if os.getuid() != 0:
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes * 8,) * 2)
        if cgroup is not None:
            (cgroup / "cgroup.procs").write_text(str(os.getpid()))
        try:  # die with the judge
            import ctypes
            ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
        except Exception:  # noqa: BLE001 - best effort
            pass
    return apply


class WorkerProcess:
    """A started worker: its pipes, process and scratch folder."""

    def __init__(self, submission: Path, slug: str, banned: list[str], preload: list[str], limits: Limits,
                 hide_also: list[str] | None = None) -> None:
        self.scratch = Path(tempfile.mkdtemp(prefix="mlkit-worker-"))
        os.chmod(self.scratch, 0o777)
        kit = stage_files(self.scratch, submission, slug)
        data = paths.data_dir(slug)
        self.isolated = namespaces_available()
        self.cgroup = self._make_cgroup(limits)
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        scratch = f"{STAGE}/work" if self.isolated else str(self.scratch)
        config = {
            "slug": slug, "module_path": f"{scratch}/{slug}.py", "scratch": scratch, "banned": list(banned),
            "preload": preload, "data_dir": (f"{STAGE}/data" if self.isolated else str(data)) if data.is_dir() else "",
            "deny_paths": [] if self.isolated else denied_paths(list(hide_also or []),
                                                                [str(self.scratch), str(data), *python_roots()]),
        }
        argv = [sys.executable, "-I", "-B", f"{scratch}/_kit/worker.py", str(to_worker_r), str(from_worker_w),
                json.dumps(config)]
        if self.isolated:
            script = mount_script(str(self.scratch), str(data) if data.is_dir() else None,
                                  hidden_paths(list(hide_also or [])), python_roots(), argv)
            command = ["unshare", "--user", "--map-root-user", "--net", "--mount", "--pid", "--fork",
                       "--kill-child", "--mount-proc", "sh", "-c", script]
        else:
            command = argv
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": scratch, "TF_CPP_MIN_LOG_LEVEL": "3",
               "OMP_NUM_THREADS": os.environ.get("MLKIT_WORKER_THREADS", "2"),
               "TF_NUM_INTRAOP_THREADS": os.environ.get("MLKIT_WORKER_THREADS", "2"),
               "TF_NUM_INTEROP_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg",
               "CUDA_VISIBLE_DEVICES": os.environ.get("CUDA_VISIBLE_DEVICES", "")}
        self.process = subprocess.Popen(command, pass_fds=(to_worker_r, from_worker_w), env=env,
                                        cwd=str(self.scratch), stdin=subprocess.DEVNULL,
                                        stdout=subprocess.DEVNULL,
                                        stderr=None if os.environ.get("MLKIT_SANDBOX_DEBUG") else subprocess.DEVNULL,
                                        preexec_fn=_limit_child(limits, self.cgroup))
        os.close(to_worker_r)
        os.close(from_worker_w)
        self.fd_out, self.fd_in = to_worker_w, from_worker_r
        del kit

    @staticmethod
    def _make_cgroup(limits: Limits) -> Path | None:
        if not pids_cgroup_available():
            return None
        group = PIDS_CGROUP / f"mlkit-{uuid.uuid4().hex[:12]}"
        try:
            group.mkdir()
            (group / "pids.max").write_text(str(limits.max_processes * 8))  # threads count too (TensorFlow)
            return group
        except OSError:
            return None

    def kill(self) -> None:
        for fd in (self.fd_out, self.fd_in):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, 9)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if self.cgroup is not None:
            try:
                for pid in (self.cgroup / "cgroup.procs").read_text().split():
                    try:
                        os.kill(int(pid), 9)
                    except ProcessLookupError:
                        pass
                self.cgroup.rmdir()
            except OSError:
                pass
        shutil.rmtree(self.scratch, ignore_errors=True)
