"""Watch a running sandbox for the limits rlimits cannot enforce or cannot report.

- Disk: no per-folder quota exists for a host-visible workspace, so the sandbox's writable
  folders are measured twice a second and the sandbox is stopped once they pass `disk_mb`
  (RLIMIT_FSIZE bounds each file, so the overshoot is at most one interval of writes).
- Processes: RLIMIT_NPROC makes a fork bomb fail, not stop; a sandbox that sits at its
  process limit is stopped instead of burning the rest of its time.
- File size: a file at the RLIMIT_FSIZE cap means a write was cut off; it is reported.
- Memory: RLIMIT_AS caps each process, not their sum; the resident memory (PSS, so shared
  libraries count once) of all the sandbox's processes is summed, and past `memory_mb`
  the sandbox is stopped. Where a cgroup caps memory, the kernel's OOM kill is reported.

Disk counts the larger of allocated and apparent size: a sparse file costs nothing to
create, but every copy of it that is not sparse-aware (and the agent's own tools) writes
its holes out as real bytes.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mlskills import procfs
from mlskills.schema import Limits

MiB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")
INTERVAL = 0.5  # seconds between checks (stretched when a scan is slow)
SATURATED = 0.95  # share of max_processes that counts as "at the limit"
ENTRY_FLOOR = 4096  # bytes each file or folder counts for, at least
SATURATED_TICKS = 4  # consecutive checks at the limit before the sandbox is stopped


@dataclass
class Usage:
    disk_bytes: int = 0
    file_at_cap: bool = False  # some file reached the file-size cap (a write was cut off)


def measure(folders: list[Path], file_cap: int | None = None) -> Usage:
    """Bytes used (apparent or allocated, whichever is larger), and whether a file is at the cap.

    Every file or folder counts at least ENTRY_FLOOR: empty files take no blocks (on tmpfs
    not even their folders do), yet millions of them still cost inodes and kernel memory.
    One GNU find lists size and blocks of every entry: it walks with directory descriptors,
    so it stays correct for trees deeper than PATH_MAX (where an agent could hide data from
    a path-based walk), and one process per check keeps the monitor cheap.
    """
    present = [str(f) for f in folders if f.is_dir()]
    if not present:
        return Usage()
    apparent = allocated = floor = largest = 0
    for line in _run(["find", "-P", *present, "-printf", "%s %b\n"]).splitlines():
        size, _, blocks = line.partition(" ")
        if size.isdigit() and blocks.isdigit():
            apparent += int(size)
            allocated += int(blocks) * 512
            floor += ENTRY_FLOOR
            largest = max(largest, int(size))
    at_cap = bool(file_cap) and largest >= file_cap
    return Usage(max(apparent, allocated, floor), at_cap)


def _run(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout


def over_memory(pids: list[int], limit: int) -> bool:
    """Whether the processes' summed PSS passes `limit` bytes.

    PSS is exact but dear: smaps_rollup walks every mapping (~6 ms for a process that
    imported torch, twice a second per sandbox). A process's RSS is never below its PSS,
    so the RSS sum from statm (~20 us each) settles every check it keeps under the limit;
    PSS is read only when that upper bound passes it.
    """
    return rss_bytes(pids) > limit and resident_bytes(pids) > limit


def rss_bytes(pids: list[int]) -> int:
    """Resident set size of the processes, summed: shared pages count once per process."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/statm").read_bytes().split()
        except OSError:
            continue
        if len(fields) > 1:
            total += int(fields[1]) * PAGE
    return total


def resident_bytes(pids: list[int]) -> int:
    """Proportional set size of the processes, summed (shared pages split among them)."""
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) * 1024
                break
    return total


class Monitor:
    """A daemon thread checking one sandbox; `stop_sandbox` is called once on a breach.

    `pids` lists the sandbox's live processes; `oom_killed` says whether the kernel
    killed one for a cgroup memory cap.
    """

    def __init__(
        self,
        folders: list[Path],
        limits: Limits,
        pids: Callable[[], list[int]],
        stop_sandbox: Callable[[], None],
        oom_killed: Callable[[], bool] = lambda: False,
    ) -> None:
        self.folders = folders
        self.limits = limits
        self._pids = pids
        self._stop_sandbox = stop_sandbox
        self._oom_killed = oom_killed
        self.hit: str | None = None
        self._saturated = 0
        # A trial's thread starts the watch while Ctrl-C may stop it from the main thread:
        # the lock makes a stop wait for a start under way, so it never sees a thread that
        # is not yet running, and each watch has its own quit signal.
        self._lock = threading.Lock()
        self._running: tuple[threading.Thread, threading.Event] | None = None
        self._listing: tuple[float, list[int]] | None = None  # (when, pids) of the last check

    def recent_pids(self) -> list[int]:
        """The sandbox's processes as this watch last listed them, if within two intervals;
        else listed now. An exec's deadline samples as often as the watch, and one listing
        (~5 ms with 100 processes on the host) serves both; a process it misses for a
        moment is counted in full once seen."""
        listing = self._listing  # one read: the watch's thread replaces it whole
        if listing is not None and time.monotonic() - listing[0] <= 2 * INTERVAL:
            return listing[1]
        return self._pids()

    def start(self) -> None:
        with self._lock:
            if self._running is None:
                quit_ = threading.Event()
                thread = threading.Thread(
                    target=self._loop, args=(quit_,), daemon=True, name="sandbox-watch"
                )
                thread.start()
                self._running = (thread, quit_)

    def stop(self) -> None:
        with self._lock:
            running, self._running = self._running, None
        if running is not None:
            thread, quit_ = running
            quit_.set()
            if thread is not threading.current_thread():
                thread.join(timeout=5)

    def _loop(self, quit_: threading.Event) -> None:
        wait = INTERVAL
        while not quit_.wait(wait):
            began = time.monotonic()
            if self.check():
                self._stop_sandbox()
                return
            wait = max(INTERVAL, 5 * (time.monotonic() - began))

    def check(self, processes: bool = True) -> bool:
        """One round of checks, recording any limit hit; True when the sandbox must stop.

        Disk or memory past the limit stops it at once; the process limit is reported as
        soon as it is reached and stops the sandbox only if it stays there (a fork bomb).
        """
        usage = measure(self.folders, self.limits.file_size_mb * MiB)
        if usage.disk_bytes > self.limits.disk_mb * MiB:
            self.hit = "disk_mb"
            return True
        if self._oom_killed():
            self.hit = "memory_mb"
            return True
        if processes:
            pids = self._pids()
            self._listing = (time.monotonic(), pids)
            if over_memory(pids, self.limits.memory_mb * MiB):
                self.hit = "memory_mb"
                return True
            if self._at_process_limit(pids):
                self.hit = "max_processes"
                return self._saturated >= SATURATED_TICKS
        if self.hit is None and usage.file_at_cap:
            self.hit = "file_size_mb"
        return False

    def _at_process_limit(self, pids: list[int]) -> bool:
        tasks = len(procfs.threads(pids))  # what RLIMIT_NPROC counts
        at_limit = tasks >= SATURATED * self.limits.max_processes
        self._saturated = self._saturated + 1 if at_limit else 0
        return at_limit
