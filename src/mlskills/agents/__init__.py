"""Agents by name. Factories import lazily so unused agents cost nothing at start-up."""

from __future__ import annotations

import importlib
from typing import Any

from mlskills.agents.base import Agent, AgentOptions, AgentRequest
from mlskills.errors import MlskillsError

# name -> "module:factory"; a factory takes AgentOptions and returns an Agent.
REGISTRY = {
    "oracle": "mlskills.agents.script:oracle",
    "nop": "mlskills.agents.nop:NopAgent",
    "command": "mlskills.agents.command:CommandAgent",
    "anthropic": "mlskills.agents.anthropic_api:create",
    "claude-code": "mlskills.agents.claude_code:create",
}
# name -> "module:Class": the class declares the AgentOptions.extra keys it reads (OPTIONS).
CLASSES = {
    "oracle": "mlskills.agents.script:ScriptAgent",
    "nop": "mlskills.agents.nop:NopAgent",
    "command": "mlskills.agents.command:CommandAgent",
    "anthropic": "mlskills.agents.anthropic_api.agent:AnthropicAgent",
    "claude-code": "mlskills.agents.claude_code.agent:ClaudeCodeAgent",
}


def create(name: str, options: AgentOptions | None = None) -> Agent:
    if name not in REGISTRY:
        raise MlskillsError(f"unknown agent {name!r}: use one of {', '.join(REGISTRY)}")
    options = options or AgentOptions()
    check_options(name, options.extra)
    return _load(name, REGISTRY[name])(options)


def accepted_options(name: str) -> frozenset[str]:
    """The `--agent-option` keys agent `name` reads (its class's declared OPTIONS)."""
    return _load(name, CLASSES[name]).OPTIONS


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
    "CLASSES",
    "REGISTRY",
    "Agent",
    "AgentOptions",
    "AgentRequest",
    "accepted_options",
    "check_options",
    "create",
]
