"""Stage the pack as a Claude Code plugin with some descriptions replaced.

`improve` evaluates a candidate description without touching the repository: the staged
copy's frontmatter gets the candidate, everything else stays byte for byte.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mlskills.agents.pack_stage import set_read_only, stage_plugin
from mlskills.pack.load import Pack
from mlskills.schema import Arm

_DESCRIPTION = re.compile(r"^description:.*(?:\n[ \t]+.*)*", re.MULTILINE)


def replace_description(text: str, description: str) -> str:
    """The document with its frontmatter `description` replaced, every other byte kept.

    The new value is written as a JSON string, which YAML reads as a double-quoted scalar.
    """
    if not text.startswith("---"):
        raise ValueError("no frontmatter")
    end = text.find("\n---", 3)
    if end < 0:
        raise ValueError("unterminated frontmatter")
    head, rest = text[:end], text[end:]
    line = "description: " + json.dumps(" ".join(description.split()), ensure_ascii=False)
    new_head, count = _DESCRIPTION.subn(lambda _: line, head, count=1)
    if count != 1:
        raise ValueError("no description in the frontmatter")
    return new_head + rest


def item_file(label: str, root: Path) -> Path:
    kind, _, name = label.partition(":")
    return (
        root / "skills" / name / "SKILL.md" if kind == "skill" else root / "agents" / f"{name}.md"
    )


def stage_with(pack: Pack, overrides: dict[str, str], target: Path) -> Path:
    """The whole pack as a plugin at `target`, with `overrides` (label -> description)."""
    stage_plugin(pack, Arm.parse("pack"), target)
    if overrides:
        set_read_only(target, False)
        for label, description in overrides.items():
            file = item_file(label, target)
            file.write_text(
                replace_description(file.read_text(encoding="utf-8"), description),
                encoding="utf-8",
            )
        set_read_only(target, True)
    return target
