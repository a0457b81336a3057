"""The agent that does nothing: every task must score 0 against it."""

from __future__ import annotations

from typing import Any, ClassVar

from mlskills.agents.base import AgentOptions, AgentRequest
from mlskills.schema import AgentResult


class NopAgent:
    """Runs one empty command so the sandbox path is exercised, then stops."""

    name = "nop"
    OPTIONS: ClassVar[frozenset[str]] = frozenset()  # no --agent-option keys

    def __init__(self, options: AgentOptions | None = None) -> None:
        pass

    def run(self, request: AgentRequest) -> AgentResult:
        result = request.sandbox.exec("true", timeout=request.limits.command_timeout)
        status = "completed" if result.ok else "error"
        return AgentResult(status=status, error=None if result.ok else result.stderr[-500:])

    def describe(self) -> dict[str, Any]:
        return {"agent": self.name}
