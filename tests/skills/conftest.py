"""Helpers for running the pack's scripts the way an agent does: as subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SKILLS = Path(__file__).resolve().parents[2] / "skills"


class ScriptRunner:
    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd

    def __call__(
        self, skill: str, script: str, *args, timeout: float = 120
    ) -> subprocess.CompletedProcess:
        path = SKILLS / skill / script
        env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
        return subprocess.run(
            [sys.executable, str(path), *map(str, args)],
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )

    def json(self, skill: str, script: str, *args, expect: int = 0) -> dict:
        result = self(skill, script, *args)
        assert result.returncode == expect, result.stderr
        return json.loads(result.stdout)

    def fails(self, skill: str, script: str, *args, words: tuple[str, ...] = ()) -> str:
        """Bad input: non-zero exit, a readable error line, no traceback, nothing on stdout."""
        result = self(skill, script, *args)
        assert result.returncode != 0, result.stdout
        assert "Traceback" not in result.stderr
        assert result.stdout == ""
        assert "error" in result.stderr
        for word in words:
            assert word in result.stderr
        return result.stderr


@pytest.fixture
def run(tmp_path: Path) -> ScriptRunner:
    return ScriptRunner(tmp_path)
