"""Who the sandboxed process is: never root, and when the harness is root, a user of its own.

Root inside bubblewrap without a user namespace still passes the kernel's uid-0 checks:
it could write host sysctls under /proc/sys, and RLIMIT_NPROC never applies to uid 0, so
a fork bomb would be unbounded. When the harness runs as root, each sandbox therefore
gets a fresh unprivileged uid (setpriv drops to it inside bwrap) and its writable folders
are handed over to that uid. Unprivileged harnesses keep their own uid in a user namespace.
"""

from __future__ import annotations

import itertools
import os
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

UID_BASE = 1_500_000_000  # far above login and subordinate-uid ranges, below 2**31
_counter = itertools.count()
_counter_lock = threading.Lock()
USER_NAME = "agent"
MAX_DEPTH = 64  # folder levels handed over (keeps open descriptors bounded)
DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


@dataclass(frozen=True)
class Identity:
    uid: int
    gid: int
    drop: bool  # True: bwrap runs as root and setpriv switches to uid/gid inside

    def passwd(self, home: str) -> str:
        return (
            "root:x:0:0:root:/root:/usr/sbin/nologin\n"
            "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
            f"{USER_NAME}:x:{self.uid}:{self.gid}:sandbox:{home}:/bin/bash\n"
        )

    def group(self) -> str:
        return f"root:x:0:\nnogroup:x:65534:\n{USER_NAME}:x:{self.gid}:\n"

    def setpriv(self) -> list[str]:
        """The prefix that drops to this identity with no capabilities left at all."""
        if not self.drop:
            return []
        return [
            "setpriv",
            f"--reuid={self.uid}",
            f"--regid={self.gid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--",
        ]


def allocate() -> Identity:
    """A uid no other live sandbox of this machine uses (per harness process and counter)."""
    if os.geteuid() != 0:
        return Identity(os.getuid(), os.getgid(), drop=False)
    with _counter_lock:
        n = next(_counter) % 4096
    uid = UID_BASE + ((os.getpid() & 0xFFFF) << 12) + n
    return Identity(uid, uid, drop=True)


def hand_over(folders: list[Path], ident: Identity) -> None:
    """chown the sandbox's writable folders to its uid, never following a link.

    Entries the harness made read-only (no owner write bit) stay root's, so they stay
    read-only inside too. The walk opens each folder relative to its parent's descriptor
    with O_NOFOLLOW and changes owners relative to it, so an agent that swaps a folder for
    a symlink mid-walk cannot make root chown a host file. It is iterative and stops at
    MAX_DEPTH: what the harness adds is shallow, and an agent's absurdly deep tree must
    not crash the harness (os.fwalk recurses).
    """
    if not ident.drop:
        return
    for folder in folders:
        try:
            top = os.open(folder, DIR_FLAGS)
        except OSError:
            continue
        _chown(".", top, ident)
        _walk(top, ident)


def _walk(top: int, ident: Identity) -> None:
    stack = [(top, _names(top))]
    while stack:
        fd, names = stack[-1]
        if not names:
            os.close(fd)
            stack.pop()
            continue
        name = names.pop()
        _chown(name, fd, ident)
        if len(stack) < MAX_DEPTH and (child := _open_dir(name, fd)) is not None:
            stack.append((child, _names(child)))


def _names(fd: int) -> list[str]:
    try:
        return os.listdir(fd)
    except OSError:
        return []


def _open_dir(name: str, dir_fd: int) -> int | None:
    """The folder `name` as a descriptor, or None if it is anything else (a link, a file)."""
    try:
        return os.open(name, DIR_FLAGS, dir_fd=dir_fd)
    except OSError:
        return None


def _chown(name: str, dir_fd: int, ident: Identity) -> None:
    try:
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        if info.st_uid == ident.uid or not info.st_mode & stat.S_IWUSR:
            return  # already handed over, or made read-only on purpose (a staged pack)
        if stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
            return  # a hard link could be a host file's other name
        os.chown(name, ident.uid, ident.gid, dir_fd=dir_fd, follow_symlinks=False)
    except OSError:
        pass  # removed or replaced by a running command meanwhile
