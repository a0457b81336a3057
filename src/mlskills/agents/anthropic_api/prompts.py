"""The agent's prompts, rendered from Jinja2 templates in prompts/ (reviewable as text).

Both arms get the same task message; only the system prompt differs: a short brief for a
capable engineer (bare), or the pack's ml-engineer body plus the skill index (pack).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from mlskills import paths
from mlskills.agents.anthropic_api.skills import SkillEntry
from mlskills.schema import Limits

BARE = "system_bare.md.j2"
PACK = "system_pack.md.j2"
PLUGIN = "system_plugin.md.j2"  # the pack's skills without the agent body (the plugin arm)
TASK = "task_instruction.md.j2"
TEMPLATES = (BARE, PACK, PLUGIN, TASK)


@cache
def environment(folder: Path) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **values: object) -> str:
    return environment(paths.prompts_dir()).get_template(template).render(**values).strip()


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
