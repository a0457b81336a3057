"""Run the core suite's `tasks check` beside the other tests instead of after them.

Why: the check is most of a full test run (~1,480 of CI's ~1,610 pytest seconds on
2026-12-07) and the other tests spend much of their time waiting (on sandboxes, loopback
servers, subprocesses, venv builds), not computing: ~260 CPU s in ~460 s on 2 cores. Run
beside them, the check uses that idle time, and its test (tests/test_suite.py), moved to
the end of the run, only waits for the result. The check is `mlskills tasks check`, with
its own processes and cache, on 3 seeds, except the PyTorch tasks' wrong/* solutions,
which run on the first seed only (TORCH_WRONG_SEEDS: CI's 30 minutes).

It runs at the lowest CPU priority (nice 19), from the session's first test: some tests
measure time or race signals against processes (a Ray cluster losing a node, Ctrl-C
mid-run, deadlines, a two-process gloo run), and beside a check of equal priority they
failed by chance (two different ones in four runs, 2026-12); at nice 19 the check takes
only the CPU they leave. Before, the check waited for those tests (2 minutes on 2 cores
that were mostly idle). Trials at nice 19 can stall while tests use both cores, so the
tasks whose graders measure latency (TIMED) are checked in a process of their own, at
normal priority, started once the other tests are done (beside the rest of the check,
which yields to it): a grader that times something belongs in TIMED.

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
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from mlskills import tasks

TEST_NAME = "test_core_suite_checks_green"
TIMEOUT = 3600  # 3 seeds x 22 tasks, PyTorch retrains included, beside the other tests
# 3 seeds is the check's default, what `pytest -m suite` and CI run (MLSKILLS_SUITE_SEEDS
# chooses another number); benchmarks/suite_check.py measures what each task costs it.
SEEDS = os.environ.get("MLSKILLS_SUITE_SEEDS", "3")
# The PyTorch tasks' wrong/* solutions run on the first seed only, a budget for CI's 30
# minutes: their graders rerun train.py in fresh processes, each mostly torch's start-up,
# and these ~25 solutions on 3 seeds were a third of the check (a 2-core host measured
# 1,804 s for the whole check, 2026-12-07). Their oracle and right/* still run on every
# seed; MLSKILLS_SUITE_TORCH_WRONG_SEEDS=3 runs the full check.
TORCH_WRONG_SEEDS = os.environ.get("MLSKILLS_SUITE_TORCH_WRONG_SEEDS", "1")
# Core tasks whose graders measure latency (model-serving: p95 under load, a stalled
# client): checked after the rest, at normal priority, where no test can starve them.
TIMED = ("model-serving",)
LOWEST_PRIORITY = 19
_KEY = pytest.StashKey["SuiteCheck | None"]()
_WANTED = pytest.StashKey[bool]()


def missing_requirements() -> list[str]:
    """Modules a core task requires that this machine cannot import (torch, typically)."""
    core = (tasks.find_task(t) for t in tasks.load_suite("core").task_ids)
    return sorted({name for task in core for name in tasks.missing_requirements(task)})


@dataclass
class Part:
    """One `tasks check` process of the suite check: its tasks, priority and options."""

    task_ids: list[str]
    niceness: int
    options: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    returncode: int
    verdicts: list[dict]
    stderr: str


class SuiteCheck:
    """`mlskills tasks check` on the core suite in the background, in three processes:
    the PyTorch tasks (wrong/* on TORCH_WRONG_SEEDS) and the other tasks but TIMED, both
    at nice 19 from the start, and TIMED at normal priority once the other tests are done
    (`start_timed`), beside the others' rest, which yields to it. Their output goes to
    files; `result()` joins them."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="suite-check-"))
        self.started = time.monotonic()
        core = [tasks.find_task(t) for t in tasks.load_suite("core").task_ids]
        torch = [t.id for t in core if t.trains_torch and t.id not in TIMED]
        rest = [t.id for t in core if t.id not in torch and t.id not in TIMED]
        self.parts = {
            "background": Part(rest, LOWEST_PRIORITY),
            "torch": Part(torch, LOWEST_PRIORITY, ["--wrong-seeds", TORCH_WRONG_SEEDS]),
            "timed": Part([t.id for t in core if t.id in TIMED], 0),
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.ended: dict[str, float] = {}  # when each part's process ended
        self.lock = threading.Lock()  # between starting a part and stop()
        self.stopped = False
        self._launch("background")
        self._launch("torch")

    @property
    def seconds(self) -> float | None:
        """The check's wall time, once every part has started and ended."""
        if len(self.ended) < sum(bool(part.task_ids) for part in self.parts.values()):
            return None
        return max(self.ended.values()) - self.started

    def start_timed(self) -> None:
        """Start the TIMED tasks' check (once; not after stop())."""
        self._launch("timed")

    def _launch(self, name: str) -> None:
        part = self.parts[name]
        niceness = part.niceness
        with self.lock:
            if self.stopped or name in self.processes or not part.task_ids:
                return
            command = [
                sys.executable, "-m", "mlskills", "tasks", "check", *part.task_ids, "-j", "2",
                "--seeds", SEEDS, *part.options, "--json", "--cache-dir", str(self.folder / name),
            ]  # fmt: skip
            out = (self.folder / f"{name}.stdout").open("wb")
            err = (self.folder / f"{name}.stderr").open("wb")
            with out, err:
                # The session's process group: a Ctrl-C, or a CI timeout that ends the
                # group, reaches the check too. os.nice in the child: its sandboxes inherit it.
                self.processes[name] = subprocess.Popen(
                    command,
                    stdout=out,
                    stderr=err,
                    stdin=subprocess.DEVNULL,
                    preexec_fn=(lambda: os.nice(niceness)) if niceness else None,
                )
        threading.Thread(target=self._note_end, args=(name,), daemon=True).start()

    def _note_end(self, name: str) -> None:
        self.processes[name].wait()
        self.ended[name] = time.monotonic()

    def result(self) -> Outcome:
        """Wait for every part (within TIMEOUT of the start) and join what they printed."""
        self.start_timed()
        verdicts, stderr, returncodes = [], "", []
        for name, process in self.processes.items():
            left = TIMEOUT - (time.monotonic() - self.started)
            try:
                returncodes.append(process.wait(timeout=max(left, 1)))
            except subprocess.TimeoutExpired:
                self.stop()
                pytest.fail(f"the suite check did not finish within {TIMEOUT} s of its start")
            verdicts += json.loads((self.folder / f"{name}.stdout").read_text() or "[]")
            stderr += (self.folder / f"{name}.stderr").read_text()
        returncode = next((code for code in returncodes if code), 0)
        return Outcome(returncode, verdicts, stderr)

    def returncodes(self) -> list[int | None]:
        return [process.poll() for process in self.processes.values()]

    def stop(self) -> None:
        """End every part (the harness ends its trials on SIGTERM, as on Ctrl-C) and start
        no other, then remove the folder."""
        with self.lock:
            self.stopped = True
            processes = list(self.processes.values())
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _start(config: pytest.Config) -> SuiteCheck:
    check = config.stash.get(_KEY, None)
    if check is None:
        check = config.stash[_KEY] = SuiteCheck()
    return check


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The check's own test last: every other test runs beside the check. Before it, the
    tests that load every CPU (`busy`): they would stall what runs beside them, CI's
    background tests of the newest releases included, which are done by then."""
    items.sort(key=lambda item: (item.name == TEST_NAME, bool(item.get_closest_marker("busy"))))


def pytest_collection_finish(session: pytest.Session) -> None:
    selected = any(item.name == TEST_NAME for item in session.items)
    wanted = selected and not session.config.option.collectonly and not missing_requirements()
    session.config.stash[_WANTED] = wanted


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Start the check with the session's first test; its TIMED part with the check's own
    test, the last: the other tests are done."""
    if item.config.stash.get(_WANTED, False):
        check = _start(item.config)
        if item.name == TEST_NAME:
            check.start_timed()


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """The check's own time in the log: its test's duration is only the wait at the end."""
    check = config.stash.get(_KEY, None)
    if check is not None and check.seconds is not None:
        terminalreporter.write_line(
            f"core suite check (--seeds {SEEDS}, the PyTorch tasks' wrong/ on "
            f"{TORCH_WRONG_SEEDS}, beside the tests at nice {LOWEST_PRIORITY}; "
            f"{', '.join(TIMED)} at normal priority after the tests): "
            f"{check.seconds:.0f} s, exit statuses {check.returncodes()}"
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    if check := session.config.stash.get(_KEY, None):
        check.stop()


@pytest.fixture
def core_suite_check(request: pytest.FixtureRequest) -> SuiteCheck:
    """The check this session started (its test waits on it)."""
    return _start(request.config)
