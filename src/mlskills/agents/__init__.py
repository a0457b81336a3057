"""Agents by name. Factories import lazily so unused agents cost nothing at start-up."""

from __future__ import annotations

import importlib

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


def create(name: str, options: AgentOptions | None = None) -> Agent:
    if name not in REGISTRY:
        raise MlskillsError(f"unknown agent {name!r}: use one of {', '.join(REGISTRY)}")
    module_name, _, factory = REGISTRY[name].partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            raise MlskillsError(f"agent {name!r} is not available in this version") from exc
        raise
    return getattr(module, factory)(options or AgentOptions())


__all__ = ["REGISTRY", "Agent", "AgentOptions", "AgentRequest", "create"]
