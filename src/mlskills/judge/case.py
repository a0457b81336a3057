"""What the judge is given and what it gives back; light, so trial.py imports it cheaply."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlskills.sandbox import Sandbox
from mlskills.schema import Limits, TaskSpec, Usage

SandboxFactory = Callable[[Path, Limits, Path], Sandbox]


@dataclass
class Case:
    """One finished workspace to judge against its task's rubric (read, never changed)."""

    task: TaskSpec
    workspace: Path
    scratch: Path  # where evidence commands get their throwaway copy
    make_sandbox: SandboxFactory | None = None
    # The instruction exactly as the agent received it (trial.py renders it once, with the
    # trial's effective limits); the judge never renders its own.
    instruction: str = field(kw_only=True)


@dataclass
class Judgement:
    """Per-item entries for Grade.rubric, plus what the judging cost."""

    entries: list[dict[str, Any]]
    usage: Usage = field(default_factory=Usage)
    requests: int = 0
    seconds: float = 0.0
