"""The `anthropic` agent: the Messages API tool loop of mlskills.llm with Anthropic's client tools.

Module map: agent (one trial: prompts, budget, ToolLoop from mlskills.llm), prompts and
skills (what the model is told and can open), tools/ (the ToolBox: bash in the sandbox and
the text editor of mlskills.llm.tools over the workspace). The client, retries, loop,
budget, pricing, caching and settings are mlskills.llm's, shared with the rubric judge.
"""

from __future__ import annotations

from mlskills.agents.anthropic_api.agent import AnthropicAgent
from mlskills.agents.base import AgentOptions
from mlskills.llm.settings import settings_from


def create(options: AgentOptions) -> AnthropicAgent:
    """The registry's factory; raises AgentSetupError when ANTHROPIC_API_KEY is missing."""
    return AnthropicAgent(settings_from(options.model, options.extra))


__all__ = ["AnthropicAgent", "create"]
