"""Every setting the engine reads from the environment, in one place.

Command-line options win over these (they travel in ``RunOptions``); these win over the defaults.
The judge and its workers get theirs from the process that starts them, through the environment
of that child process only.

    MLKIT_NO_NAMESPACES=1     use the sandbox's fallback even where bubblewrap works (tests)
    MLKIT_SANDBOX_DEBUG=1     let the sandboxed worker's stderr through (debugging the sandbox)
    MLKIT_DRAFTS=1            show exercises marked draft = true (their authors)
    MLKIT_WORKER_THREADS=N    threads per TensorFlow / OpenMP process (set by the runner for its judge)
    MLKIT_RUN_DIR, MLKIT_RUN_CGROUP   the run folder and cgroup of a judge (set by the runner)
    MLKIT_AUTOGRADER_ROOT     Gradescope's /autograder (tests)
    MLKIT_HOME                where mock-interview sessions live (default: the user's data folder)
    MLKIT_LANG=en|zh          the kit's language (`--lang` sets it; default: from the locale)
    MLKIT_NO_PRELOAD=1        no warm judges or pooled workers (graders.warm): every grading starts afresh
"""
from __future__ import annotations

import os

NO_NAMESPACES = "MLKIT_NO_NAMESPACES"
SANDBOX_DEBUG = "MLKIT_SANDBOX_DEBUG"
DRAFTS = "MLKIT_DRAFTS"
WORKER_THREADS = "MLKIT_WORKER_THREADS"
RUN_DIR = "MLKIT_RUN_DIR"
RUN_CGROUP = "MLKIT_RUN_CGROUP"
AUTOGRADER_ROOT = "MLKIT_AUTOGRADER_ROOT"
HOME = "MLKIT_HOME"
LANG = "MLKIT_LANG"
NO_PRELOAD = "MLKIT_NO_PRELOAD"


def flag(name: str) -> bool:
    return os.environ.get(name) == "1"


def text(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


def no_namespaces() -> bool:
    return flag(NO_NAMESPACES)


def sandbox_debug() -> bool:
    return bool(os.environ.get(SANDBOX_DEBUG))


def preload() -> bool:
    """Whether batch, watch and dev runs fork their judges from a warm template (graders.warm)."""
    return not flag(NO_PRELOAD)


def show_drafts() -> bool:
    return flag(DRAFTS)


def worker_threads(default: int = 2) -> int:
    try:
        return max(1, int(text(WORKER_THREADS, str(default))))
    except ValueError:
        return default


def autograder_root() -> str:
    return text(AUTOGRADER_ROOT, "/autograder")
