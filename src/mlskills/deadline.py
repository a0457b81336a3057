"""Deadlines that stop while the host keeps the work from a CPU.

A wall-clock deadline charges the work for the host's load. On a 2-core CI host a grading
that needs 3 s, run at nice 19 beside the test suite, took over 60 s, and honest work
scored 0 for "did not finish in time" (2026-12-07). Linux keeps, for every thread, the
time it ran and the time it waited, runnable, for a CPU (/proc/<pid>/task/<tid>/schedstat,
fields 1 and 2). A Deadline samples the work's threads and leaves out the time the work was
starved: its threads waited for a CPU while the work as a whole got less than one.

Why both conditions: threads of the work wait on each other too (agent code spinning 100
threads on 2 cores waits a lot), but then the work has the machine, and that time counts.
A process that sleeps or blocks does not wait for a CPU, so a hang still runs out the clock.
What the work ran is read per process (/proc/<pid>/stat), which keeps the time of exited
threads and reaped children: work cannot hide its CPU in threads shorter than a sample.
Figures (2 cores, 40 busy sessions): a spinning nice-19 command is charged 0.6 s of 10 s
of wall time; a 1 s pbkdf2 in a nice-19 grader thread took 70 s and was charged 1.3 s.

The wall clock still bounds everything, at PATIENCE times the limit. Reaching that bound
first means the work was starved nine tenths of the time: the host's failure (`starved`),
never the work's. Where the kernel keeps no schedstat, the deadline is the wall clock, the
stricter side.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from mlskills import procfs

INTERVAL = 0.5  # seconds between samples: reading one thread's counters costs ~10 us
CLOSE_LOOK = 0.1  # the shortest sample, taken before declaring the deadline passed
CARRY = 1.0  # seconds of late-reported waiting a sample may pass on to the next
PATIENCE = 10.0  # wall-clock bound, in multiples of the limit
NS = 1e9


def this_thread(native_id: int) -> Path:
    """The /proc folder of one thread of this process (Thread.native_id)."""
    return Path(f"/proc/{os.getpid()}/task/{native_id}")


def _schedstat(threads: Iterable[Path]) -> dict[Path, tuple[float, float, int]]:
    """{thread: (seconds it ran, seconds it waited, runnable, for a CPU, times it ran)}."""
    found = {}
    for thread in threads:
        try:
            ran, waited, turns = (thread / "schedstat").read_text().split()[:3]
            found[thread] = (int(ran) / NS, int(waited) / NS, int(turns))
        except (OSError, ValueError):
            continue
    return found


def _runnable(thread: Path) -> bool:
    """Whether the thread is running or waiting to run (state R), not asleep."""
    try:
        return (thread / "stat").read_text().rpartition(")")[2].split()[0] == "R"
    except (OSError, IndexError):
        return False


class Deadline:
    """`seconds` of the work's time, where time the host starved the work does not count.

    The work is `processes()` (called at every sample, so processes that start later
    count from when they are first seen, in full) and `threads` of this process (the
    grader's own thread). `interpreter`: the threads run Python, so they
    also wait for the GIL, held by whichever thread of this process runs; that thread's
    wait for a CPU is theirs (two graders at nice 19 beside busy cores: each counted a third
    of the wall time without this, 2026-12-07). Query it from one thread at a time.
    """

    def __init__(
        self,
        seconds: float,
        processes: Callable[[], Iterable[int]],
        threads: Iterable[Path] = (),
        *,
        interpreter: bool = False,
        patience: float = PATIENCE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.patience = patience
        self._processes = processes
        self._own = list(threads)
        self._interpreter = interpreter
        self._clock = clock
        self._start = self._last = clock()
        self._before = self._read()
        self.starved_for = 0.0  # wall seconds not counted: the host kept the work waiting
        self._ended: tuple[float, float] | None = None  # (wall, counted) when it expired
        self._carried = 0.0  # seconds of waiting reported late, not yet set against a span
        self._unreported: dict[Path, float] = {}  # waits in progress, counted before reported

    def wall(self) -> float:
        return self._clock() - self._start

    def counted(self) -> float:
        """Seconds charged to the work so far."""
        self._sample(INTERVAL)
        return self.wall() - self.starved_for

    def left(self) -> float:
        """Seconds until the deadline (by whichever bound comes first); <= 0 once it passed."""
        if self._ended is not None:
            return self._left()
        self._sample(INTERVAL)
        if (left := self._left()) <= 0:  # about to expire: first make sure of it
            self._sample(CLOSE_LOOK)
            if (left := self._left()) <= 0:
                self._ended = (self.wall(), self.wall() - self.starved_for)
        return left

    def _left(self) -> float:
        wall = self.wall()
        return min(self.seconds - (wall - self.starved_for), self.patience * self.seconds - wall)

    def starved(self) -> bool:
        """Expired by the wall-clock bound while the work's own time was short: the host's
        failure, not the work's."""
        if self._ended is None:
            return False
        wall, counted = self._ended
        return wall >= self.patience * self.seconds and counted < self.seconds

    def describe(self) -> str:
        wall, counted = self._ended or (self.wall(), self.wall() - self.starved_for)
        return (
            f"the host kept the work from a CPU for {wall - counted:.1f} of {wall:.1f} s "
            f"(it had {counted:.1f} s of its {self.seconds:g} s): the machine is "
            "overloaded, not the work too slow"
        )

    def _read(self) -> tuple[dict[int, float], dict[Path, tuple[float, float, int]]]:
        """(CPU seconds of each process of the work, schedstat of every thread that counts)."""
        pids = list(self._processes())
        ran = {pid: cpu for pid in pids if (cpu := procfs.cpu_seconds(pid)) is not None}
        watched = [*self._own, *procfs.threads(pids)]
        if self._interpreter:  # any thread of this process may hold the GIL the work awaits
            watched += procfs.threads([os.getpid()])
        return ran, _schedstat(watched)

    def _sample(self, every: float) -> None:
        now = self._clock()
        span = now - self._last
        if span < every:
            return
        after = self._read()
        (ran_before, stats_before), (ran_now, stats_now) = self._before, after
        ran = sum(cpu - ran_before.get(pid, 0.0) for pid, cpu in ran_now.items())
        for thread in self._own:  # threads of this process: their own run time
            if thread in stats_now and thread in stats_before:
                ran += stats_now[thread][0] - stats_before[thread][0]
        # Summed, because threads that hand the GIL to each other take turns waiting.
        waited = self._carried + sum(
            self._waited(thread, stats_before.get(thread), stat, span)
            for thread, stat in stats_now.items()
        )
        self._unreported = {t: s for t, s in self._unreported.items() if t in stats_now}
        # Starved: threads waited for a CPU while the work, all told, had less than one.
        starved = max(0.0, min(waited, span - ran, span))
        self.starved_for += starved
        # A wait that spans samples is reported whole in the later one; carry what it
        # could not take, a little only: threads waiting on each other pile up waits that
        # must not pay for a later hang.
        self._carried = min(waited - starved, CARRY)
        self._before, self._last = after, now

    def _waited(
        self,
        thread: Path,
        before: tuple[float, float, int] | None,
        now: tuple[float, float, int],
        span: float,
    ) -> float:
        """Seconds `thread` waited for a CPU since the last sample.

        The kernel adds a wait to schedstat only when it ends, as the thread gets a CPU: a
        thread that neither ran nor started a turn all along, yet is runnable, has been
        waiting the whole span. That is counted now and taken off the wait once reported.
        """
        if before is None:  # new since the last sample: all its waiting was in the span
            return now[1]
        if now == before:
            if not _runnable(thread):
                return 0.0
            self._unreported[thread] = self._unreported.get(thread, 0.0) + span
            return span
        reported = now[1] - before[1]
        already = min(reported, self._unreported.pop(thread, 0.0))
        return reported - already
