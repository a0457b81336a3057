"""A digest of a folder tree an agent made, to tell whether it changed, never following a link.

Graders compare trees (registry/models/ before and after the agent's rollback.sh): walking
one with os.walk or pathlib follows links and, as root, would read a host file or hang on
/proc/kmsg through an agent's link. Here every folder is opened relative to its parent's
descriptor with O_NOFOLLOW; a link counts by its target's text, a regular file by its
bytes, anything else (FIFO, socket, device) by its kind, never opened. A tree too deep,
too wide or too big is refused with the reason (a failed check), never walked at length.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlskills.fsafe.nofollow import (
    CHUNK,
    DIR_FLAGS,
    Missing,
    Refused,
    folder,
    kind_of,
    open_regular_at,
    parts_of,
)
from mlskills.grading.predictions import Read
from mlskills.schema import Check


@dataclass(frozen=True)
class TreeCaps:
    """How much of a tree is digested before it is refused as too big."""

    max_entries: int = 20_000
    max_depth: int = 32
    max_bytes: int = 512 * 1024 * 1024


class _TooBig(Exception):
    pass


def tree_digest(root: Path, rel: str, name: str, caps: TreeCaps = TreeCaps()) -> Read:
    """Read(hex sha256 of the tree at root/rel, check), or Read(None, failed gate check).

    Names, kinds and contents enter the digest in sorted order, so two trees digest equal
    exactly when they hold the same names with the same kinds, bytes and link targets
    (permissions and times do not count)."""
    label = rel or "."
    try:
        parts = parts_of(rel)
        with folder(root, parts) as fd:
            digest = hashlib.sha256()
            counts = {"entries": 0, "bytes": 0}
            _walk(fd, PurePosixPath(), 0, digest, counts, caps)
    except (Missing, FileNotFoundError):  # FileNotFoundError: removed while walked
        return Read(None, Check(name, False, f"{label} not found: it must be a folder", gate=True))
    except _TooBig as exc:
        return Read(None, Check(name, False, f"{label}: {exc}", gate=True))
    except Refused as exc:
        return Read(None, Check(name, False, f"{label}: {exc}", gate=True))
    except OSError as exc:
        return Read(None, Check(name, False, f"{label} cannot be read: {exc.strerror}", gate=True))
    summary = f"{label}: {counts['entries']} entries, {counts['bytes']} bytes"
    return Read(digest.hexdigest(), Check(name, True, summary, gate=True))


def _walk(fd: int, here: PurePosixPath, depth: int, digest, counts: dict, caps: TreeCaps) -> None:
    if depth > caps.max_depth:
        raise _TooBig(f"folders nested over {caps.max_depth} deep")
    for entry in sorted(os.listdir(fd)):
        counts["entries"] += 1
        if counts["entries"] > caps.max_entries:
            raise _TooBig(f"over {caps.max_entries} entries")
        shown = here / entry
        mode = os.stat(entry, dir_fd=fd, follow_symlinks=False).st_mode
        digest.update(shown.as_posix().encode(errors="surrogateescape") + b"\0")
        if stat.S_ISDIR(mode):
            digest.update(b"dir\0")
            child = os.open(entry, DIR_FLAGS, dir_fd=fd)  # O_NOFOLLOW: swapped for a link fails
            try:
                _walk(child, shown, depth + 1, digest, counts, caps)
            finally:
                os.close(child)
            digest.update(b"end\0")
        elif stat.S_ISLNK(mode):
            target = os.readlink(entry, dir_fd=fd)
            digest.update(b"link\0" + target.encode(errors="surrogateescape") + b"\0")
        elif stat.S_ISREG(mode):
            digest.update(b"file\0")
            _file(fd, entry, str(shown), digest, counts, caps)
        else:
            digest.update(b"special\0" + kind_of(mode).encode() + b"\0")


def _file(fd: int, name: str, shown: str, digest, counts: dict, caps: TreeCaps) -> None:
    handle = open_regular_at(fd, name, shown)
    try:
        inner = hashlib.sha256()
        while chunk := os.read(handle, CHUNK):
            counts["bytes"] += len(chunk)
            if counts["bytes"] > caps.max_bytes:
                raise _TooBig(f"over {caps.max_bytes // 2**20} MiB of file contents")
            inner.update(chunk)
        digest.update(inner.digest())
    finally:
        os.close(handle)
