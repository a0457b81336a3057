"""Deadlines count the work's own time: real processes, real scheduler, real load.

The load (tests/busy.py) is twenty busy sessions per CPU at normal priority; work at nice
19 beside it gets a few percent of a CPU: the host starving it, as CI's test suite starved
the suite check (2026-12-07).
"""

from __future__ import annotations

import os
import subprocess
import time
from typing import NamedTuple

import pytest
from busy import SPIN, busy_host, needs_schedstat, spawn

from mlskills.deadline import Deadline

pytestmark = [pytest.mark.busy, needs_schedstat]


class Watched(NamedTuple):
    deadline: Deadline
    wall: float  # at the last sample: stopping starved work can take seconds on a busy host


def watch(work: subprocess.Popen, seconds: float) -> Watched:
    """Sample a deadline on `work` for `seconds` of wall time, then stop the work."""
    deadline = Deadline(600, lambda: [work.pid])
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        deadline.left()
        time.sleep(0.1)
    deadline.left()
    wall = deadline.wall()
    work.kill()
    work.wait()
    return Watched(deadline, wall)


def children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def test_time_the_host_starves_the_work_of_does_not_count():
    """The work gets a few percent of a CPU; a wall clock would charge it all 4 s. The time
    since the last sample (up to 0.5 s) and the work's start-up still count."""
    with busy_host():
        deadline, wall = watch(spawn(SPIN, niceness=19), 4.0)
    assert deadline.starved_for > 0.6 * wall, deadline.describe()


def test_a_sleeping_process_runs_out_the_clock_even_on_a_busy_host():
    sleeper = subprocess.Popen(
        ["python3", "-c", "import time; print('asleep', flush=True); time.sleep(600)"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sleeper.stdout.readline().strip() == "asleep"  # started before the load
    with busy_host():
        deadline, _ = watch(sleeper, 2.0)
    assert deadline.starved_for < 0.2, deadline.describe()


@pytest.mark.parametrize(
    "code",
    [
        # more busy threads than CPUs: they wait on each other, yet have the machine
        f"import threading\n[threading.Thread(target=lambda: exec({SPIN!r})).start() "
        f"for _ in range({3 * len(os.sched_getaffinity(0))})]",
        # busy threads that each live a fraction of a sample, so no sample ever sees them
        "import threading, time\n"
        "def burst():\n    end = time.monotonic() + 0.05\n"
        "    while time.monotonic() < end: pass\n"
        "while True:\n"
        "    threads = [threading.Thread(target=burst) for _ in range(8)]\n"
        "    [t.start() for t in threads]; [t.join() for t in threads]",
    ],
    ids=["more-threads-than-cpus", "short-lived-threads"],
)
def test_waiting_on_its_own_threads_earns_the_work_no_time(code):
    """Only time the work had less than one CPU may be left out, whatever its threads
    waited on each other. (Other work on a shared host can leave it less than one CPU,
    so the bound is what it got, not zero.)"""
    before = children_cpu()
    deadline, wall = watch(spawn(code), 2.0)
    used = children_cpu() - before
    assert deadline.starved_for <= max(0.0, wall - used) + 0.1 * wall, (
        f"used {used:.2f} s of CPU; {deadline.describe()}"
    )


def test_the_wall_clock_still_bounds_a_starved_deadline():
    with busy_host():
        work = spawn(SPIN, niceness=19)
        try:
            deadline = Deadline(0.5, lambda: [work.pid], patience=4)
            while deadline.left() > 0:
                time.sleep(0.05)
        finally:
            work.kill()
            work.wait()
    assert 2.0 <= deadline.wall() < 4.0  # the bound, plus a starved test's late samples
    assert deadline.starved() and "overloaded" in deadline.describe()


def test_work_that_runs_is_stopped_by_the_time_it_has_used():
    """However loaded the host, busy work is charged every second it runs: it never gets
    more CPU than its limit, and its deadline is never the host's failure."""
    before = children_cpu()
    work = spawn(SPIN)
    try:
        deadline = Deadline(1.0, lambda: [work.pid])
        while deadline.left() > 0:
            time.sleep(0.05)
    finally:
        work.kill()
        work.wait()
    assert children_cpu() - before <= 1.2 and not deadline.starved()
