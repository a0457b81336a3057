"""The `claude-code` agent: the real Claude Code CLI, headless, bare or with the pack."""

from __future__ import annotations

from mlskills.agents.base import AgentOptions
from mlskills.agents.claude_code.agent import ClaudeCodeAgent


def create(options: AgentOptions) -> ClaudeCodeAgent:
    return ClaudeCodeAgent(options)


__all__ = ["ClaudeCodeAgent", "create"]
