"""A host so busy that a job gets a few percent of a CPU: what a loaded CI host does to work.

Linux shares CPUs between sessions first (autogroups, where the kernel has them) and by
niceness within one; either way, twenty busy sessions per CPU at normal priority leave a
nice-19 job, or a whole session of them, under a twentieth of a CPU.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

SPIN = "while True: pass"
# Without per-thread schedstat (CONFIG_SCHED_INFO) a Deadline is the wall clock: a starved
# job is then charged in full, and the tests that show otherwise cannot run.
needs_schedstat = pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/schedstat").exists(),
    reason="this kernel keeps no per-thread schedstat, so deadlines are wall clocks here",
)
HOGS_PER_CPU = 20


def spawn(code: str, niceness: int = 0) -> subprocess.Popen:
    return subprocess.Popen(["nice", "-n", str(niceness), sys.executable, "-c", code])


@contextlib.contextmanager
def busy_host() -> Iterator[None]:
    """HOGS_PER_CPU busy shell loops per CPU, each in its own session, for the block."""
    cpus = len(os.sched_getaffinity(0))
    hogs = [
        subprocess.Popen(["bash", "-c", "while :; do :; done"], start_new_session=True)
        for _ in range(HOGS_PER_CPU * cpus)
    ]
    time.sleep(0.3)  # running before the work starts
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
        for hog in hogs:
            hog.wait()
