"""Progressive disclosure of the pack's skills: copies the model can open, and their index.

The prompt lists each skill's name, description and where its SKILL.md is; the model reads
the files with its tools only when a skill fits. The copies live in the trial's home (not
the workspace, so they are never mistaken for deliverables) and are made read-only.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from mlskills.agents.pack_stage import select_skills, set_read_only
from mlskills.pack.load import SkillDef
from mlskills.sandbox import Sandbox


@dataclass(frozen=True)
class SkillEntry:
    """One line of the skill index, with paths as the sandboxed model sees them."""

    name: str
    description: str
    folder: str
    skill_md: str


def skills_home(sandbox: Sandbox) -> Path:
    return sandbox.home / "skills"


def place_skills(skills: list[SkillDef], sandbox: Sandbox) -> list[SkillEntry]:
    """Copy the skill folders where the sandbox can read them; return their index entries."""
    root = skills_home(sandbox)
    entries = []
    for skill in skills:
        folder = root / skill.name
        shutil.copytree(skill.path, folder, dirs_exist_ok=True)
        entries.append(
            SkillEntry(
                name=skill.name,
                description=" ".join(skill.description.split()),
                folder=sandbox.guest_path(folder),
                skill_md=sandbox.guest_path(folder / "SKILL.md"),
            )
        )
    set_read_only(root, True)
    return entries


class SkillReads:
    """Which skills the model opened: any tool call naming a skill's folder counts (a
    `cat .../SKILL.md`, an editor `view` of a file in it), in first-read order."""

    def __init__(self, entries: list[SkillEntry]) -> None:
        self.folders = {entry.name: entry.folder.rstrip("/") + "/" for entry in entries}
        self.names: list[str] = []

    def note(self, tool: str, params: dict) -> None:
        text = " ".join(str(v) for v in params.values() if isinstance(v, str))
        for name, folder in self.folders.items():
            if folder in text and name not in self.names:
                self.names.append(name)


__all__ = [
    "SkillEntry",
    "SkillReads",
    "place_skills",
    "select_skills",
    "set_read_only",
    "skills_home",
]
