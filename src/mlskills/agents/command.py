"""Any command-line agent, started from a template such as `my-agent --prompt {instruction_file}`.

Placeholders: {instruction} (the text, shell-quoted), {instruction_file} (a file holding it),
{workspace}, {model}. The command runs in the sandbox under the trial deadline; its output
goes to agent.log. Host variables reach it only when named with pass_env (`--agent-env`),
and their values are redacted from every log the harness writes.
"""

from __future__ import annotations

import os
import re
import shlex
from typing import Any, ClassVar

from mlskills.agents.base import AgentOptions, AgentRequest
from mlskills.errors import AgentSetupError
from mlskills.schema import AgentResult

PLACEHOLDERS = ("instruction", "instruction_file", "workspace", "model")
# Only these names are substituted, so shell braces (awk, ${VAR}) pass through untouched.
PLACEHOLDER_PATTERN = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
NOT_RUNNABLE = {126: "is not executable", 127: "was not found"}


class CommandAgent:
    name = "command"
    OPTIONS: ClassVar[frozenset[str]] = frozenset()  # no --agent-option keys

    def __init__(self, options: AgentOptions) -> None:
        if not options.command:
            raise AgentSetupError(
                "the command agent needs a template: --agent-command 'my-agent {instruction_file}'"
            )
        self.template = options.command
        self.options = options

    def run(self, request: AgentRequest) -> AgentResult:
        sandbox = request.sandbox
        instruction_file = sandbox.tmp / "instruction.md"
        instruction_file.write_text(request.instruction, encoding="utf-8")
        values = {
            "instruction": request.instruction,
            "instruction_file": sandbox.guest_path(instruction_file),
            "workspace": sandbox.guest_path(sandbox.workdir),
            "model": self.options.model or "",
        }
        command = PLACEHOLDER_PATTERN.sub(lambda m: shlex.quote(values[m.group(1)]), self.template)
        passed = {name: os.environ[name] for name in self.options.pass_env if name in os.environ}
        result = sandbox.exec(
            command,
            timeout=request.limits.agent_timeout,
            secrets=passed,
            network=self.options.network,
        )
        request.log.write_text("agent.log", f"{result.stdout}\n--- stderr ---\n{result.stderr}")
        if result.timed_out:
            return AgentResult(status="timeout", limit="agent_timeout", turns=1)
        if result.exit_code in NOT_RUNNABLE:
            message = f"agent command {NOT_RUNNABLE[result.exit_code]}: {result.stderr[-300:]}"
            return AgentResult(status="error", error=message)
        return AgentResult(status="completed", turns=1, details={"exit_code": result.exit_code})

    def describe(self) -> dict[str, Any]:
        return {"agent": self.name, "command": self.template, "network": self.options.network}
