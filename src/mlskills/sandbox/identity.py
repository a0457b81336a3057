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
    read-only inside too.

    os.fwalk works on directory fds and chown is relative to them, so an agent that
    swaps a folder for a symlink mid-walk cannot make root chown a host file.
    """
    if not ident.drop:
        return
    for folder in folders:
        if folder.is_dir() and not folder.is_symlink():
            _hand_over_tree(folder, ident)


def _hand_over_tree(folder: Path, ident: Identity) -> None:
    for _root, dirs, files, dir_fd in os.fwalk(folder, follow_symlinks=False):
        _chown(".", dir_fd, ident)
        for name in dirs + files:
            _chown(name, dir_fd, ident)


def _chown(name: str, dir_fd: int, ident: Identity) -> None:
    try:
        info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
        if info.st_uid == ident.uid or not info.st_mode & stat.S_IWUSR:
            return  # already handed over, or made read-only on purpose (a staged pack)
        if stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
            return  # a hard link could be a host file's other name
        os.chown(name, ident.uid, ident.gid, dir_fd=dir_fd, follow_symlinks=False)
    except (FileNotFoundError, NotADirectoryError):
        pass  # removed by a running command meanwhile
