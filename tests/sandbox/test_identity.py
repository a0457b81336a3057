"""Handing a workspace to the sandbox's uid (as root) must never touch anything else."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from mlskills.sandbox import identity

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="uids are handed over only as root")


def test_links_are_not_followed_and_read_only_entries_are_kept(tmp_path):
    outside = tmp_path / "host-file"
    outside.write_text("root's")
    workspace = tmp_path / "workspace"
    (workspace / "sub").mkdir(parents=True)
    (workspace / "sub" / "data.csv").write_text("x")
    (workspace / "link").symlink_to(outside)
    (workspace / "dirlink").symlink_to(tmp_path)
    (workspace / "frozen.md").write_text("pack")
    (workspace / "frozen.md").chmod(0o444)
    ident = identity.allocate()
    identity.hand_over([workspace], ident)
    assert (workspace / "sub" / "data.csv").stat().st_uid == ident.uid
    assert (workspace / "link").lstat().st_uid == ident.uid
    assert outside.stat().st_uid == 0 and tmp_path.stat().st_uid == 0
    assert (workspace / "frozen.md").stat().st_uid == 0


@pytest.fixture
def fast_tmp(tmp_path):
    """A folder on tmpfs when there is one (thousands of mkdirs are slow on a virtual disk)."""
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(dir=shm)) if os.access(shm, os.W_OK) else tmp_path / "deep"
    folder.mkdir(exist_ok=True)
    yield folder
    subprocess.run(["rm", "-rf", "--", str(folder)], check=True)  # rmtree would recurse


def test_a_very_deep_tree_does_not_break_the_harness(fast_tmp):
    """An agent's 1,200-level tree: the walk stops at MAX_DEPTH instead of recursing."""
    fd = os.open(fast_tmp, os.O_RDONLY)
    for _ in range(1200):
        os.mkdir("d", dir_fd=fd)
        child = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = child
    os.close(fd)
    ident = identity.allocate()
    identity.hand_over([fast_tmp], ident)
    assert (fast_tmp / "d").stat().st_uid == ident.uid
