"""The memory watch: shared pages count once (PSS), and the cheap RSS bound never lets a
breach through."""

from __future__ import annotations

import subprocess
import sys
import time

from mlskills.sandbox import monitor
from mlskills.sandbox.tracking import descendants

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
