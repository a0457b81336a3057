"""Trigger sessions through the Messages API: one request, the first reply decides.

The model sees what a coding agent's main session sees (the repository's files, the skill
and subagent listings, tools named and shaped like Claude Code's Skill and Agent tools, and
Bash/Read as the alternatives) and the user's request. Its reply either starts with a tool
call, which is classified, or is plain text (no tool: nothing chosen). Nothing is executed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import anthropic

from mlskills.errors import AgentSetupError
from mlskills.llm.pricing import prices_for
from mlskills.llm.prompts import render
from mlskills.schema import Usage
from mlskills.triggers.cases import TriggerCase
from mlskills.triggers.choice import classify
from mlskills.triggers.session import Outcome, bounded
from mlskills.triggers.targets import Targets

TEMPLATE = "triggers_system.md.j2"
CWD = "/workspace"
MAX_TOKENS = 1024
MAX_LISTED_FILES = 200

TOOLS: list[dict[str, Any]] = [
    {
        "name": "Bash",
        "description": "Run a shell command in the repository and return its output.",
        "input_schema": {
            "type": "object",
            "properties": {"command": {"type": "string"}},
            "required": ["command"],
        },
    },
    {
        "name": "Read",
        "description": "Read a file of the repository.",
        "input_schema": {
            "type": "object",
            "properties": {"file_path": {"type": "string"}},
            "required": ["file_path"],
        },
    },
    {
        "name": "Skill",
        "description": "Load one of the listed skills by name before doing work it covers.",
        "input_schema": {
            "type": "object",
            "properties": {"skill": {"type": "string", "description": "the skill's name"}},
            "required": ["skill"],
        },
    },
    {
        "name": "Agent",
        "description": "Hand a whole job to one of the listed subagents.",
        "input_schema": {
            "type": "object",
            "properties": {
                "subagent_type": {"type": "string", "description": "the subagent's name"},
                "description": {"type": "string", "description": "three to five words"},
                "prompt": {"type": "string", "description": "the job, self-contained"},
            },
            "required": ["subagent_type", "prompt"],
        },
    },
]


def listing(project: Path) -> str:
    """The repository's files, one per line, as `ls -R` would show them to the model."""
    files = sorted(str(p.relative_to(project)) for p in Path(project).rglob("*") if p.is_file())
    shown = files[:MAX_LISTED_FILES]
    more = len(files) - len(shown)
    return "\n".join(shown + ([f"... and {more} more"] if more > 0 else []))


def system_prompt(targets: Targets, project: Path) -> str:
    skills = [{"name": t.name, "description": t.description} for t in targets.of_kind("skill")]
    agents = [{"name": t.name, "description": t.description} for t in targets.of_kind("agent")]
    return render(TEMPLATE, cwd=CWD, listing=listing(project), skills=skills, agents=agents)


class ApiSession:
    """`--agent anthropic`: our own request, the real SDK, its retries for 429/5xx."""

    name = "anthropic"

    def __init__(self, model: str, project: Path, max_retries: int = 4) -> None:
        if not os.environ.get("ANTHROPIC_API_KEY"):
            raise AgentSetupError(
                "trigger runs with --agent anthropic need ANTHROPIC_API_KEY "
                "(export ANTHROPIC_API_KEY=...)"
            )
        self.model = model
        self.project = Path(project)
        self.client = anthropic.Anthropic(max_retries=max_retries)
        self.prices = prices_for(model)

    def describe(self) -> dict[str, Any]:
        return {"agent": self.name, "model": self.model, "sdk": anthropic.__version__}

    def probe(self, case: TriggerCase, targets: Targets) -> Outcome:
        started = time.monotonic()
        try:
            message = self.client.messages.create(
                model=self.model,
                max_tokens=MAX_TOKENS,
                system=system_prompt(targets, self.project),
                tools=TOOLS,
                messages=[{"role": "user", "content": case.prompt}],
            )
        except anthropic.APIError as exc:
            return Outcome(
                None,
                error=f"{type(exc).__name__}: {exc}"[:500],
                model=self.model,
                model_calls=1,
                seconds=time.monotonic() - started,
            )
        return self._outcome(message, targets, time.monotonic() - started)

    def _outcome(self, message: Any, targets: Targets, seconds: float) -> Outcome:
        text, tool, tool_input = [], None, None
        for block in message.content:
            if block.type == "text":
                text.append(block.text)
            elif block.type == "tool_use":
                tool, tool_input = block.name, block.input
                break
        raw = message.usage
        usage = Usage(
            input_tokens=raw.input_tokens or 0,
            output_tokens=raw.output_tokens or 0,
            cache_read_tokens=raw.cache_read_input_tokens or 0,
            cache_write_tokens=raw.cache_creation_input_tokens or 0,
        )
        if self.prices:
            usage.cost = self.prices.cost(usage)
        return Outcome(
            choice=classify(tool, tool_input, targets.labels),
            usage=usage,
            cost_known=self.prices is not None,
            model=message.model or self.model,
            model_calls=1,
            seconds=seconds,
            text=bounded("".join(text)),
            tool_input=bounded(tool_input),
        )

    def close(self) -> None:
        self.client.close()
