"""Start the core suite's `tasks check` as soon as pytest has collected its test.

Why: the check is most of a full test run (1,131 of CI's 1,578 pytest seconds on
2026-12-06) and the other tests spend much of their time waiting (on sandboxes, loopback
servers, subprocesses, venv builds), not computing: 370 CPU s in ~450 s on 2 cores.
Started at collection, the check runs beside them instead of after them, and its test
(tests/test_suite.py) only waits for the result. Nothing about the check changes: the
same command, seeds and -j, its own process and cache folder.

A pytest plugin (tests/conftest.py loads it). The check starts only if its test was
selected (`-m "not suite"`, `-k` and `--deselect` leave it out) and the machine has what
the core tasks need (otherwise the test skips, as it says why). Whatever ends the session
before the test collects the result (-x, Ctrl-C, a crash) stops the check with it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlskills import tasks

TEST_NAME = "test_core_suite_checks_green"
TIMEOUT = 3600  # 3 seeds x 22 tasks, PyTorch retrains included, beside the other tests
# 3 seeds is the check's default, what `pytest -m suite` and CI run (MLSKILLS_SUITE_SEEDS
# chooses another number); benchmarks/suite_check.py measures what each task costs it.
SEEDS = os.environ.get("MLSKILLS_SUITE_SEEDS", "3")
_KEY = pytest.StashKey["SuiteCheck | None"]()


def missing_requirements() -> list[str]:
    """Modules a core task requires that this machine cannot import (torch, typically)."""
    needed = {r for t in tasks.load_suite("core").task_ids for r in tasks.find_task(t).requires}
    return sorted(m for m in needed if importlib.util.find_spec(m) is None)


@dataclass
class Outcome:
    returncode: int
    verdicts: list[dict]
    stderr: str


class SuiteCheck:
    """`mlskills tasks check --suite core` in the background, its output to files."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="suite-check-"))
        self.started = time.monotonic()
        command = [
            sys.executable, "-m", "mlskills", "tasks", "check", "--suite", "core", "-j", "2",
            "--seeds", SEEDS, "--json", "--cache-dir", str(self.folder / "cache"),
        ]  # fmt: skip
        with (self.folder / "stdout").open("wb") as out, (self.folder / "stderr").open("wb") as err:
            # The session's process group: a Ctrl-C, or a CI timeout that ends the group,
            # reaches the check too.
            self.process = subprocess.Popen(
                command, stdout=out, stderr=err, stdin=subprocess.DEVNULL
            )
        self.seconds: float | None = None  # its wall time, once it ended
        threading.Thread(target=self._time, daemon=True).start()

    def _time(self) -> None:
        self.process.wait()
        self.seconds = time.monotonic() - self.started

    def result(self) -> Outcome:
        """Wait for the check (within TIMEOUT of its start) and read what it printed."""
        left = TIMEOUT - (time.monotonic() - self.started)
        try:
            returncode = self.process.wait(timeout=max(left, 1))
        except subprocess.TimeoutExpired:
            self.stop()
            pytest.fail(f"the suite check did not finish within {TIMEOUT} s of its start")
        stdout = (self.folder / "stdout").read_text()
        stderr = (self.folder / "stderr").read_text()
        return Outcome(returncode, json.loads(stdout or "[]"), stderr)

    def stop(self) -> None:
        """End the check (the harness ends its trials on SIGTERM, as on Ctrl-C), then
        remove its folder."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def pytest_collection_finish(session: pytest.Session) -> None:
    selected = any(item.name == TEST_NAME for item in session.items)
    if selected and not session.config.option.collectonly and not missing_requirements():
        session.config.stash[_KEY] = SuiteCheck()


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """The check's own time in the log: its test's duration is only the wait at the end."""
    check = config.stash.get(_KEY, None)
    if check is not None and check.seconds is not None:
        code = check.process.returncode
        terminalreporter.write_line(
            f"core suite check (--seeds {SEEDS}, -j 2, started at collection): "
            f"{check.seconds:.0f} s, exit status {code}"
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    if check := session.config.stash.get(_KEY, None):
        check.stop()


@pytest.fixture
def core_suite_check(request: pytest.FixtureRequest) -> SuiteCheck:
    """The check this session started at collection (its test waits on it)."""
    check = request.config.stash.get(_KEY, None)
    if check is None:  # e.g. a plugin added the test after collection finished
        check = request.config.stash[_KEY] = SuiteCheck()
    return check
