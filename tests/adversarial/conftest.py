"""Run an attack script as the `command` agent through the real runner, under bubblewrap.

The script is passed base64-encoded in the agent's command template, so it reaches the
sandbox the way any CLI agent's actions would: as a shell command run in /workspace.
"""

from __future__ import annotations

import base64
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlskills.paths import default_scratch_dir
from mlskills.preparation import Instance, PreparedCache
from mlskills.runner import RunConfig, start_run
from mlskills.schema import TrialRecord
from mlskills.tasks import find_task

FAST = {"agent_timeout": 60.0, "command_timeout": 60.0}


@dataclass
class Outcome:
    """One trial of an attack: its record, what the attack printed, and its run folder."""

    record: TrialRecord
    log: str
    run_dir: Path

    @property
    def failed_gates(self) -> list[str]:
        checks = (self.record.grade or {}).get("checks", [])
        return [c["name"] for c in checks if c["gate"] and not c["passed"]]

    def lines(self, prefix: str) -> list[str]:
        """What the attack reported with `prefix` (its evidence of success)."""
        return [line for line in self.log.splitlines() if line.startswith(prefix)]


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Prepared data shared by all attacks (preparing a task once is enough)."""
    return tmp_path_factory.mktemp("adversarial-cache")


@pytest.fixture
def instance(cache_dir: Path) -> Callable[..., Instance]:
    """The prepared instance an attacked trial uses, so a test can name its hidden files."""

    def get(task: str = "churn-imbalanced", seed: int = 0) -> Instance:
        return PreparedCache(cache_dir / "prepared").instance(find_task(task), seed)

    return get


@pytest.fixture
def scratch() -> Iterator[Path]:
    """A private scratch root on the runner's default (tmpfs where roomy): fast to fill."""
    folder = Path(tempfile.mkdtemp(prefix="mlskills-adversarial-", dir=default_scratch_dir()))
    yield folder
    subprocess.run(["rm", "-rf", "--", str(folder)], check=True)  # copes with any depth


@pytest.fixture
def attack(tmp_path: Path, cache_dir: Path, scratch: Path) -> Callable[..., list[Outcome]]:
    """attack(script, task=..., epochs=1, jobs=1, sandbox=..., **limits) -> Outcome per trial.

    Trial scratch folders go to `scratch` (where the runner would put them by default),
    and a test may plant decoys there.
    """

    def run(
        script: str,
        task: str = "churn-imbalanced",
        epochs: int = 1,
        jobs: int = 1,
        sandbox: str = "bwrap",
        network: bool = False,
        keep_workspaces: bool = False,
        **limits: float,
    ) -> list[Outcome]:
        encoded = base64.b64encode(script.encode()).decode()
        config = RunConfig(
            agent="command",
            task_ids=[task],
            epochs=epochs,
            jobs=jobs,
            sandbox=sandbox,
            cache_dir=str(cache_dir),
            limits={**FAST, **limits},
            agent_options={"command": f"echo {encoded} | base64 -d | bash", "network": network},
            scratch_dir=str(scratch),
            keep_workspaces=keep_workspaces,
        )
        outcome = start_run(config, tmp_path / "runs")
        return [_outcome(outcome.run, r) for r in sorted(outcome.records, key=lambda r: r.epoch)]

    return run


def _outcome(run, record: TrialRecord) -> Outcome:
    log = run.trial_dir(record.key) / "agent.log"
    return Outcome(record, log.read_text() if log.exists() else "", run.path)
