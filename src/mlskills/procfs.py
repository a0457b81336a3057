"""Small readers of /proc shared by the sandbox watch and deadlines."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")


def threads(pids: Iterable[int]) -> list[Path]:
    """The /proc folder of every thread of the processes (gone processes are skipped)."""
    found = []
    for pid in pids:
        try:
            found.extend(Path(f"/proc/{pid}/task/{tid}") for tid in os.listdir(f"/proc/{pid}/task"))
        except OSError:
            continue
    return found


def cpu_seconds(pid: int) -> float | None:
    """CPU time of a process: its threads, live and exited, and its reaped children."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rpartition(")")[2].split()  # the name may hold spaces and parentheses
    return sum(int(f) for f in fields[11:15]) / TICK  # utime stime cutime cstime
