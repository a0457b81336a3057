"""Find and kill every process a trial started, including daemons that left its group.

Each sandboxed process inherits a unique marker variable; a process that double-forks and
calls setsid escapes its process group but not its environment, so a scan of /proc finds
it. (bubblewrap's PID namespace makes this unnecessary there, but it is cheap.)
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


def pids_with_marker(token: str) -> list[int]:
    """PIDs whose environment holds MARKER=token (readable for our own processes)."""
    needle = f"{MARKER}={token}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if needle in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def kill_marked(token: str, rounds: int = 3) -> int:
    """SIGKILL every marked process; repeat in case one forked while we scanned."""
    killed = 0
    for _ in range(rounds):
        pids = [p for p in pids_with_marker(token) if p != os.getpid()]
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except (ProcessLookupError, PermissionError):
                pass
    return killed
