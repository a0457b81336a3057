"""Is the code that produced a deliverable in the workspace? Read as data, never run.

Tickets ask for a model or a report *and the code that produced it*. Rerunning that code
would cost a training run per grading and prove little more (training need not be
deterministic), so the grader asks what reading can answer: does some code file in the
workspace read the ticket's input data and name an output that exists there? A solution
that trained in a throwaway `python -c` and shipped only the artefact has none. A
predict.py whose docstring happens to name train.csv would pass for one: a false pass is
the lesser error here, a false fail would punish honest work laid out in its own way.

The walk never follows a link (each folder is opened component by component with
O_NOFOLLOW) and skips hidden entries (.grader, .git, virtualenvs' dot-folders) and the
input folder. It goes breadth first and stops at caps on entries and on bytes of code
read, so a workspace holding a virtualenv or a dataset dump is judged on its top levels
instead of being walked or read at length.
"""

from __future__ import annotations

import os
import stat
from collections import deque
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlskills.fsafe.nofollow import Refused, folder, read_bytes_at
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
    max_total_bytes: int = 32 << 20  # nor any more once this much code has been read


@dataclass
class _Found:
    code: dict[str, bytes]  # relative path -> contents, for code files within the caps
    outputs: set[str]  # file names of the other regular files
    capped: bool = False
    code_bytes: int = 0


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
    outputs = {b for b in found.outputs if "." in b and (makes is None or b in makes)}
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
        spent = f"{caps.max_entries} entries, {caps.max_total_bytes >> 20} MiB"
        where += f" read before the caps ({spent})"
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
    """Breadth first from root. Folders wait in the queue as paths, each opened again
    component by component without following a link when its turn comes, so a wide tree
    holds one descriptor at a time, not one per waiting folder."""
    found = _Found({}, set())
    queue: deque[PurePosixPath] = deque([PurePosixPath()])
    seen = 0
    while queue:
        here = queue.popleft()
        try:
            with folder(root, here.parts) as fd:
                for entry in sorted(os.listdir(fd)):
                    seen += 1
                    if seen > caps.max_entries:
                        found.capped = True
                        return found
                    if entry.startswith(".") or (not here.parts and entry in skip):
                        continue
                    _visit(fd, entry, here / entry, queue, found, caps)
        except (Refused, OSError):
            continue  # replaced by a link or removed since it was queued: not searched
    return found


def _visit(fd, entry, shown: PurePosixPath, queue, found: _Found, caps: SourceCaps) -> None:
    try:
        mode = os.stat(entry, dir_fd=fd, follow_symlinks=False).st_mode
    except OSError:
        return  # removed meanwhile
    if stat.S_ISDIR(mode):
        if len(shown.parts) < caps.max_depth and entry not in SKIPPED_FOLDERS:
            queue.append(shown)
    elif stat.S_ISREG(mode):
        if entry.endswith(CODE_SUFFIXES) and not found.capped:
            room = min(caps.max_code_bytes, caps.max_total_bytes - found.code_bytes)
            text = _read(fd, entry, str(shown), room)
            if text is not None:
                found.code[str(shown)] = text
                found.code_bytes += len(text)
            elif room < caps.max_code_bytes:
                found.capped = True  # the total is spent: what follows is not read
        else:
            found.outputs.add(entry)


def _read(fd: int, name: str, shown: str, max_bytes: int) -> bytes | None:
    try:
        return read_bytes_at(fd, name, shown, max_bytes)
    except Refused:  # not a regular file after all, or over the cap
        return None
