"""Sandboxes: where agent and grader commands run. `create` picks a backend by name."""

from __future__ import annotations

import importlib
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
    """The best backend that works here, and why (recorded in the run so reports can say)."""
    try:
        bwrap = importlib.import_module("mlskills.sandbox.bwrap")
    except ModuleNotFoundError:
        return "local", "the bwrap backend is not installed in this version"
    ok, reason = bwrap.probe()
    return ("bwrap", reason) if ok else ("local", reason)


__all__ = ["BACKENDS", "Sandbox", "backend", "create", "default_kind"]
