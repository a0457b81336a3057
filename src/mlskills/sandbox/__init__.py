"""Sandboxes: where agent and grader commands run. `create` picks a backend by name."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

from mlskills.errors import MlskillsError
from mlskills.sandbox.base import Sandbox
from mlskills.schema import Limits

# name -> "module:Class"; backends import lazily so a missing tool costs nothing at start-up.
BACKENDS = {
    "local": "mlskills.sandbox.base:Sandbox",
    "bwrap": "mlskills.sandbox.bwrap:BwrapSandbox",
}


def backend(kind: str) -> type[Sandbox]:
    if kind not in BACKENDS:
        raise MlskillsError(f"unknown sandbox {kind!r}: use one of {', '.join(BACKENDS)}")
    module_name, _, class_name = BACKENDS[kind].partition(":")
    return getattr(importlib.import_module(module_name), class_name)


def create(kind: str, workdir: Path, limits: Limits, scratch: Path | None = None) -> Sandbox:
    return backend(kind)(workdir, limits, scratch)


def default_kind() -> tuple[str, str]:
    """The best backend here, and why (recorded in the run so reports can say).

    `local` only when bubblewrap is not installed at all. Installed but broken is a
    problem to fix, never a reason to run agents unconfined: SandboxUnavailable.
    """
    return choose("auto")


def choose(choice: str) -> tuple[str, str]:
    """The backend for `--sandbox CHOICE` (auto, local, bwrap) and why; refuses (exit 2)
    when bwrap is wanted or installed but cannot start, with bwrap's message and the fix."""
    if choice == "local":
        return "local", "chosen with --sandbox local"
    from mlskills.sandbox import bwrap

    if choice == "auto" and not bwrap.installed():
        return "local", f"auto chose local: {bwrap.probe()[1]}"
    ok, reason = bwrap.probe()
    if ok:
        return "bwrap", reason if choice == "auto" else f"chosen with --sandbox bwrap: {reason}"
    raise SandboxUnavailable(
        f"{reason}\nfix: {bwrap.fix_for(reason)}\n"
        "or pass --sandbox local to run without isolation "
        "(the agent then runs as you and can read the grading data)"
    )


def local_user() -> str:
    """Who a local sandbox's agent is: the harness's own user (root, often, in CI)."""
    from mlskills.sandbox.base import describe_user

    return describe_user(os.geteuid())


class SandboxUnavailable(MlskillsError):
    """bubblewrap is installed (or asked for) but cannot create a sandbox: exit 2."""


__all__ = [
    "BACKENDS",
    "Sandbox",
    "SandboxUnavailable",
    "backend",
    "choose",
    "create",
    "default_kind",
    "local_user",
]
