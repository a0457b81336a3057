"""Agents by name. Factories import lazily so unused agents cost nothing at start-up."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from mlskills.agents.base import Agent, AgentOptions, AgentRequest
from mlskills.errors import MlskillsError


@dataclass(frozen=True)
class Entry:
    """Where an agent lives, as import paths (loaded only when that agent is used)."""

    factory: str  # "module:callable": takes AgentOptions, returns the Agent
    declares: str  # "module:Class" whose OPTIONS are the --agent-option keys it reads


REGISTRY = {
    "oracle": Entry("mlskills.agents.script:oracle", "mlskills.agents.script:ScriptAgent"),
    "nop": Entry("mlskills.agents.nop:NopAgent", "mlskills.agents.nop:NopAgent"),
    "command": Entry(
        "mlskills.agents.command:CommandAgent", "mlskills.agents.command:CommandAgent"
    ),
    "anthropic": Entry(
        "mlskills.agents.anthropic_api:create",
        "mlskills.agents.anthropic_api.agent:AnthropicAgent",
    ),
    "claude-code": Entry(
        "mlskills.agents.claude_code:create",
        "mlskills.agents.claude_code.agent:ClaudeCodeAgent",
    ),
}


def create(name: str, options: AgentOptions | None = None) -> Agent:
    if name not in REGISTRY:
        raise MlskillsError(f"unknown agent {name!r}: use one of {', '.join(REGISTRY)}")
    options = options or AgentOptions()
    check_options(name, options.extra)
    return _load(name, REGISTRY[name].factory)(options)


def accepted_options(name: str) -> frozenset[str]:
    """The `--agent-option` keys agent `name` reads (its class's declared OPTIONS)."""
    return _load(name, REGISTRY[name].declares).OPTIONS


def check_options(name: str, extra: dict[str, Any]) -> None:
    """Unknown `--agent-option` keys are refused, not silently ignored (a typo would be)."""
    if unknown := sorted(set(extra) - accepted_options(name)):
        accepted = sorted(accepted_options(name))
        takes = f"it accepts: {', '.join(accepted)}" if accepted else "it takes none"
        raise MlskillsError(
            f"--agent-option {', '.join(unknown)}: not a setting of the {name} agent; {takes}"
        )


def _load(name: str, where: str) -> Any:
    module_name, _, attribute = where.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            raise MlskillsError(f"agent {name!r} is not available in this version") from exc
        raise
    return getattr(module, attribute)


__all__ = [
    "REGISTRY",
    "Agent",
    "AgentOptions",
    "AgentRequest",
    "Entry",
    "accepted_options",
    "check_options",
    "create",
]
