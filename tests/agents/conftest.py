"""Fixtures for agent tests: a fake API in the environment, a tiny pack, one-call trials."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from fakes.messages_api import FakeMessagesAPI

from mlskills import sandbox as sandboxes
from mlskills.agents import AgentOptions, AgentRequest, create
from mlskills.schema import AgentResult, Arm, Limits
from mlskills.transcript import TrialLog

API_KEY = "sk-ant-test-DO-NOT-LEAK-7f3a9c"  # distinctive, so a leak is easy to find
FAST = {"max_retries": 2}


@dataclass
class Trial:
    """A finished trial's result and the real folders it used."""

    result: AgentResult
    workspace: Path
    folder: Path  # the trial's log folder (transcript.jsonl)
    scratch: Path  # home, tmp and the workspace live here


@pytest.fixture
def api(fake_api: FakeMessagesAPI, monkeypatch: pytest.MonkeyPatch) -> FakeMessagesAPI:
    """The fake API, with the key and base URL set the way a user would set them."""
    monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake_api.url)
    return fake_api


@pytest.fixture
def tiny_pack(tmp_path: Path) -> Path:
    """A pack with the ml-engineer agent and two skills, one with a script."""
    root = tmp_path / "pack"
    (root / "agents").mkdir(parents=True)
    (root / "agents" / "ml-engineer.md").write_text(
        "---\nname: ml-engineer\ndescription: Builds ML models.\ntools: Bash, Read\n---\n"
        "You are ML-ENGINEER-BODY: validate before you train.\n"
    )
    for name, description in [("x-skill", "Use for X work."), ("y-skill", "Use for Y work.")]:
        folder = root / "skills" / name
        (folder / "scripts").mkdir(parents=True)
        (folder / "SKILL.md").write_text(
            f"---\nname: {name}\ndescription: {description}\n---\nBODY OF {name}\n"
        )
        (folder / "scripts" / "tool.py").write_text("print('hi')\n")
    return root


@pytest.fixture
def run_trial(api: FakeMessagesAPI, tmp_path: Path) -> Callable[..., Trial]:
    """Run the anthropic agent once against the scripted fake API in a sandbox (local)."""
    counter = iter(range(1000))

    def run(
        *,
        arm: Arm | None = None,
        limits: Limits | None = None,
        extra: dict | None = None,
        model: str = "claude-sonnet-5-5",
        instruction: str = "Write hello.txt.",
        setup: Callable[[Path], None] | None = None,
        kind: str = "local",
    ) -> Trial:
        scratch = tmp_path / f"trial-{next(counter)}"
        workspace = scratch / "workspace"
        workspace.mkdir(parents=True)
        if setup:
            setup(workspace)
        limits = limits or Limits(command_timeout=10)
        agent = create("anthropic", AgentOptions(model=model, extra={**FAST, **(extra or {})}))
        log = TrialLog(scratch / "log")  # no secrets registered: nothing would hide a leak
        with sandboxes.create(kind, workspace, limits, scratch) as sandbox:
            request = AgentRequest(instruction, sandbox, limits, log, arm or Arm("bare"), "t")
            result = agent.run(request)
        log.close()
        return Trial(result, sandbox.workdir, log.folder, scratch)

    return run
