"""The `anthropic` agent: a Claude model through the Messages API, bare or with the pack."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, ClassVar

import anthropic

from mlskills.agents.anthropic_api import prompts
from mlskills.agents.anthropic_api.skills import (
    SkillEntry,
    SkillReads,
    place_skills,
    select_skills,
    set_read_only,
    skills_home,
)
from mlskills.agents.anthropic_api.tools import ToolBox
from mlskills.agents.base import AgentRequest
from mlskills.errors import MlskillsError
from mlskills.llm.budget import Budget
from mlskills.llm.client import Requester
from mlskills.llm.loop import ToolLoop
from mlskills.llm.pricing import prices_for
from mlskills.llm.settings import OPTION_KEYS, Settings
from mlskills.pack.load import load_pack
from mlskills.schema import AgentResult


class AnthropicAgent:
    name = "anthropic"
    OPTIONS: ClassVar[frozenset[str]] = OPTION_KEYS  # --agent-option keys (llm/settings.py)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.requester = Requester(settings)

    def run(self, request: AgentRequest) -> AgentResult:
        """One trial; every failure comes back as a result, never as an exception."""
        toolbox = None
        try:
            system, template, entries = self._system_prompt(request)
            read_only = (skills_home(request.sandbox),) if entries else ()
            reads = SkillReads(entries)
            budget = self._budget(request)
            toolbox = ToolBox(request.sandbox, self.settings.output_chars, read_only, reads.note)
            self._log_start(request, system, template, toolbox)
            loop = ToolLoop(self.requester, system, toolbox, budget, request.log, request.sandbox)
            result = loop.run(self._task_message(request))
            if entries:
                result.details["skills_read"] = reads.names
            return result
        except Exception as exc:  # the harness records it as an infrastructure error
            reason = str(exc) if isinstance(exc, MlskillsError) else f"{type(exc).__name__}: {exc}"
            request.log.event("agent_error", error=reason)
            return AgentResult(status="error", error=f"anthropic agent: {reason}")
        finally:
            if toolbox is not None:
                toolbox.close()
            set_read_only(skills_home(request.sandbox), False)

    def describe(self) -> dict[str, Any]:
        return {
            "agent": self.name,
            "model": self.settings.model,
            "sdk": f"anthropic {anthropic.__version__}",
            "prompts": list(prompts.TEMPLATES),
            "max_retries": self.settings.max_retries,
            "base_url": "custom" if self.settings.base_url else "default",
            "prices": _price_row(self.settings),
        }

    # ---- setup of one trial

    def _system_prompt(self, request: AgentRequest) -> tuple[str, str, list[SkillEntry]]:
        """(system prompt, template name, the skills placed for the model to read)."""
        workspace = request.sandbox.guest_path(request.sandbox.workdir)
        if not request.arm.pack:
            return prompts.bare_system(workspace), prompts.BARE, []
        pack = load_pack(self.settings.pack_root)
        entries = place_skills(select_skills(pack, request.arm), request.sandbox)
        if not request.arm.as_agent:
            return prompts.plugin_system(workspace, entries), prompts.PLUGIN, entries
        body = pack.agent(self.settings.pack_agent).body
        return prompts.pack_system(workspace, body, entries), prompts.PACK, entries

    def _budget(self, request: AgentRequest) -> Budget:
        prices = prices_for(self.settings.model, self.settings.prices)
        if prices is None and request.limits.cost_limit is not None:
            raise MlskillsError(
                f"no price is known for model {self.settings.model!r}, so the cost limit cannot "
                'be enforced; add one with extra {"prices": {MODEL: {"input": .., "output": ..}}}'
            )
        return Budget(request.limits, prices)

    def _task_message(self, request: AgentRequest) -> str:
        workspace = request.sandbox.guest_path(request.sandbox.workdir)
        return prompts.task_message(request.instruction, workspace, request.limits)

    def _log_start(
        self, request: AgentRequest, system: str, template: str, toolbox: ToolBox
    ) -> None:
        request.log.event(
            "agent_start",
            agent=self.name,
            model=self.settings.model,
            arm=request.arm.name,
            template=template,
            system=system,
            tools=toolbox.definitions(),
            limits=asdict(request.limits),
        )


def _price_row(settings: Settings) -> dict[str, float] | None:
    prices = prices_for(settings.model, settings.prices)
    return asdict(prices) if prices else None
