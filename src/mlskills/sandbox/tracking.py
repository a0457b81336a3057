"""Which processes belong to one sandbox, and how to kill all of them.

A trial's processes must all die with it, daemons included: a process that calls setsid
and wipes its environment (`setsid env -i ...`) leaves both its process group and the
marker variable behind. Three ways (tracker_for says which is chosen when):

- a cgroup v2 of its own (where the harness may create one): membership is inherited by
  every descendant and cannot be left without privileges; `cgroup.kill` ends them all;
  where the memory controller is delegated, `memory.max` caps the whole tree too;
- a PID namespace (`unshare --pid --fork`, local backend, where permitted): when its
  first process exits the kernel kills every other one (bwrap has its own);
- otherwise the processes descending from what the sandbox started, plus any process
  carrying the sandbox's marker variable (a daemon that reparented to init *and* wiped
  its environment escapes this last one: docs/sandbox.md says so).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from functools import cache
from pathlib import Path

from mlskills.sandbox.processes import kill_group, pids_with_marker

# Moves the shell into the cgroup named by $0, then becomes the command (no extra process).
JOIN_CGROUP = 'echo 0 > "$0" && exec "$@"'


def descendants(roots: list[int]) -> list[int]:
    """Every live process below `roots` (inclusive), from one pass over /proc."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(b")", 1)[-1].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(name))
    found, todo = set(), [r for r in roots if Path(f"/proc/{r}").exists()]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, ()))
    return sorted(found)


class Tracker:
    """Descendants of the started commands plus marked processes (the fallback)."""

    how = "process tree and marker variable"
    memory_capped = False  # True where the kernel itself caps the tree's memory

    def __init__(self, token: str) -> None:
        self.token = token

    def prefix(self) -> list[str]:
        """Argv prefix that puts a command under this tracker before it starts."""
        return []

    def pids(self, roots: list[int], floor: int = 0) -> list[int]:
        return sorted(set(descendants(roots)) | set(pids_with_marker(self.token, floor)))

    def kill(self, roots: list[int], floor: int = 0) -> None:
        for root in roots:
            kill_group(root)
        for _ in range(3):  # repeat: a process may fork while we scan
            pids = [p for p in self.pids(roots, floor) if p != os.getpid()]
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)

    def oom_killed(self) -> bool:
        """Whether the kernel killed a process of this sandbox for its memory cap."""
        return False

    def close(self) -> None:
        pass


class PidNamespaceTracker(Tracker):
    """Each command is the first process of a PID namespace: its exit kills the rest."""

    how = "PID namespace per command"

    def prefix(self) -> list[str]:
        return ["unshare", "--pid", "--fork", "--kill-child"]


class CgroupTracker(Tracker):
    """A cgroup v2 of its own; `memory_bytes` > 0 also caps the tree's memory there."""

    how = "cgroup v2"

    def __init__(self, token: str, parent: Path, memory_bytes: int = 0) -> None:
        super().__init__(token)
        self.path = parent / f"mlskills-{os.getpid()}-{token[:12]}"
        self.path.mkdir()
        if memory_bytes and "memory" in _controllers(parent):
            (self.path / "memory.max").write_text(str(memory_bytes))
            with contextlib.suppress(OSError):
                (self.path / "memory.swap.max").write_text("0")
            self.memory_capped = True

    def prefix(self) -> list[str]:
        return ["sh", "-c", JOIN_CGROUP, str(self.path / "cgroup.procs")]

    def pids(self, roots: list[int], floor: int = 0) -> list[int]:
        try:
            text = (self.path / "cgroup.procs").read_text()
        except OSError:
            return []
        return [int(line) for line in text.split()]

    def kill(self, roots: list[int], floor: int = 0) -> None:
        for root in roots:
            kill_group(root)
        try:
            (self.path / "cgroup.kill").write_text("1")
        except OSError:  # kernels before 5.14: kill member by member
            super().kill(roots, floor)

    def oom_killed(self) -> bool:
        if not self.memory_capped:
            return False
        try:
            events = (self.path / "memory.events").read_text().split()
        except OSError:
            return False
        counts = dict(zip(events[::2], events[1::2], strict=False))
        return int(counts.get("oom_kill", "0")) > 0

    def close(self) -> None:
        """Remove the cgroup once it is empty (killed processes take a moment to go)."""
        deadline = time.monotonic() + 5
        while True:
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:
                if time.monotonic() > deadline:
                    return
                self.kill([])
                time.sleep(0.02)


def _controllers(folder: Path) -> set[str]:
    try:
        return set((folder / "cgroup.subtree_control").read_text().split())
    except OSError:
        return set()


@cache
def cgroup_parent() -> Path | None:
    """The harness's own cgroup v2 folder if it may create cgroups in it, else None."""
    mount = _cgroup2_mount()
    if mount is None:
        return None
    try:
        line = next(
            line
            for line in Path("/proc/self/cgroup").read_text().splitlines()
            if line.startswith("0::")
        )
    except (OSError, StopIteration):
        return None
    parent = mount / line[3:].lstrip("/")
    probe = parent / f"mlskills-probe-{os.getpid()}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError:
        return None
    return parent


def _cgroup2_mount() -> Path | None:
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        pre, _, post = line.partition(" - ")
        if post.split(" ", 1)[0] == "cgroup2":
            return Path(pre.split()[4])
    return None


@cache
def pid_namespace_works() -> bool:
    """Whether `unshare --pid --fork` may run here (root, or user namespaces allowed)."""
    if not shutil.which("unshare"):
        return False
    try:
        done = subprocess.run(
            [*PidNamespaceTracker("probe").prefix(), "true"], capture_output=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def tracker_for(token: str, memory_bytes: int, own_pid_namespace: bool) -> Tracker:
    """The best tracker here; `own_pid_namespace`: the backend already has one (bwrap).

    A cgroup where it also caps memory (the memory controller is delegated). Otherwise a
    PID namespace, the backend's or `unshare`'s: nothing escapes it, and it is cheaper
    than a cgroup, whose every join is a migration (measured: +15 ms per command on a
    loaded host). A cgroup without the memory controller is the next choice (a harness
    that may not unshare but owns a delegated cgroup), and the process tree the last.
    """
    parent = cgroup_parent()
    if parent and "memory" in _controllers(parent):
        with contextlib.suppress(OSError):
            return CgroupTracker(token, parent, memory_bytes)
    if own_pid_namespace:
        return Tracker(token)
    if pid_namespace_works():
        return PidNamespaceTracker(token)
    if parent:
        with contextlib.suppress(OSError):
            return CgroupTracker(token, parent, memory_bytes)
    return Tracker(token)
