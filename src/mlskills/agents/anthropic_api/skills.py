"""Progressive disclosure of the pack's skills: copies the model can open, and their index.

The prompt lists each skill's name, description and where its SKILL.md is; the model reads
the files with its tools only when a skill fits. The copies live in the trial's home (not
the workspace, so they are never mistaken for deliverables) and are made read-only.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from mlskills.pack.load import Pack, SkillDef
from mlskills.sandbox import Sandbox
from mlskills.schema import Arm

WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


@dataclass(frozen=True)
class SkillEntry:
    """One line of the skill index, with paths as the sandboxed model sees them."""

    name: str
    description: str
    folder: str
    skill_md: str


def select_skills(pack: Pack, arm: Arm) -> list[SkillDef]:
    """All skills for the `pack` arm, or the arm's named subset (unknown names raise)."""
    if not arm.skills:
        return list(pack.skills)
    return [pack.skill(name) for name in arm.skills]


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


def set_read_only(root: Path, read_only: bool) -> None:
    """Clear (or restore the owner's) write bits below `root`, so cleanup can delete it."""
    if not root.exists():
        return
    for folder, _, files in os.walk(root):
        for path in [Path(folder), *(Path(folder) / f for f in files)]:
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                continue
            path.chmod(mode & ~WRITE_BITS if read_only else mode | stat.S_IWUSR)
