"""A freshly built venv with mlskills *installed*, driven through its real console script.

In-process tests import the checkout, so `sys.path[0]` is never the venv's bin/ folder,
where the console script (a file named `mlskills`) lives: the bug that silently cost
every installed user bubblewrap went unseen. Tests here run what users run.

A pytest plugin (tests/conftest.py loads it), so any test folder can use:
- `installed_mlskills` (session): the Path of the console script in a venv under /tmp;
- `disk_mlskills` (session): the same, in a venv on disk (/var/tmp), not under /tmp;
- `run_mlskills(script, *args, cwd, env=None, timeout=600)`: runs it, returns the
  CompletedProcess (text, both streams captured); `env` adds to a clean environment.
  Import it (`from installed.fixtures import run_mlskills`) or take the `run_installed`
  fixture.

A venv is built once per session: `uv` if available, else `python -m venv` and pip. Its
dependencies are pinned to the versions of the environment running the tests (a
constraints file from `pip freeze`), so it resolves from the local cache, not the latest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 900


def _constraints(folder: Path) -> Path:
    """The running environment's versions, minus mlskills itself (it is what we install)."""
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    if not frozen.strip() and shutil.which("uv"):
        frozen = subprocess.run(
            ["uv", "pip", "freeze", "--python", sys.executable],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    lines = [
        line
        for line in frozen.splitlines()
        if "==" in line and not line.lower().startswith("mlskills")
    ]
    path = folder / "constraints.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def build_venv(parent: Path) -> Path:
    """A new venv in `parent` with mlskills installed from this checkout (not editable)."""
    venv = parent / "venv"
    constraints = _constraints(parent)
    uv = shutil.which("uv")
    if uv:
        steps = [
            [uv, "venv", "--python", sys.executable, str(venv)],
            [uv, "pip", "install", "--python", str(venv / "bin" / "python"),
             "-c", str(constraints), str(REPO)],
        ]  # fmt: skip
    else:
        pip = str(venv / "bin" / "pip")
        steps = [
            [sys.executable, "-m", "venv", str(venv)],
            [pip, "install", "-c", str(constraints), str(REPO)],
        ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, timeout=BUILD_TIMEOUT)
        if done.returncode != 0:
            pytest.fail(f"building the test venv failed: {' '.join(step)}\n{done.stderr[-2000:]}")
    script = venv / "bin" / "mlskills"
    assert script.is_file(), f"no console script at {script}"
    return script


def run_mlskills(
    script: Path,
    *args: str,
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess:
    """Run the installed console script as a user would, from `cwd`, with a plain
    environment (PATH without this test run's venv, HOME kept) plus `env`."""
    base = {
        "PATH": f"{script.parent}:/usr/local/bin:/usr/bin:/bin",
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
    }
    return subprocess.run(
        [str(script), *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _session_venv(parent: Path) -> Iterator[Path]:
    try:
        yield build_venv(parent)
    finally:
        shutil.rmtree(parent, ignore_errors=True)


@pytest.fixture(scope="session")
def installed_mlskills() -> Iterator[Path]:
    """The console script of a fresh venv under /tmp (the sandbox's /tmp is private)."""
    yield from _session_venv(Path(tempfile.mkdtemp(prefix="mlskills-installed-", dir="/tmp")))


@pytest.fixture(scope="session")
def disk_mlskills() -> Iterator[Path]:
    """The console script of a fresh venv on disk, outside /tmp."""
    base = Path("/var/tmp") if Path("/var/tmp").is_dir() else Path.home()
    yield from _session_venv(Path(tempfile.mkdtemp(prefix="mlskills-installed-", dir=base)))


@pytest.fixture
def run_installed():
    """`run_mlskills` as a fixture, for tests that prefer not to import from conftest."""
    return run_mlskills
