"""The agent's prompts, rendered from Jinja2 templates in prompts/ (llm/prompts.py).

Both arms get the same task message; only the system prompt differs: a short brief for a
capable engineer (bare), or the pack's ml-engineer body plus the skill index (pack).
"""

from __future__ import annotations

from mlskills.agents.anthropic_api.skills import SkillEntry
from mlskills.llm.prompts import render
from mlskills.schema import Limits

BARE = "system_bare.md.j2"
PACK = "system_pack.md.j2"
PLUGIN = "system_plugin.md.j2"  # the pack's skills without the agent body (the plugin arm)
TASK = "task_instruction.md.j2"
TEMPLATES = (BARE, PACK, PLUGIN, TASK)


def bare_system(workspace: str) -> str:
    return render(BARE, workspace=workspace)


def pack_system(workspace: str, agent_body: str, skills: list[SkillEntry]) -> str:
    return render(PACK, workspace=workspace, agent_body=agent_body.strip(), skills=skills)


def plugin_system(workspace: str, skills: list[SkillEntry]) -> str:
    return render(PLUGIN, workspace=workspace, skills=skills)


def task_message(instruction: str, workspace: str, limits: Limits) -> str:
    return render(
        TASK,
        instruction=instruction.strip(),
        workspace=workspace,
        limits=limits,
        minutes=max(1, round(limits.agent_timeout / 60)),
    )
