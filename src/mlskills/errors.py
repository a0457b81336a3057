"""Errors a person can act on: each names the file, the field and the fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, phrased so the reader knows what to change."""

    file: str
    field: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        tail = f" (fix: {self.fix})" if self.fix else ""
        return f"{where}: {self.message}{tail}"


class MlskillsError(Exception):
    """An error the CLI reports as one clear message and a non-zero exit, never a traceback."""

    exit_code = 2


class InvalidInput(MlskillsError):
    """Bad input files; carries every problem found so all are reported at once."""

    def __init__(self, problems: list[Problem], what: str = "input") -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in {what}:\n{lines}")


class SandboxError(MlskillsError):
    """The sandbox itself failed (not the agent's command): an infrastructure error."""


class AgentSetupError(MlskillsError):
    """An agent could not be set up (missing CLI, missing API key, bad template)."""
