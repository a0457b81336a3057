"""What a sandboxed command finds on PATH, on every backend."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sandbox.helpers import needs_bwrap


@pytest.mark.parametrize("kind", ["local", pytest.param("bwrap", marks=needs_bwrap)])
def test_python_is_the_harness_interpreter_when_the_venv_is_not_on_path(
    make_sandbox, monkeypatch, kind
):
    """`/venv/bin/mlskills run` from a shell that never activated the venv: the host PATH
    finds a system python without pandas, so every agent command would fail on import."""
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    box = make_sandbox(kind)
    result = box.exec("command -v python; python -c 'import sys; print(sys.prefix)'")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == [str(Path(sys.executable).parent / "python"), sys.prefix]
