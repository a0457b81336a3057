"""Agents that run a shell script the task ships: the oracle (solution/solve.sh) and
the wrong solutions (wrong/<name>.sh) that `tasks check` proves score below the pass mark.

The script's folder is copied into the workspace under a hidden name, run from the
workspace root, and removed afterwards, so the deliverables look as an agent's would.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, ClassVar

from mlskills.agents.base import AgentOptions, AgentRequest
from mlskills.schema import AgentResult

STAGING = ".mlskills-script"


class ScriptAgent:
    """Runs `<task_dir>/<relpath>` with bash in the sandbox, under the trial's deadline."""

    OPTIONS: ClassVar[frozenset[str]] = frozenset()  # no --agent-option keys

    def __init__(self, relpath: str, name: str) -> None:
        self.relpath = Path(relpath)
        self.name = name

    def run(self, request: AgentRequest) -> AgentResult:
        if request.task_dir is None:
            return AgentResult(status="error", error=f"{self.name}: no task folder given")
        script = request.task_dir / self.relpath
        if not script.is_file():
            return AgentResult(status="error", error=f"{self.name}: {script} does not exist")
        staged = request.sandbox.workdir / STAGING
        shutil.copytree(script.parent, staged, dirs_exist_ok=True)
        try:
            result = request.sandbox.exec(
                ["bash", f"{STAGING}/{script.name}"], timeout=request.limits.agent_timeout
            )
        finally:
            shutil.rmtree(staged, ignore_errors=True)
        request.log.write_text("agent.log", f"{result.stdout}\n--- stderr ---\n{result.stderr}")
        if result.timed_out:
            return AgentResult(status="timeout", limit="agent_timeout", turns=1)
        details: dict[str, Any] = {"exit_code": result.exit_code}
        if result.exit_code:
            details["stderr_tail"] = result.stderr[-800:]
        return AgentResult(status="completed", turns=1, details=details)

    def describe(self) -> dict[str, Any]:
        return {"agent": self.name, "script": str(self.relpath)}


def oracle(options: AgentOptions | None = None) -> ScriptAgent:
    return ScriptAgent("solution/solve.sh", "oracle")


def wrong(name: str) -> ScriptAgent:
    return ScriptAgent(f"wrong/{name}.sh", f"wrong:{name}")
