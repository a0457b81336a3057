"""Sandboxes on a temporary workspace, closed after each test; bwrap skips with the reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sandbox.helpers import FAST

from mlskills import sandbox
from mlskills.schema import Limits


@pytest.fixture
def make_sandbox(tmp_path: Path) -> Iterator[Callable[..., sandbox.Sandbox]]:
    """make_sandbox(kind, **limit_overrides) -> a sandbox on a fresh trial folder."""
    made: list[sandbox.Sandbox] = []

    def make(kind: str = "bwrap", **limits: float) -> sandbox.Sandbox:
        trial = tmp_path / f"trial-{len(made)}"
        (trial / "workspace").mkdir(parents=True)
        box = sandbox.create(
            kind, trial / "workspace", Limits().override(**{**FAST, **limits}), trial
        )
        made.append(box)
        return box

    yield make
    for box in made:
        box.close()
