"""Shared fixtures. `tests/` is on sys.path (rootdir conftest), so tests import `fakes.*`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.messages_api import FakeMessagesAPI

# The fresh-venv console-script fixtures (installed_mlskills, disk_mlskills, run_installed),
# and the core suite check run beside the other tests (core_suite_check).
pytest_plugins = ["installed.fixtures", "suite_check"]


@pytest.fixture
def fake_api() -> Iterator[FakeMessagesAPI]:
    """A running loopback fake Messages API; script it with `fake_api.push(...)`."""
    with FakeMessagesAPI() as api:
        yield api


FIXTURE_EVALS = Path(__file__).parent / "fixtures" / "evals"


@pytest.fixture
def fixture_evals() -> Path:
    """Tiny, fast tasks (no scikit-learn) for testing the harness itself."""
    return FIXTURE_EVALS


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Prepared-data cache per test session, never the user's ~/.cache."""
    monkeypatch.setenv("MLSKILLS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
