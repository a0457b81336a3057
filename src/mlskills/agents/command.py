"""Any command-line agent, started from a template such as `my-agent --prompt {instruction_file}`.

Placeholders: {instruction} (the text, shell-quoted), {instruction_file} (a file holding it),
{workspace}, {model}. The command runs in the sandbox under the trial deadline; its output
goes to agent.log. Host variables reach it only when named with pass_env (`--agent-env`),
and their values are redacted from every log the harness writes.
"""

from __future__ import annotations

import itertools
import os
import re
import shlex
import subprocess
import sys
from typing import Any, ClassVar

from mlskills.agents.base import AgentOptions, AgentRequest
from mlskills.errors import AgentSetupError
from mlskills.schema import AgentResult

PLACEHOLDERS = ("instruction", "instruction_file", "workspace", "model")
# Only these names are substituted, so shell braces (awk, ${VAR}) pass through untouched.
PLACEHOLDER_PATTERN = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


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
        if problem := missing_executable(options.command):
            raise AgentSetupError(problem)

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
        # Any exit code, 126 and 127 included, is the agent's own result: what it left in
        # the workspace is graded. A template that cannot start at all was refused above.
        return AgentResult(status="completed", turns=1, details={"exit_code": result.exit_code})

    def describe(self) -> dict[str, Any]:
        return {"agent": self.name, "command": self.template, "network": self.options.network}


def missing_executable(template: str) -> str | None:
    """Why the template's program cannot run here, or None (checked before any trial).

    The first word after any VAR=value assignments must be a shell builtin or keyword, or
    a program on PATH (the sandbox puts this interpreter's folder first). Words that only
    exist at run time (a placeholder, a path relative to the workspace) are not checked.
    """
    try:
        words = shlex.split(template, comments=False)
    except ValueError:
        return None  # unbalanced quotes: bash will say so in the agent log
    words = list(itertools.dropwhile(ASSIGNMENT.match, words))
    if not words:
        return None
    program = words[0]
    if "{" in program or (not program.startswith("/") and "/" in program):
        return None
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    found = subprocess.run(
        ["bash", "-c", 'type -t -- "$1"', "_", program],
        capture_output=True,
        text=True,
        env={"PATH": path},
        check=False,
    )
    if found.stdout.strip():
        return None
    return f"the agent command {program!r} was not found (not a shell builtin, not on PATH)"
