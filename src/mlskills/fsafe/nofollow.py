"""Open, read, hash and write files under a root folder without ever following a link.

The harness runs (often as root) over trees an agent made. A path checked and then opened
by name can be redirected by a link at any component: a folder swapped for a link into
site-packages, a deliverable linked to /proc/kmsg (never reaches end of file) or
/proc/self/mem (EIO). So nothing here opens an agent path by name from the host's root:
each component is opened relative to the descriptor of the folder before it with
O_NOFOLLOW, and anything but a real folder on the way, or a regular file at the end, is
refused with a reason a person can read (it becomes a failed check, the agent's 0).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# NONBLOCK: opening a FIFO for reading returns at once instead of waiting for a writer.
FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
CHUNK = 1 << 20


class Refused(Exception):
    """The path cannot be used safely or is not what it must be; the message says why."""


class Missing(Refused):
    """Nothing exists at the path."""


def parts_of(rel: str | PurePosixPath) -> tuple[str, ...]:
    """The components of a relative path; absolute paths and `..` are refused."""
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts:
        raise Refused(f"{rel}: must be a relative path inside the folder, without '..'")
    return tuple(p for p in path.parts if p not in ("", "."))


def _open_dir(fd: int, name: str, shown: str) -> int:
    try:
        return os.open(name, DIR_FLAGS, dir_fd=fd)
    except FileNotFoundError:
        raise Missing(f"{shown} does not exist") from None
    except OSError as exc:
        if exc.errno in (errno.ENOTDIR, errno.ELOOP):
            raise Refused(f"{shown} is a link or a file, not a folder") from None
        raise Refused(f"{shown} cannot be opened: {exc.strerror}") from None


@contextmanager
def folder(root: Path, parts: tuple[str, ...], *, create: bool = False) -> Iterator[int]:
    """A descriptor of root/parts, where every component is a real folder (no link).

    With `create`, missing folders are made (0755). The root itself is the harness's own
    folder and is opened by name; only its last component must not be a link.
    """
    fd = os.open(root, DIR_FLAGS)
    try:
        for i, name in enumerate(parts):
            shown = "/".join(parts[: i + 1])
            try:
                child = _open_dir(fd, name, shown)
            except Missing:
                if not create:
                    raise
                # Made meanwhile, or a file or link: the open below says which.
                with contextlib.suppress(FileExistsError):
                    os.mkdir(name, 0o755, dir_fd=fd)
                child = _open_dir(fd, name, shown)
            os.close(fd)
            fd = child
        yield fd
    finally:
        os.close(fd)


def kind_of(mode: int) -> str:
    """A file type in words, for messages."""
    for test, name in (
        (stat.S_ISLNK, "a link"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "a special file"


def open_regular(root: Path, rel: str | PurePosixPath) -> int:
    """A read descriptor of the regular file root/rel (the caller closes it), or Refused."""
    parts = parts_of(rel)
    if not parts:
        raise Refused("an empty path names no file")
    with folder(root, parts[:-1]) as fd:
        return open_regular_at(fd, parts[-1], str(PurePosixPath(*parts)))


def open_regular_at(fd: int, name: str, shown: str) -> int:
    """Open `name` in the folder `fd` if it is a regular file, never a link or device."""
    try:
        before = os.stat(name, dir_fd=fd, follow_symlinks=False)
    except FileNotFoundError:
        raise Missing(f"{shown} does not exist") from None
    if not stat.S_ISREG(before.st_mode):  # devices are never opened: opening has effects
        raise Refused(f"{shown} is {kind_of(before.st_mode)}, not a regular file")
    try:
        handle = os.open(name, FILE_FLAGS, dir_fd=fd)
    except OSError as exc:
        raise Refused(f"{shown} cannot be opened: {exc.strerror}") from None
    after = os.fstat(handle)
    if not stat.S_ISREG(after.st_mode) or (after.st_dev, after.st_ino) != (
        before.st_dev,
        before.st_ino,
    ):
        os.close(handle)
        raise Refused(f"{shown} changed while it was opened")
    os.set_blocking(handle, True)
    return handle


def lstat(root: Path, rel: str | PurePosixPath) -> os.stat_result:
    """The entry's own status (a link is reported as a link), or Missing/Refused."""
    parts = parts_of(rel)
    if not parts:
        return os.stat(root, follow_symlinks=False)
    with folder(root, parts[:-1]) as fd:
        try:
            return os.stat(parts[-1], dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            raise Missing(f"{PurePosixPath(*parts)} does not exist") from None


def is_file(root: Path, rel: str | PurePosixPath) -> bool:
    """True for a regular file reached through real folders only."""
    try:
        return stat.S_ISREG(lstat(root, rel).st_mode)
    except Refused:
        return False


def read_bytes(root: Path, rel: str | PurePosixPath, max_bytes: int) -> bytes:
    """The whole file, or Refused when it is over `max_bytes` (checked before reading)."""
    return _read_capped(open_regular(root, rel), str(rel), max_bytes)


def read_bytes_at(fd: int, name: str, shown: str, max_bytes: int) -> bytes:
    """read_bytes for `name` in the folder `fd` (a walk that already holds the folder)."""
    return _read_capped(open_regular_at(fd, name, shown), shown, max_bytes)


def _read_capped(fd: int, shown: str, max_bytes: int) -> bytes:
    """All of the open file `fd`, which this closes; Refused past `max_bytes`."""
    try:
        size = os.fstat(fd).st_size
        if size > max_bytes:
            raise Refused(f"{shown} is {_size(size)}, over the {_size(max_bytes)} cap")
        chunks, total = [], 0
        while chunk := os.read(fd, min(CHUNK, max_bytes + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # grew while being read
                raise Refused(f"{shown} is over the {_size(max_bytes)} cap")
        return b"".join(chunks)
    finally:
        os.close(fd)


def sha256(root: Path, rel: str | PurePosixPath) -> str:
    """Hex sha256 of a regular file, never through a link."""
    fd = open_regular(root, rel)
    try:
        digest = hashlib.sha256()
        while chunk := os.read(fd, CHUNK):
            digest.update(chunk)
        return digest.hexdigest()
    finally:
        os.close(fd)


def write_file(root: Path, rel: str | PurePosixPath, source: Path, mode: int = 0o644) -> None:
    """Put a copy of the harness's file `source` at root/rel, replacing a file or link
    there; folders on the way are made, and must be real folders."""
    parts = parts_of(rel)
    if not parts:
        raise Refused("an empty path names no file")
    shown = str(PurePosixPath(*parts))
    with folder(root, parts[:-1], create=True) as fd:
        name = parts[-1]
        try:
            there = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except FileNotFoundError:
            there = None
        if there is not None and stat.S_ISDIR(there.st_mode):
            raise Refused(f"{shown} is a folder where the grader puts a file")
        if there is not None:
            os.unlink(name, dir_fd=fd)  # unlinks a link itself, never its target
        try:
            out = os.open(name, NEW_FILE, mode, dir_fd=fd)
        except FileExistsError:
            raise Refused(f"{shown} reappeared while the grader wrote it") from None
        try:
            with open(source, "rb") as handle:
                while chunk := handle.read(CHUNK):
                    write_all(out, chunk)
        finally:
            os.close(out)


def write_all(fd: int, data: bytes) -> None:
    """os.write until every byte is written (a write may be short)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n} bytes"
