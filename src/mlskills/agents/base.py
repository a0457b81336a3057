"""The agent contract. Agents see the instruction and a sandbox, never how they are graded."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

from mlskills.sandbox import Sandbox
from mlskills.schema import AgentResult, Arm, Limits
from mlskills.transcript import TrialLog


@dataclass
class AgentRequest:
    """Everything one agent run gets.

    `task_dir` is only for script agents (oracle, wrong solutions) that run a file the task
    ships; model-driven agents must ignore it.
    """

    instruction: str
    sandbox: Sandbox
    limits: Limits
    log: TrialLog
    arm: Arm
    task_id: str
    task_dir: Path | None = None


@dataclass
class AgentOptions:
    """Settings from the command line that agent factories may use."""

    model: str | None = None
    command: str | None = None  # the `command` agent's template
    claude_bin: str | None = None
    network: bool = False  # let a command agent reach the network (bwrap)
    pass_env: tuple[str, ...] = ()  # host variables a command agent may see
    extra: dict[str, Any] = field(default_factory=dict)


class Agent(Protocol):
    name: str
    OPTIONS: ClassVar[frozenset[str]]  # the AgentOptions.extra keys it reads (--agent-option)

    def run(self, request: AgentRequest) -> AgentResult: ...

    def describe(self) -> dict[str, Any]:
        """Facts recorded in run.json (versions, model, command template)."""
        ...
