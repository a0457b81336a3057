"""Where the pack and the evals live, in a checkout or in an installed wheel."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path


@cache
def resource_root() -> Path:
    """The folder holding agents/, skills/, prompts/, evals/ and .claude-plugin/.

    An installed wheel carries them under mlskills/_data; a checkout has them at the
    repository root, two levels above this file.
    """
    here = Path(__file__).resolve().parent
    bundled = here / "_data"
    if (bundled / "skills").is_dir():
        return bundled
    return here.parent.parent


def agents_dir() -> Path:
    return resource_root() / "agents"


def skills_dir() -> Path:
    return resource_root() / "skills"


def prompts_dir() -> Path:
    return resource_root() / "prompts"


def evals_dir() -> Path:
    return resource_root() / "evals"


def plugin_root() -> Path:
    """The folder Claude Code's --plugin-dir points at (it holds .claude-plugin/)."""
    return resource_root()


def default_cache_dir() -> Path:
    """XDG cache for prepared task data; MLSKILLS_CACHE_DIR overrides."""
    if explicit := os.environ.get("MLSKILLS_CACHE_DIR"):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlskills"
