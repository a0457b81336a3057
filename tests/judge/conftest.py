"""Fixtures for judge tests: the fake API in the environment, a task with a rubric."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.judging import API_KEY, rubric_evals
from fakes.messages_api import FakeMessagesAPI

from mlskills import tasks
from mlskills.schema import TaskSpec


@pytest.fixture
def api(fake_api: FakeMessagesAPI, monkeypatch: pytest.MonkeyPatch) -> FakeMessagesAPI:
    """The fake API, reached the way a user configures it (key and base URL)."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_api.url)
    return fake_api


@pytest.fixture
def evals(tmp_path: Path) -> Path:
    return rubric_evals(tmp_path)


@pytest.fixture
def rubric_task(evals: Path) -> TaskSpec:
    return tasks.find_task("double", evals)
