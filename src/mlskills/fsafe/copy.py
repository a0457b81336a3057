"""Copy an agent's tree for grading: never through a link, holes kept as holes, capped.

What an agent leaves can be hostile to a naive copy: links out of the tree (a link copied
as its target is a host file in the grader's hands), FIFOs and devices (reading one
blocks or has effects), sparse files (500 MB of holes cost nothing on disk but a plain
copy writes them out, on RAM-backed /dev/shm), trees too deep for recursion, and millions
of entries. This copy walks by descriptors, keeps links as links (never followed),
leaves special files out, writes only the data extents of each file (SEEK_DATA/SEEK_HOLE)
and stops with `Refused` past a cap on apparent bytes, entries or depth.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from mlskills.fsafe.nofollow import (
    DIR_FLAGS,
    NEW_FILE,
    Refused,
    folder,
    kind_of,
    open_regular_at,
    parts_of,
    write_all,
)

CHUNK = 1 << 20


@dataclass(frozen=True)
class CopyCaps:
    """The most a copy may hold: apparent bytes (holes included), entries, folder depth."""

    max_bytes: int = 2048 * 2**20
    max_entries: int = 100_000
    max_depth: int = 64


@dataclass
class CopyReport:
    """What a copy did: apparent bytes, entries, and the special files it left out."""

    bytes: int = 0
    entries: int = 0
    skipped: list[str] = field(default_factory=list)


def copy_tree(source: Path, dest: Path, caps: CopyCaps = CopyCaps()) -> CopyReport:
    """Copy the folder `source` to the new folder `dest`; Refused when the tree breaks a
    cap or cannot be copied (the partial copy is left for the caller to remove)."""
    os.mkdir(dest, 0o755)
    return _copy_from(source, os.open(dest, DIR_FLAGS), caps)


def copy_into(
    root: Path, rel: str, source_root: Path, source_rel: str, caps: CopyCaps = CopyCaps()
) -> CopyReport:
    """Copy the folder source_root/source_rel to the new folder root/rel. Neither path
    follows a link at any component (both may lie in trees an agent made), and root/rel
    must not exist yet."""
    parts = parts_of(rel)
    if not parts:
        raise Refused("an empty path names no folder")
    with folder(source_root, parts_of(source_rel)) as found:
        src = os.dup(found)
    try:
        with folder(root, parts[:-1], create=True) as parent:
            try:
                os.mkdir(parts[-1], 0o755, dir_fd=parent)
            except FileExistsError:
                raise Refused(f"{rel} already exists where the grader puts a folder") from None
            dst = os.open(parts[-1], DIR_FLAGS, dir_fd=parent)
    except BaseException:
        os.close(src)
        raise
    return _copy_fds(src, dst, caps)


def _copy_from(source: Path, dst: int, caps: CopyCaps) -> CopyReport:
    """Copy the folder `source` into the open (empty) folder `dst`, which it closes."""
    try:
        src = os.open(source, DIR_FLAGS)
    except OSError:
        os.close(dst)
        raise
    return _copy_fds(src, dst, caps)


def _copy_fds(src: int, dst: int, caps: CopyCaps) -> CopyReport:
    """Copy the open folder `src` into the open folder `dst`; closes both."""
    report = CopyReport()
    # Depth-first with one open pair of descriptors per level (never one per folder seen).
    stack = [(src, dst, iter(sorted(os.listdir(src))), "", 0)]
    try:
        while stack:
            src_fd, dst_fd, names, rel, depth = stack[-1]
            name = next(names, None)
            if name is None:
                stack.pop()
                os.close(src_fd)
                os.close(dst_fd)
                continue
            child = _copy_entry(src_fd, dst_fd, name, f"{rel}{name}", depth, caps, report)
            if child is not None:
                sub_src, sub_dst, sub_rel, sub_depth = child
                stack.append(
                    (sub_src, sub_dst, iter(sorted(os.listdir(sub_src))), sub_rel, sub_depth)
                )
    except OSError as exc:
        raise Refused(f"the tree could not be copied: {exc.strerror or exc}") from None
    finally:
        for src_fd, dst_fd, *_ in stack:
            os.close(src_fd)
            os.close(dst_fd)
    return report


def _copy_entry(
    src_fd: int, dst_fd: int, name: str, rel: str, depth: int, caps: CopyCaps, report: CopyReport
) -> tuple[int, int, str, int] | None:
    """Copy one entry; a folder is made and returned (descriptors) for the walk to enter."""
    info = os.stat(name, dir_fd=src_fd, follow_symlinks=False)
    report.entries += 1
    if report.entries > caps.max_entries:
        raise Refused(f"the tree holds more than {caps.max_entries} entries")
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        if depth + 1 > caps.max_depth:
            raise Refused(f"{rel} is more than {caps.max_depth} folders deep")
        os.mkdir(name, 0o700, dir_fd=dst_fd)
        sub_src = os.open(name, DIR_FLAGS, dir_fd=src_fd)
        sub_dst = os.open(name, DIR_FLAGS, dir_fd=dst_fd)
        os.chmod(sub_dst, stat.S_IMODE(mode) & 0o777 | 0o700)
        return sub_src, sub_dst, f"{rel}/", depth + 1
    if stat.S_ISLNK(mode):
        os.symlink(os.readlink(name, dir_fd=src_fd), name, dir_fd=dst_fd)
        return None
    if not stat.S_ISREG(mode):
        report.skipped.append(f"{rel} ({kind_of(mode)})")
        return None
    report.bytes += info.st_size
    if report.bytes > caps.max_bytes:
        raise Refused(
            f"the tree holds more than {caps.max_bytes // 2**20} MiB (apparent size, "
            f"holes included) by {rel}"
        )
    _copy_file(src_fd, dst_fd, name, rel, stat.S_IMODE(mode) & 0o777)
    return None


def _copy_file(src_fd: int, dst_fd: int, name: str, rel: str, mode: int) -> None:
    source = open_regular_at(src_fd, name, rel)
    try:
        out = os.open(name, NEW_FILE, 0o600, dir_fd=dst_fd)
        try:
            copy_sparse(source, out)
            os.fchmod(out, mode | 0o600)  # the harness must be able to read its own copy
        finally:
            os.close(out)
    finally:
        os.close(source)


def copy_sparse(source: int, out: int) -> None:
    """Copy the data extents of `source` to `out`; holes stay holes in the copy."""
    size = os.fstat(source).st_size
    offset = 0
    while offset < size:
        try:
            start = os.lseek(source, offset, os.SEEK_DATA)
        except OSError as exc:
            if exc.errno == errno.ENXIO:  # only a hole is left
                break
            start = offset  # no SEEK_DATA on this filesystem: copy everything
            end = size
        else:
            end = os.lseek(source, start, os.SEEK_HOLE)
        _copy_range(source, out, start, min(end, size))
        offset = end
    os.ftruncate(out, size)


def _copy_range(source: int, out: int, start: int, end: int) -> None:
    position = start
    while position < end:
        chunk = os.pread(source, min(CHUNK, end - position), position)
        if not chunk:  # the file shrank meanwhile
            return
        os.lseek(out, position, os.SEEK_SET)
        write_all(out, chunk)
        position += len(chunk)
