"""Fixtures for trigger evals: a tiny case folder and a fake API that "chooses" by keyword."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fakes.messages_api import FakeMessagesAPI
from triggers.helpers import CASES, KEY, keyword_model

from mlskills import paths


@pytest.fixture
def cases_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    (folder / "cases.yaml").write_text(CASES)
    shutil.copytree(paths.evals_dir() / "triggers" / "project", folder / "project")
    return folder


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch):
    with FakeMessagesAPI(responder=keyword_model()) as api:
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
        yield api
