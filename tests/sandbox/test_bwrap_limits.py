"""Resource limits inside bubblewrap: bounded, stopped early, and reported by name.

Every test here is strictly bounded: small limits, short deadlines, and the sandbox is
stopped by its watchdog long before the command's own deadline.
"""

from __future__ import annotations

import time

from sandbox.helpers import needs_bwrap

from mlskills.sandbox.monitor import measure
from mlskills.sandbox.processes import pids_with_marker

pytestmark = needs_bwrap
MiB = 1024 * 1024


def test_fork_bomb_is_bounded_and_stopped(make_sandbox):
    """The process limit holds (never uid 0, so RLIMIT_NPROC applies) and the watchdog
    ends a sandbox that sits at it, naming the limit."""
    box = make_sandbox(max_processes=128, command_timeout=20)
    start = time.monotonic()
    result = box.exec("bomb() { bomb | bomb & }; bomb; sleep 20", timeout=20)
    assert time.monotonic() - start < 12
    assert not result.timed_out
    assert box.limit_hit == "max_processes"
    box.close()
    assert pids_with_marker(box.token) == []


def test_disk_filler_is_stopped_at_disk_mb(make_sandbox):
    box = make_sandbox(disk_mb=20, file_size_mb=4)
    command = "for i in $(seq 200); do head -c 2000000 /dev/zero > f$i; sleep 0.05; done; echo done"
    start = time.monotonic()
    result = box.exec(command, timeout=30)
    assert "done" not in result.stdout
    assert time.monotonic() - start < 8
    assert box.limit_hit == "disk_mb"
    assert measure([box.workdir]).disk_bytes < 100 * MiB


def test_file_size_is_capped_and_reported(make_sandbox):
    box = make_sandbox(file_size_mb=2)
    result = box.exec("head -c 5000000 /dev/zero > big; echo $?")
    assert result.stdout.strip() != "0"
    assert (box.workdir / "big").stat().st_size == 2 * MiB
    box.close()
    assert box.limit_hit == "file_size_mb"


def test_memory_is_capped_per_process(make_sandbox):
    box = make_sandbox(memory_mb=512)
    result = box.exec("python -c 'bytearray(1024 * 1024 * 1024)'")
    assert result.exit_code != 0
    assert "MemoryError" in result.stderr


def test_a_quiet_command_hits_no_limit(make_sandbox):
    box = make_sandbox()
    assert box.exec("echo fine").exit_code == 0
    box.close()
    assert box.limit_hit is None


def test_millions_of_empty_files_count_against_the_disk_limit(make_sandbox):
    """Empty files take no blocks but cost inodes and kernel memory: each counts 4 KiB."""
    box = make_sandbox(disk_mb=8)
    start = time.monotonic()
    result = box.exec("python -c \"[open(f'e{i}', 'w').close() for i in range(10**6)]\"")
    assert result.exit_code != 0
    assert time.monotonic() - start < 10
    assert box.limit_hit == "disk_mb"


def test_data_hidden_deeper_than_path_max_still_counts(make_sandbox):
    """A path-based walk cannot see below PATH_MAX; the disk check walks by descriptor."""
    box = make_sandbox(disk_mb=20, file_size_mb=40)
    deep = "n=$(printf 'd%.0s' $(seq 250)); for i in $(seq 20); do mkdir $n && cd $n; done"
    start = time.monotonic()
    box.exec(f"{deep}; head -c 30000000 /dev/zero > f; sleep 20", timeout=30)
    assert time.monotonic() - start < 8
    assert box.limit_hit == "disk_mb"
