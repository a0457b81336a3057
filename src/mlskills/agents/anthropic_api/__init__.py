"""The `anthropic` agent: our own Messages API tool loop with Anthropic's client tools.

Module map: settings (options, API key) → client (streamed requests; retry: which failures
are retried and how long to wait) → loop (the turns) with budget (limits), pricing
(dollars), caching (breakpoints), prompts and skills (what the model is told and can open),
tools/ (bash and the text editor, in the sandbox).
"""

from __future__ import annotations

from mlskills.agents.anthropic_api.agent import AnthropicAgent
from mlskills.agents.anthropic_api.settings import settings_from
from mlskills.agents.base import AgentOptions


def create(options: AgentOptions) -> AnthropicAgent:
    """The registry's factory; raises AgentSetupError when ANTHROPIC_API_KEY is missing."""
    return AnthropicAgent(settings_from(options))


__all__ = ["AnthropicAgent", "create"]
