"""Shared by the sandbox and adversarial tests: backend parameters and process lookups."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mlskills.sandbox.bwrap import probe

BWRAP_OK, BWRAP_REASON = probe()
needs_bwrap = pytest.mark.skipif(not BWRAP_OK, reason=f"bwrap does not work here: {BWRAP_REASON}")
BACKENDS = [pytest.param("local"), pytest.param("bwrap", marks=needs_bwrap)]
FAST = {"command_timeout": 30.0, "agent_timeout": 60.0}


def processes_with(needle: str) -> list[int]:
    """Live (non-zombie) processes whose command line contains `needle`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if needle.encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def gone_soon(needle: str, within: float = 3.0) -> bool:
    """True once no live process matches (SIGKILL is asynchronous: allow a moment)."""
    deadline = time.monotonic() + within
    while processes_with(needle):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def toward_python(path: Path) -> set[str]:
    """The children of `path` that exist inside a bwrap sandbox only because an interpreter
    folder is bound below it (`python -m venv .venv` in the checkout binds
    <checkout>/.venv, so <checkout> holds just `.venv` there); empty when none is."""
    from mlskills.sandbox.mounts import python_dirs

    path = path.resolve()
    return {
        d.relative_to(path).parts[0] for d in python_dirs() if d != path and d.is_relative_to(path)
    }


def invisible_check(paths: list[Path]) -> str:
    """Shell lines that print `VISIBLE <path>` for each path the sandbox shows beyond what an
    interpreter folder bound below it needs (a path toward one may exist, holding only that)."""
    lines = []
    for path in paths:
        allowed = toward_python(path)
        if not allowed:
            lines.append(f'test -e "{path}" && echo "VISIBLE {path}"')
            continue
        keep = "|".join(sorted(allowed))
        lines.append(
            f'ls -A "{path}" 2>/dev/null | grep -Evx "{keep}" | sed "s|^|VISIBLE {path}/|"'
        )
    return "\n".join(lines)
