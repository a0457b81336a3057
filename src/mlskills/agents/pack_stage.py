"""Put the pack (or an arm's subset of it) where a sandboxed agent can read it.

Copies live in the trial's HOME, not the workspace, so they are never mistaken for
deliverables, and are made read-only so an agent cannot "improve" a skill mid-trial.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from mlskills import paths
from mlskills.pack.load import Pack, SkillDef
from mlskills.schema import Arm

WRITE_BITS = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def select_skills(pack: Pack, arm: Arm) -> list[SkillDef]:
    """All skills for the `pack` arm, or the arm's named subset (unknown names raise)."""
    if not arm.skills:
        return list(pack.skills)
    return [pack.skill(name) for name in arm.skills]


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


def stage_plugin(pack: Pack, arm: Arm, target: Path) -> Path:
    """A Claude Code plugin folder at `target`: manifest, every agent, the arm's skills."""
    manifest = paths.plugin_root() / ".claude-plugin"
    shutil.copytree(manifest, target / ".claude-plugin", dirs_exist_ok=True)
    (target / "agents").mkdir(parents=True, exist_ok=True)
    for agent in pack.agents:
        shutil.copyfile(agent.path, target / "agents" / agent.path.name)
    for skill in select_skills(pack, arm):
        shutil.copytree(skill.path, target / "skills" / skill.name, dirs_exist_ok=True)
    set_read_only(target, True)
    return target
