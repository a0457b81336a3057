"""Is the code that produced a deliverable in the workspace? Read as data, never run.

Tickets ask for a model or a report *and the code that produced it*. Rerunning that code
would cost a training run per grading and prove little more (training need not be
deterministic), so the grader asks what reading can answer: does some code file in the
workspace read the ticket's input data and name an output that exists there? A solution
that trained in a throwaway `python -c` and shipped only the artefact has none. A
predict.py whose docstring happens to name train.csv would pass for one: a false pass is
the lesser error here, a false fail would punish honest work laid out in its own way.

The walk never follows a link (each folder is opened by descriptor with O_NOFOLLOW) and
skips hidden entries (.grader, .git, virtualenvs' dot-folders) and the input folder. It
goes breadth first and stops at a cap, so a workspace holding a virtualenv or a dataset
dump is judged on its top levels instead of being walked at length.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections import deque
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlskills.fsafe.nofollow import CHUNK, DIR_FLAGS, Refused, open_regular_at
from mlskills.schema import Check

CODE_SUFFIXES = (".py", ".ipynb", ".sh")
# Folders that hold installed code, never the agent's own.
SKIPPED_FOLDERS = frozenset({"__pycache__", "site-packages", "node_modules"})


@dataclass(frozen=True)
class SourceCaps:
    """How much of a workspace is looked at before the search stops."""

    max_entries: int = 5_000
    max_depth: int = 8
    max_code_bytes: int = 1 << 20  # a larger "code" file is not read


@dataclass
class _Found:
    code: dict[str, bytes]  # relative path -> contents, for code files within the caps
    outputs: dict[str, str]  # basename -> a relative path, for other regular files
    capped: bool = False


def producing_code(
    root: Path,
    reads: str,
    makes: tuple[str, ...] | None,
    name: str,
    skip: tuple[str, ...] = ("data",),
    caps: SourceCaps = SourceCaps(),
) -> Check:
    """A gate: some code file names `reads` (the input's file name) and an output that
    exists in the workspace: one of `makes` by its file name or, with makes=None, any
    regular file that is not code (a saved model, whatever its format), by its file name
    or its extension (a name built at run time, f"model_{version}.joblib", still names
    ".joblib"; not the input's own extension, which every such file names). `skip` are
    top-level folders left out (the input data)."""
    found = _search(root, set(skip), caps)
    outputs = {
        base: rel
        for base, rel in found.outputs.items()
        if "." in base and (makes is None or base in makes)
    }
    own_suffix = PurePosixPath(reads).suffix
    for rel, text in sorted(found.code.items()):
        if reads.encode() not in text:
            continue
        named = sorted(base for base in outputs if _names(text, base, makes, own_suffix))
        if named:
            return Check(name, True, f"{rel} reads {reads} and names {', '.join(named)}", gate=True)
    wanted = ", ".join(makes) if makes else "a file it saved"
    where = f"{len(found.code)} code file(s) ({', '.join(CODE_SUFFIXES)})"
    if found.capped:
        where += f" in the first {caps.max_entries} entries"
    return Check(
        name,
        False,
        f"none of the workspace's {where} reads {reads} and names {wanted} that exists "
        "in the workspace: the code that produced the deliverable is missing",
        gate=True,
    )


def _names(text: bytes, base: str, makes: tuple[str, ...] | None, own_suffix: str) -> bool:
    if base.encode() in text:
        return True
    suffix = PurePosixPath(base).suffix
    if makes is not None or suffix in ("", own_suffix):
        return False
    return any(f"{suffix}{quote}".encode() in text for quote in "'\"")  # the end of a literal


def _search(root: Path, skip: set[str], caps: SourceCaps) -> _Found:
    found = _Found({}, {})
    try:
        top = os.open(root, DIR_FLAGS)
    except OSError:
        return found
    queue: deque[tuple[int, PurePosixPath, int]] = deque([(top, PurePosixPath(), 0)])
    seen = 0
    try:
        while queue:
            fd, here, depth = queue.popleft()
            try:
                for entry in sorted(os.listdir(fd)):
                    seen += 1
                    if seen > caps.max_entries:
                        found.capped = True
                        return found
                    if entry.startswith(".") or (depth == 0 and entry in skip):
                        continue
                    _visit(fd, entry, here / entry, depth, queue, found, caps)
            finally:
                os.close(fd)
    finally:
        for fd, _, _ in queue:
            os.close(fd)
    return found


def _visit(fd, entry, shown, depth, queue, found: _Found, caps: SourceCaps) -> None:
    try:
        mode = os.stat(entry, dir_fd=fd, follow_symlinks=False).st_mode
    except OSError:
        return  # removed meanwhile
    if stat.S_ISDIR(mode):
        if depth + 1 < caps.max_depth and entry not in SKIPPED_FOLDERS:
            with contextlib.suppress(OSError):  # swapped for a link: O_NOFOLLOW refuses it
                queue.append((os.open(entry, DIR_FLAGS, dir_fd=fd), shown, depth + 1))
    elif stat.S_ISREG(mode):
        if entry.endswith(CODE_SUFFIXES):
            text = _read(fd, entry, str(shown), caps.max_code_bytes)
            if text is not None:
                found.code[str(shown)] = text
        else:
            found.outputs.setdefault(entry, str(shown))


def _read(fd: int, name: str, shown: str, max_bytes: int) -> bytes | None:
    try:
        handle = open_regular_at(fd, name, shown)
    except Refused:
        return None
    try:
        if os.fstat(handle).st_size > max_bytes:
            return None
        chunks, total = [], 0
        while total <= max_bytes and (chunk := os.read(handle, CHUNK)):
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks) if total <= max_bytes else None
    finally:
        os.close(handle)
