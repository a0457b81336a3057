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


MIN_TMPFS_FREE = 4 << 30  # bytes /dev/shm must have free before trials use it


def default_scratch_dir() -> Path | None:
    """Where trial workspaces live: MLSKILLS_SCRATCH_DIR, else a roomy tmpfs, else TMPDIR.

    Workspaces are created and deleted for every trial; on a virtual disk each directory
    operation can cost milliseconds (measured here: 7.5 ms vs 0.06 ms on tmpfs for a
    mkdtemp, a mkdir and two rmdirs), which dominated the harness's per-trial overhead.
    """
    if explicit := os.environ.get("MLSKILLS_SCRATCH_DIR"):
        return Path(explicit)
    shm = Path("/dev/shm")
    try:
        stats = os.statvfs(shm)
    except OSError:
        return None
    roomy = stats.f_bavail * stats.f_frsize >= MIN_TMPFS_FREE
    return shm if roomy and os.access(shm, os.W_OK) else None
