"""Shared fixtures. `tests/` is on sys.path (rootdir conftest), so tests import `fakes.*`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fakes.messages_api import FakeMessagesAPI


@pytest.fixture
def fake_api() -> Iterator[FakeMessagesAPI]:
    """A running loopback fake Messages API; script it with `fake_api.push(...)`."""
    with FakeMessagesAPI() as api:
        yield api
