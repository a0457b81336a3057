"""Open files beneath a root folder so that no symbolic link can lead the open out of it.

The editor works on the host (as root when the harness is root) while the agent's own
processes keep running and may swap any folder of the workspace for a symbolic link at any
moment. Checking a path and opening it afterwards by name would let such a swap redirect
the open to a host file. So nothing here opens a path by name from the host's root: each
component is opened relative to the descriptor of the folder before it, with O_NOFOLLOW,
so the kernel never follows a link. A link met on the way is read (readlinkat) and
followed here, only while it stays beneath the root; `..` goes back up the chain of
descriptors already held. The root itself is opened by name and must still be the folder
it was before the agent could act (same device and inode). Whatever the agent swaps
meanwhile, an open lands beneath the root or fails.

Folders and files made here take the owner of the folder they are made in, so a sandbox
running as another uid (bwrap under a root harness) can still change them.
"""

from __future__ import annotations

import errno
import os
from collections import deque
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
NO_LINKS = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC  # NONBLOCK: a FIFO cannot hang us
MAX_STEPS = 40  # links followed (and lost creation races) before giving up, as ELOOP


class LinkEscape(Exception):
    """A symbolic link on the way leads outside the root."""


@dataclass
class Opened:
    fd: int  # the caller closes it
    parts: tuple[str, ...]  # where it really is beneath the root (links resolved)
    created: bool = False


def open_beneath(
    root: Path, identity: tuple[int, int], parts: tuple[str, ...], flags: int, create: bool = False
) -> Opened:
    """Open root/parts with `flags`, following links only while they stay beneath root.

    `identity` is the root's (st_dev, st_ino) from before the agent could act: a root found
    replaced (its name now a link elsewhere) is refused as an escape. `parts` hold no `..`
    (links may). With `create`, missing folders are made and a missing file is created
    (`created` says so); an existing one is opened as it is.
    """
    walk = _Walk(root, identity)
    try:
        return walk.run(deque(parts), flags, create)
    finally:
        walk.close()


def identity_of(path: Path) -> tuple[int, int] | None:
    """(st_dev, st_ino) of a folder, None if it is not there."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def listing(fd: int, depth: int) -> list[PurePosixPath]:
    """Entries of the folder `fd` down to `depth` levels, hidden ones left out, relative to
    it. Subfolders are opened by descriptor without following links."""
    found = []
    with os.scandir(fd) as entries:
        for entry in entries:
            if entry.name.startswith("."):
                continue
            found.append(PurePosixPath(entry.name))
            if depth > 1 and entry.is_dir(follow_symlinks=False):
                try:
                    sub = os.open(entry.name, FOLDER, dir_fd=fd)
                except OSError:
                    continue  # replaced meanwhile
                try:
                    found += [entry.name / p for p in listing(sub, depth - 1)]
                finally:
                    os.close(sub)
    return found


def adopt_owner(fd: int, folder_fd: int) -> None:
    """Give the new file or folder `fd` the owner of the folder it was made in (as root)."""
    if os.geteuid() != 0:
        return
    folder = os.fstat(folder_fd)
    if os.fstat(fd).st_uid != folder.st_uid:
        os.fchown(fd, folder.st_uid, folder.st_gid)


class _Walk:
    """The folders from the root down to where the walk is, as (name, descriptor) pairs."""

    def __init__(self, root: Path, identity: tuple[int, int]) -> None:
        self.root = PurePosixPath(root)
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        info = os.fstat(fd)
        if (info.st_dev, info.st_ino) != identity:
            os.close(fd)
            raise LinkEscape
        self.chain = [("", fd)]
        self.steps = 0

    @property
    def fd(self) -> int:
        return self.chain[-1][1]

    def names(self, last: str) -> tuple[str, ...]:
        names = [name for name, _ in self.chain[1:]]
        return tuple(names if last == "." else [*names, last])

    def run(self, todo: deque[str], flags: int, create: bool) -> Opened:
        while True:
            if not todo:
                if opened := self._last(".", todo, flags, create):  # ends at a folder
                    return opened
                continue
            name = todo.popleft()
            if name in ("", "."):
                continue
            if name == "..":
                self._up()
            elif todo:
                self._down(name, todo, create)
            elif opened := self._last(name, todo, flags, create):
                return opened

    def _up(self) -> None:
        if len(self.chain) == 1:
            raise LinkEscape
        os.close(self.chain.pop()[1])

    def _down(self, name: str, todo: deque[str], create: bool) -> None:
        try:
            self.chain.append((name, os.open(name, FOLDER, dir_fd=self.fd)))
        except FileNotFoundError:
            if not create:
                raise
            self._mkdir(name)
            todo.appendleft(name)  # open what is there now, like any other folder
        except NotADirectoryError:  # a link (O_NOFOLLOW with O_DIRECTORY says so) or a file
            if not self._follow(name, todo):
                raise

    def _mkdir(self, name: str) -> None:
        self._count()
        try:
            os.mkdir(name, dir_fd=self.fd)
        except FileExistsError:
            return  # made meanwhile by someone else
        fd = os.open(name, FOLDER, dir_fd=self.fd)
        try:
            adopt_owner(fd, self.fd)
        finally:
            os.close(fd)

    def _last(self, name: str, todo: deque[str], flags: int, create: bool) -> Opened | None:
        """Open the last component, or None after queueing what to try next (a link's
        target, or the name again when it changed under us)."""
        if create:
            try:
                fd = os.open(name, flags | os.O_CREAT | os.O_EXCL | NO_LINKS, 0o666, dir_fd=self.fd)
            except FileExistsError:
                pass  # a file, folder or link: opened below
            else:
                adopt_owner(fd, self.fd)
                return Opened(fd, self.names(name), created=True)
        try:
            return Opened(os.open(name, flags | NO_LINKS, dir_fd=self.fd), self.names(name))
        except FileNotFoundError:
            if not create:
                raise
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            if self._follow(name, todo):
                return None
        self._count()  # removed, or no longer a link, since: look again
        todo.appendleft(name)
        return None

    def _follow(self, name: str, todo: deque[str]) -> bool:
        """Queue the target of the link `name` (False: not a link). An absolute target must
        lie beneath the root."""
        try:
            target = PurePosixPath(os.readlink(name, dir_fd=self.fd))
        except OSError:
            return False
        self._count()
        if target.is_absolute():
            if not target.is_relative_to(self.root):
                raise LinkEscape
            target = target.relative_to(self.root)
            while len(self.chain) > 1:
                os.close(self.chain.pop()[1])
        todo.extendleft(reversed(target.parts))
        return True

    def _count(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP))

    def close(self) -> None:
        for _, fd in self.chain:
            os.close(fd)
        self.chain.clear()
