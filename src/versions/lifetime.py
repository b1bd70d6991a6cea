"""Processes that end with the one that started them: a build's workers, a server's child, even after ``kill -9``."""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time

PARENT_POLL_SECONDS = 0.5


def die_with_parent(parent_pid: int) -> None:
    """Make this process end when ``parent_pid``, the process that started it, ends, even by ``kill -9``: the kernel
    signals it (Linux; this survives an exec), or a thread notices that its parent is gone."""
    if _ask_kernel_for_death_signal() and os.getppid() == parent_pid:
        return
    if os.getppid() != parent_pid:  # the parent died before the worker got here
        os._exit(1)
    threading.Thread(target=_exit_when_orphaned, args=(parent_pid,), daemon=True).start()


def _ask_kernel_for_death_signal() -> bool:
    """PR_SET_PDEATHSIG through the C library already loaded in this process: ``ctypes.util.find_library`` would
    start ``ldconfig``, a process of its own, in every worker and between fork and exec."""
    pr_set_pdeathsig = 1
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        return False
    return prctl(pr_set_pdeathsig, signal.SIGKILL) == 0


def _exit_when_orphaned(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)
