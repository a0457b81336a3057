"""What an agent's first tool call says about triggering.

Claude Code loads a skill with `Skill {"skill": NAME}` and delegates with
`Agent {"subagent_type": NAME, ...}` (`Task` in older versions); plugin items are
namespaced `mlskills:NAME`. Our API session offers tools of the same names and shapes, so
one classifier serves both agents. Anything else (a Bash `ls`, a file read, a plain answer)
means no pack item was chosen first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

PLUGIN = "mlskills"
SKILL_TOOLS = {"Skill": "skill"}  # tool name -> the input field naming the skill
AGENT_TOOLS = {"Agent": "subagent_type", "Task": "subagent_type"}
NONE = "none"
_SAFE_TOOL = re.compile(r"[^A-Za-z0-9_.:-]")


@dataclass(frozen=True)
class Choice:
    """`skill:NAME`, `agent:NAME`, `none` (no tool call), or `other:TOOL` (a tool not ours)."""

    label: str
    tool: str | None = None  # the tool the first call used, if any

    @property
    def ours(self) -> bool:
        return self.label.startswith(("skill:", "agent:"))


def _pack_name(value: Any) -> str | None:
    """`mlskills:x` or bare `x` -> `x`; another plugin's item -> None."""
    if not isinstance(value, str) or not value.strip():
        return None
    plugin, sep, name = value.strip().partition(":")
    if not sep:
        return plugin
    return name if plugin == PLUGIN and name else None


def classify(tool: str | None, tool_input: Any, known: tuple[str, ...]) -> Choice:
    """The choice a first tool call shows; `known` are the labels of the pack's targets."""
    if tool is None:
        return Choice(NONE)
    fields = tool_input if isinstance(tool_input, dict) else {}
    for tools, kind in ((SKILL_TOOLS, "skill"), (AGENT_TOOLS, "agent")):
        if tool in tools:
            name = _pack_name(fields.get(tools[tool]))
            label = f"{kind}:{name}" if name else None
            if label in known:
                return Choice(label, tool)
    safe = _SAFE_TOOL.sub("?", str(tool))[:64]  # it reaches terminals and reports
    return Choice(f"other:{safe}", safe)
