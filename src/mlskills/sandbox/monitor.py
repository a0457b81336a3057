"""Watch a running sandbox for the limits rlimits cannot enforce or cannot report.

- Disk: no per-folder quota exists for a host-visible workspace, so the sandbox's writable
  folders are measured twice a second and the sandbox is stopped once they pass `disk_mb`
  (RLIMIT_FSIZE bounds each file, so the overshoot is at most one interval of writes).
- Processes: RLIMIT_NPROC makes a fork bomb fail, not stop; a sandbox that sits at its
  process limit is stopped instead of burning the rest of its time.
- File size: a file at the RLIMIT_FSIZE cap means a write was cut off; it is reported.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mlskills.sandbox.processes import pids_with_marker
from mlskills.schema import Limits

MiB = 1024 * 1024
INTERVAL = 0.5  # seconds between checks (stretched when a scan is slow)
SATURATED = 0.95  # share of max_processes that counts as "at the limit"
ENTRY_FLOOR = 4096  # bytes each file or folder counts for, at least
SATURATED_TICKS = 4  # consecutive checks at the limit before the sandbox is stopped


@dataclass
class Usage:
    disk_bytes: int = 0
    file_at_cap: bool = False  # some file reached the file-size cap (a write was cut off)


def measure(folders: list[Path], file_cap: int | None = None) -> Usage:
    """Allocated bytes (sparse files count what they use), and whether a file is at the cap.

    GNU du and find walk with directory descriptors: they stay correct for trees deeper
    than PATH_MAX, where an agent could otherwise hide data from a path-based walk, and
    are several times faster than os.scandir on large trees.
    """
    present = [str(f) for f in folders if f.is_dir()]
    if not present:
        return Usage()
    return Usage(_disk_bytes(present), bool(file_cap) and _any_file_at(present, file_cap))


def _disk_bytes(folders: list[str]) -> int:
    """Allocated bytes, counting every file or folder as at least one block.

    Empty files take no blocks (on tmpfs not even their folders do), yet millions of them
    still cost inodes and kernel memory; the floor makes that count against `disk_mb`.
    """
    allocated = _du_total("-B1", folders)
    entries = _du_total("--inodes", folders)
    return max(allocated, entries * ENTRY_FLOOR)


def _du_total(option: str, folders: list[str]) -> int:
    out = _run(["du", "-s", "-c", option, "--", *folders])
    fields = out.strip().rsplit("\n", 1)[-1].split()
    return int(fields[0]) if fields and fields[0].isdigit() else 0


def _any_file_at(folders: list[str], size: int) -> bool:
    return bool(_run(["find", *folders, "-type", "f", "-size", f"+{size - 1}c", "-print", "-quit"]))


def _run(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout


def count_tasks(token: str, floor: int = 0) -> int:
    """Threads of every marked process (PIDs from `floor` up): what RLIMIT_NPROC counts."""
    total = 0
    for pid in pids_with_marker(token, floor):
        try:
            total += len(os.listdir(f"/proc/{pid}/task"))
        except OSError:
            continue
    return total


class Monitor:
    """A daemon thread checking one sandbox; `stop_sandbox` is called once on a breach."""

    def __init__(
        self,
        folders: list[Path],
        limits: Limits,
        token: str,
        stop_sandbox: Callable[[], None],
        pid_floor: Callable[[], int] = lambda: 0,
    ) -> None:
        self.folders = folders
        self.limits = limits
        self.token = token
        self._stop_sandbox = stop_sandbox
        self._pid_floor = pid_floor
        self.hit: str | None = None
        self._saturated = 0
        self._quit = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, daemon=True, name="sandbox-watch")
            self._thread.start()

    def stop(self) -> None:
        self._quit.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._quit.clear()

    def _loop(self) -> None:
        wait = INTERVAL
        while not self._quit.wait(wait):
            began = time.monotonic()
            if self.check():
                self._stop_sandbox()
                return
            wait = max(INTERVAL, 5 * (time.monotonic() - began))

    def check(self) -> bool:
        """One round of checks, recording any limit hit; True when the sandbox must stop.

        Disk use past the limit stops it at once; the process limit is reported as soon
        as it is reached and stops the sandbox only if it stays there (a fork bomb).
        """
        usage = measure(self.folders, self.limits.file_size_mb * MiB)
        if usage.disk_bytes > self.limits.disk_mb * MiB:
            self.hit = "disk_mb"
            return True
        if self._at_process_limit():
            self.hit = "max_processes"
            return self._saturated >= SATURATED_TICKS
        if self.hit is None and usage.file_at_cap:
            self.hit = "file_size_mb"
        return False

    def _at_process_limit(self) -> bool:
        at_limit = (
            count_tasks(self.token, self._pid_floor()) >= SATURATED * self.limits.max_processes
        )
        self._saturated = self._saturated + 1 if at_limit else 0
        return at_limit
