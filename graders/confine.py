"""Kernel-enforced limits a worker puts on itself before any learner code runs.

Applied first thing in worker.main(), while the process still has one thread
(Landlock binds only the calling thread and its later children), and
irreversible afterwards:
  * seccomp (libseccomp through ``pyseccomp``): no new processes or programs
    (fork, vfork, clone without CLONE_THREAD, execve), no namespace or mount
    changes, no ptrace or reading other processes' memory, no kernel keyring,
    bpf, perf, module loading, reboot, clock setting, raw or packet sockets,
    io_uring, and signals only to its own threads;
  * Landlock (through ``landlock``), where the kernel has it: read-only access
    to the folders the interpreter needs, read-write to the scratch folder,
    nothing anywhere else (the kit, other submissions, /tmp, homes,
    /proc/sys and cgroupfs included).
Both set no_new_privs. This module has no package-relative imports: the
worker runs it from a copy.
"""
from __future__ import annotations

import errno
import os

DENIED_SYSCALLS = (
    "fork", "vfork", "execve", "execveat", "unshare", "setns", "mount", "umount2", "pivot_root", "chroot",
    "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig", "fspick", "mount_setattr",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_open", "pidfd_getfd", "pidfd_send_signal",
    "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
    "swapon", "swapoff", "acct", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "syslog",
    "quotactl", "open_by_handle_at", "name_to_handle_at", "iopl", "ioperm", "lookup_dcookie", "vhangup",
    "fanotify_init", "sethostname", "setdomainname", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "rt_sigqueueinfo", "rt_tgsigqueueinfo", "tkill", "landlock_create_ruleset",
)
CLONE_THREAD = 0x00010000
AF_PACKET, AF_NETLINK, SOCK_RAW, SOCK_TYPE_MASK = 17, 16, 3, 0xF


def apply_seccomp() -> None:
    """Install the deny-list filter for this process and every thread it starts later."""
    import pyseccomp as sc

    deny = sc.ERRNO(errno.EPERM)
    pid = os.getpid()
    rules = sc.SyscallFilter(defaction=sc.ALLOW)
    for name in DENIED_SYSCALLS:
        try:
            rules.add_rule(deny, name)
        except (ValueError, OSError):  # not a syscall on this architecture
            pass
    rules.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, 0))  # a process, not a thread
    rules.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")  # flags live in memory seccomp cannot read; libc falls back
    for family in (AF_PACKET, AF_NETLINK):
        rules.add_rule(deny, "socket", sc.Arg(0, sc.EQ, family))
    rules.add_rule(deny, "socket", sc.Arg(1, sc.MASKED_EQ, SOCK_TYPE_MASK, SOCK_RAW))
    rules.add_rule(deny, "kill")  # signals: only to its own threads (raise() and abort() use tgkill)
    rules.add_rule(deny, "tgkill", sc.Arg(0, sc.NE, pid))
    rules.load()


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 where it has none."""
    try:
        import landlock
        return int(landlock.landlock_abi_version())
    except Exception:  # noqa: BLE001 - no module, no syscall, or disabled at boot
        return 0


def apply_landlock(read: list[str], write: list[str], read_files: list[str], device_files: list[str],
                   listing: list[str]) -> None:
    """Allow reading under ``read``, everything under ``write``, listing folders under ``listing``;
    deny every other path."""
    from landlock import FSAccess, Ruleset

    rules = Ruleset()
    read_dir = FSAccess.READ_FILE | FSAccess.READ_DIR | FSAccess.EXECUTE
    for path in read:
        if os.path.isdir(path):
            rules.allow(path, rules=read_dir)
    for path in read_files:
        if os.path.isfile(path):
            rules.allow(path, rules=FSAccess.READ_FILE)
    for path in device_files:
        if os.path.exists(path):
            rules.allow(path, rules=FSAccess.READ_FILE | FSAccess.WRITE_FILE)
    for path in listing:
        rules.allow(path, rules=FSAccess.READ_DIR)
    for path in write:
        rules.allow(path, rules=FSAccess.all())
    rules.apply()
