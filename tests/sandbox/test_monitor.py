"""The memory watch: shared pages count once (PSS), and the cheap RSS bound never lets a
breach through."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from mlskills.sandbox import monitor
from mlskills.sandbox.tracking import descendants
from mlskills.schema import Limits

MiB = 1 << 20
# A parent touches 64 MiB, then forks three children that keep it copy-on-write: four
# processes whose RSS each counts the 64 MiB, whose PSS splits it four ways.
SHARED = """
import os, sys, time
block = bytearray(64 << 20)
block[::4096] = b"x" * (16 << 10)
for _ in range(3):
    if os.fork() == 0:
        break
else:
    print("ready", flush=True)
time.sleep(60)
"""


def test_shared_pages_count_once_and_rss_only_decides_below_the_limit():
    proc = subprocess.Popen([sys.executable, "-c", SHARED], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        pids = _four(proc.pid)
        rss, pss = monitor.rss_bytes(pids), monitor.resident_bytes(pids)
        assert rss >= 4 * 64 * MiB  # the block, four times
        assert 64 * MiB <= pss < 2 * 64 * MiB  # the block once, plus four small interpreters
        between = (pss + rss) // 2  # RSS says over, PSS (the truth) says under
        assert not monitor.over_memory(pids, between)
        assert monitor.over_memory(pids, pss - MiB)  # a real breach still stops it
        assert not monitor.over_memory(pids, rss + MiB)
    finally:
        subprocess.run(["pkill", "-KILL", "-P", str(proc.pid)], check=False)
        proc.kill()
        proc.wait()


def _four(parent: int) -> list[int]:
    deadline = time.monotonic() + 10
    while len(pids := descendants([parent])) < 4:
        assert time.monotonic() < deadline, f"children of {parent} never appeared: {pids}"
        time.sleep(0.05)
    return pids


def test_stopping_from_another_thread_while_it_starts_never_fails(tmp_path):
    """Ctrl-C closes every sandbox from the main thread while a trial's thread may be
    starting that sandbox's watch (CI, 2026-12-07: "cannot join thread before it is
    started"). Each round races one start against one stop; no watch may outlive a stop
    that came after its start."""
    watch = monitor.Monitor([tmp_path], Limits(), lambda: [], lambda: None)
    for round_ in range(300):
        go = threading.Barrier(2)
        errors: list[BaseException] = []
        starter = threading.Thread(target=_start_after, args=(go, watch, errors))
        starter.start()
        go.wait()
        time.sleep(round_ % 30 * 10e-6)  # land the stop at every point of the start
        watch.stop()
        starter.join()
        watch.stop()
        assert not errors, errors
        assert not any(t.name == "sandbox-watch" for t in threading.enumerate())


def _start_after(go: threading.Barrier, watch: monitor.Monitor, errors: list) -> None:
    go.wait()
    try:
        watch.start()
    except BaseException as exc:
        errors.append(exc)


def test_a_deadline_reads_the_watchs_listing_while_it_is_fresh(tmp_path):
    """Listing a sandbox's processes scans /proc (~5 ms); the watch and an exec's deadline
    both sample twice a second, so one listing serves both while under two intervals old."""
    listed: list[float] = []

    def list_pids() -> list[int]:
        listed.append(time.monotonic())
        return [os.getpid()]

    watch = monitor.Monitor([tmp_path], Limits(), list_pids, lambda: None)
    assert watch.recent_pids() == [os.getpid()] and len(listed) == 1  # none yet: listed now
    watch.check()
    assert len(listed) == 2
    assert watch.recent_pids() == [os.getpid()] and len(listed) == 2  # the watch's, reused
    time.sleep(2 * monitor.INTERVAL + 0.1)
    assert watch.recent_pids() == [os.getpid()] and len(listed) == 3  # stale: listed again
