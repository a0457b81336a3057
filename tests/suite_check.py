"""Run the core suite's `tasks check` beside the other tests instead of after them.

Why: the check is most of a full test run (1,131 of CI's 1,578 pytest seconds on
2026-12-06, more since) and the other tests spend much of their time waiting (on
sandboxes, loopback servers, subprocesses, venv builds), not computing: 370 CPU s in
~450 s on 2 cores. Run beside them, the check uses that idle time, and its test
(tests/test_suite.py), moved to the end of the run, only waits for the result. Nothing
about the check changes: the same command, seeds and -j, its own process and cache.

Some tests measure time or race signals against processes (a Ray cluster losing a node,
Ctrl-C mid-run, deadlines, a two-process gloo run); on a host the check keeps busy they
fail by chance (tried 2026-12-07: two different ones in four runs). They run first, on a
quiet host, and the check starts with the first test after them. LOAD_SENSITIVE names
them, by file: a new test that times something belongs there.

A pytest plugin (tests/conftest.py loads it). The check starts only if its test was
selected (`-m "not suite"`, `-k` and `--deselect` leave it out) and the machine has what
the core tasks need (otherwise the test skips, as it says why). Whatever ends the session
before the test collects the result (-x, Ctrl-C, a crash) stops the check with it.
"""

from __future__ import annotations

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
# Test files (relative to tests/) that time something, race a signal or a deadline, or
# run a multi-process job with timeouts: they run before the check starts.
LOAD_SENSITIVE = (
    "executors/",
    "skills/test_ddp_minimal.py",
    "skills/test_run_detached.py",
    "agents/test_claude_code.py",
    "agents/test_anthropic_loop.py",
    "agents/test_editor_races.py",
    "credproxy/test_credproxy_server.py",
    "sandbox/test_bwrap_limits.py",
    "sandbox/test_failure_paths.py",
    "sandbox/test_monitor.py",
    "grading/test_zero_stays_zero.py",
    "test_api_gate.py",
    "test_run_lock.py",
    "test_runner.py",
)
TESTS = Path(__file__).parent
_KEY = pytest.StashKey["SuiteCheck | None"]()
_WANTED = pytest.StashKey[bool]()


def missing_requirements() -> list[str]:
    """Modules a core task requires that this machine cannot import (torch, typically)."""
    core = (tasks.find_task(t) for t in tasks.load_suite("core").task_ids)
    return sorted({name for task in core for name in tasks.missing_requirements(task)})


def is_load_sensitive(item: pytest.Item) -> bool:
    try:
        relative = item.path.relative_to(TESTS).as_posix()
    except ValueError:  # a test outside tests/
        return False
    return relative.startswith(LOAD_SENSITIVE)


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


def _start(config: pytest.Config) -> SuiteCheck:
    check = config.stash.get(_KEY, None)
    if check is None:
        check = config.stash[_KEY] = SuiteCheck()
    return check


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Load-sensitive tests first (on a quiet host), the check's own test last (every
    other test runs beside the check); otherwise the collected order."""
    items.sort(key=lambda item: 2 if item.name == TEST_NAME else int(not is_load_sensitive(item)))


def pytest_collection_finish(session: pytest.Session) -> None:
    selected = any(item.name == TEST_NAME for item in session.items)
    wanted = selected and not session.config.option.collectonly and not missing_requirements()
    session.config.stash[_WANTED] = wanted


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Start the check with the first test that is not load-sensitive."""
    if item.config.stash.get(_WANTED, False) and not is_load_sensitive(item):
        _start(item.config)


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """The check's own time in the log: its test's duration is only the wait at the end."""
    check = config.stash.get(_KEY, None)
    if check is not None and check.seconds is not None:
        terminalreporter.write_line(
            f"core suite check (--seeds {SEEDS}, -j 2, beside the tests after the "
            f"load-sensitive ones): {check.seconds:.0f} s, exit status {check.process.returncode}"
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    if check := session.config.stash.get(_KEY, None):
        check.stop()


@pytest.fixture
def core_suite_check(request: pytest.FixtureRequest) -> SuiteCheck:
    """The check this session started (its test waits on it)."""
    return _start(request.config)
