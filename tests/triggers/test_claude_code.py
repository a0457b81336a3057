"""Trigger sessions with the real Claude Code CLI (plugin loaded, no --agent) and the fake API."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fakes.messages_api import FakeMessagesAPI, system_text
from triggers.helpers import KEY, keyword_model, run_cli

from mlskills.agents.claude_code.locate import find_cli
from mlskills.errors import AgentSetupError
from mlskills.triggers import cli_session
from mlskills.triggers.record import TriggerRun

try:
    find_cli()
except AgentSetupError as exc:  # CI installs it via the claude-code extra
    pytest.skip(f"Claude Code CLI not available: {exc}", allow_module_level=True)


@pytest.fixture
def cli_fake(monkeypatch: pytest.MonkeyPatch):
    model = keyword_model("mlskills:data-profiling", "mlskills:ml-engineer")
    with FakeMessagesAPI(responder=model) as api:
        monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
        monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
        yield api


def test_skill_and_subagent_choices_stop_the_cli_at_its_first_tool_call(
    cli_fake, cases_dir: Path, tmp_path: Path
):
    argv = ["triggers", "run", "--agent", "claude-code", "--sandbox", "local"]
    argv += ["--cases", str(cases_dir), "--runs-dir", str(tmp_path / "runs"), "--repeats", "1"]
    argv += ["--case", "prof-1", "--case", "build-1", "--case", "neg-1", "-j", "1"]
    code, _, err = run_cli(argv)
    assert code == 0, err
    [folder] = (tmp_path / "runs").iterdir()
    records = {r.case_id: r for r in TriggerRun.open(folder).records()}
    assert {c: r.choice for c, r in records.items()} == {
        "prof-1": "skill:data-profiling",
        "build-1": "agent:ml-engineer",
        "neg-1": "none",
    }
    assert records["prof-1"].tool == "Skill" and records["build-1"].tool == "Agent"
    # the CLI was killed at its first tool call: no request carries a tool result (a second
    # turn). Each session's first request reached the fake; a loaded machine can make the
    # CLI send that first turn again (its own retry), which is not a second turn.
    assert len(cli_fake.message_requests) >= 3
    for request in cli_fake.message_requests:
        assert "tool_result" not in json.dumps(request.body.get("messages")), request.body
    first = cli_fake.message_requests[0]
    listing = system_text(first.body) + str(first.body.get("messages"))
    assert "mlskills:data-profiling" in listing and "mlskills:ml-engineer" in listing
    assert "You are a senior machine-learning engineer" not in system_text(first.body)
    # the fake simulates prompt caching: Claude Code's prompt is written to the cache
    assert all(
        r.usage["input_tokens"] + r.usage["cache_write_tokens"] > 1000 for r in records.values()
    )
    assert KEY not in (folder / "triggers.jsonl").read_text()


def test_a_harness_slow_to_kill_the_cli_still_pays_for_no_second_turn(
    cli_fake, cases_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """On a loaded machine the harness reads the first tool call late (CI, 2026-12-07): the
    CLI had run the tool and sent a second turn. Every tool call is held until the kill."""
    kill = cli_session.kill_group

    def late_kill(pgid: int) -> None:
        time.sleep(3)  # far longer than the CLI needs to run a Skill call and send a turn
        kill(pgid)

    monkeypatch.setattr(cli_session, "kill_group", late_kill)
    argv = ["triggers", "run", "--agent", "claude-code", "--sandbox", "local"]
    argv += ["--cases", str(cases_dir), "--runs-dir", str(tmp_path / "runs"), "--repeats", "1"]
    argv += ["--case", "prof-1", "--case", "build-1", "-j", "1"]
    code, _, err = run_cli(argv)
    assert code == 0, err
    [folder] = (tmp_path / "runs").iterdir()
    choices = {r.case_id: r.choice for r in TriggerRun.open(folder).records()}
    assert choices == {"prof-1": "skill:data-profiling", "build-1": "agent:ml-engineer"}
    assert len(cli_fake.message_requests) >= 2
    for request in cli_fake.message_requests:
        assert "tool_result" not in json.dumps(request.body.get("messages")), request.body
