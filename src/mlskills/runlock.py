"""One writer per run folder: an exclusive flock on `run.lock`, held by `run` and `--resume`.

Two processes appending to one run would both run the missing trials (paid API calls made
twice, duplicate records). The lock is flock(2) on a file in the run folder, so the kernel
drops it when its holder dies, even by kill -9: a stale lock needs no detection by pid, and
the next process simply gets it. The file names the holder (pid, host, start time) for the
message a second process prints; a holder that ended without releasing it (the file still
names it) is reported as taken over. flock on NFS is not relied upon: run folders are local.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import time
from pathlib import Path
from typing import Any

from mlskills.errors import MlskillsError

LOCK_FILE = "run.lock"


class RunBusy(MlskillsError):
    """Another live process holds the run folder (exit 2: the input cannot be used now)."""


class RunLock:
    """The run folder's lock while held; `taken_over` names a holder that died holding it."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / LOCK_FILE
        self.taken_over: dict[str, Any] | None = None
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise
            raise RunBusy(busy_message(self.path.parent, _holder_of_busy(self.path))) from None
        self.taken_over = read_holder(self.path) or None  # left by a holder that died
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder_info()).encode() + b"\n", 0)
        self._fd = fd
        return self

    def release(self) -> None:
        """Empty the file (a clean exit leaves no holder named), then unlock."""
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
        finally:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def holder_info() -> dict[str, Any]:
    """Who holds the lock. Not the command line: an --agent-command may carry a secret."""
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def read_holder(path: Path) -> dict[str, Any]:
    """What the lock file says about its holder ({} when empty or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _holder_of_busy(path: Path) -> dict[str, Any]:
    """The holder, allowing it a moment to write its name after taking the lock.

    Until it does, the file may still name a holder that died (kill -9 leaves its name
    behind): a pid on this host that no longer exists is that stale name, never the holder.
    """
    for _ in range(40):
        if (holder := read_holder(path)) and not _died_here(holder):
            return holder
        time.sleep(0.05)
    return {}


def _died_here(holder: dict[str, Any]) -> bool:
    """Whether the named holder was a process on this host that is gone."""
    pid = holder.get("pid")
    if holder.get("host") != socket.gethostname() or not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, owned by someone else
        return False
    return False


def busy_message(folder: Path, holder: dict[str, Any]) -> str:
    who = f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}"
    since = f", since {holder['started_at']}" if holder.get("started_at") else ""
    return (
        f"{folder} is in use by another mlskills process ({who}{since}); one process at a time "
        "may run or resume a run: wait for it to finish, or stop it and resume again"
    )
