"""Provided files must reach the grader as the task made them.

An agent that edits the data it was given (drops hard rows, relabels, rewrites a test
split) makes the task easier; the harness hashes protected files when the workspace is
laid out and fails a gate check if any changed or vanished.
"""

from __future__ import annotations

import fnmatch
import hashlib
from pathlib import Path

from mlskills import fsafe
from mlskills.schema import Check

CHECK_NAME = "provided data unchanged"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _agent_digest(workspace: Path, rel: str) -> str | None:
    """sha256 of a file in the agent's tree, never through a link (None: not a plain file)."""
    try:
        return fsafe.sha256(workspace, rel)
    except (fsafe.Refused, OSError):
        return None


def protected_hashes(public_dir: Path, patterns: tuple[str, ...]) -> dict[str, str]:
    """sha256 of every prepared public file matching one of the task's protected globs."""
    hashes = {}
    for path in sorted(public_dir.rglob("*")):
        rel = path.relative_to(public_dir).as_posix()
        if path.is_file() and any(fnmatch.fnmatch(rel, p) for p in patterns):
            hashes[rel] = _sha256(path)
    return hashes


def verify(workspace: Path, expected: dict[str, str]) -> Check | None:
    """A gate check over the protected files, or None when the task protects nothing."""
    if not expected:
        return None
    changed = []
    for rel, digest in expected.items():
        if _agent_digest(workspace, rel) != digest:
            changed.append(rel)
    if changed:
        listed = ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else "")
        return Check(
            CHECK_NAME,
            False,
            f"the agent modified or removed provided files: {listed}",
            gate=True,
        )
    return Check(CHECK_NAME, True, f"{len(expected)} provided files intact", gate=True)
