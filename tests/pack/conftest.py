"""A private, editable copy of the real pack for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACK_PARTS = ("agents", "skills", ".claude-plugin")


def copy_pack(target: Path) -> Path:
    for part in PACK_PARTS:
        shutil.copytree(
            REPO / part, target / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
    return target


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    return copy_pack(tmp_path / "pack")


def edit(path: Path, old: str, new: str) -> None:
    """Replace text that must be present, so a test cannot silently edit nothing."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
