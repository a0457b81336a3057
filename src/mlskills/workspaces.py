"""Trial workspaces a killed run left behind, found through markers in the run folder.

A trial's scratch folder (workspace, graded copy; on tmpfs by default, so it costs memory)
is removed when the trial ends, but a run killed with kill -9 never gets there. Each trial
therefore leaves a marker naming its scratch folder in the run folder while it runs; the
next process that takes the run's lock (`--resume`) knows no live process uses a marked
folder (the lock's holder died) and removes it. `--keep-workspaces` trials are not marked:
their folders are meant to stay.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

MARKERS = ".workspaces-in-use"
SCRATCH_PREFIX = "mlskills-"  # tempfile prefix of every trial's scratch folder


def mark(run_folder: Path, scratch: Path) -> Path:
    """Record that `scratch` is in use by this run; returns the marker to `unmark`."""
    folder = Path(run_folder) / MARKERS
    folder.mkdir(exist_ok=True)
    marker = folder / scratch.name
    marker.write_text(str(scratch), encoding="utf-8")
    return marker


def unmark(marker: Path) -> None:
    marker.unlink(missing_ok=True)


def sweep(run_folder: Path) -> list[Path]:
    """Remove the scratch folders a dead process left (call with the run's lock held)."""
    folder = Path(run_folder) / MARKERS
    if not folder.is_dir():
        return []
    removed = []
    for marker in sorted(folder.iterdir()):
        scratch = Path(marker.read_text(encoding="utf-8").strip())
        if _is_ours(scratch, marker.name):
            remove_tree(scratch)
            removed.append(scratch)
        marker.unlink(missing_ok=True)
    return removed


def _is_ours(scratch: Path, name: str) -> bool:
    """A real folder (not a link) by the name the marker was filed under, as trials make."""
    return (
        scratch.is_absolute()
        and scratch.name == name
        and name.startswith(SCRATCH_PREFIX)
        and scratch.is_dir()
        and not scratch.is_symlink()
    )


def remove_tree(folder: Path) -> None:
    """rmtree recurses per level: a tree thousands of levels deep needs rm -rf."""
    try:
        shutil.rmtree(folder, ignore_errors=True)
    except RecursionError:
        subprocess.run(["rm", "-rf", "--", os.fspath(folder)], check=False)
