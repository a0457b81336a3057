"""Process groups and the marker variable: the last-resort way to find a trial's processes.

Each sandboxed process inherits a unique marker variable; a process that double-forks and
calls setsid escapes its process group but not its environment, so a scan of /proc finds
it (one that also wipes its environment does not: tracking.py prefers cgroups and PID
namespaces for that reason).
"""

from __future__ import annotations

import contextlib
import os
import signal
from pathlib import Path

MARKER = "MLSKILLS_SANDBOX_ID"


def kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def _candidates(floor: int) -> list[int]:
    """PIDs at or above `floor` (all PIDs if the counter wrapped around since)."""
    pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    newer = [p for p in pids if p >= floor]
    wrapped = floor > 0 and max(pids, default=0) < floor
    return pids if wrapped or floor <= 0 else newer


def pids_with_marker(token: str, floor: int = 0) -> list[int]:
    """PIDs whose environment holds MARKER=token (readable for our own processes).

    Reading every process's environment costs ~40 µs each; a sandbox's processes all
    have PIDs at or above its first one, so only those are read (unless PIDs wrapped).
    """
    needle = f"{MARKER}={token}".encode()
    found = []
    for pid in _candidates(floor):
        try:
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        if needle in environ.split(b"\0"):
            found.append(pid)
    return found
